import { z } from 'zod';
import { Id } from '../contract/common.js';
import {
  ApproveInput,
  DeliveryReport,
  DeliveryView,
  DismissInput,
  SuggestionDetail,
  SuggestionQuery,
  SuggestionView,
} from '../contract/suggestion.schema.js';
import type { Api } from './api-types.js';
import { callerTenant } from './auth.js';
import { errors } from './errors.schema.js';

const Params = z.object({ suggestionId: Id });

/** The approval queue: what the engine decided to say, a person's approval, and what became of it. */
export function suggestionRoutes(app: Api) {
  app.get(
    '/v1/suggestions',
    {
      config: { access: 'read' },
      schema: {
        tags: ['suggestions'],
        summary:
          "Suggestions, newest first: a user's, or the tenant's (`status=pending`: the approval queue)",
        querystring: SuggestionQuery,
        response: {
          200: z.object({ suggestions: z.array(SuggestionView), next: z.string().nullable() }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => callerTenant(request).listSuggestions(request.query),
  );

  app.get(
    '/v1/suggestions/:suggestionId',
    {
      config: { access: 'read' },
      schema: {
        tags: ['suggestions'],
        summary:
          'One suggestion with the decision that made it (every check), its topic, composer, deliveries and attempts',
        params: Params,
        response: { 200: SuggestionDetail, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => callerTenant(request).getSuggestion(request.params.suggestionId),
  );

  app.post(
    '/v1/suggestions/:suggestionId/approve',
    {
      config: { access: 'write' },
      schema: {
        tags: ['suggestions'],
        summary:
          'Approve a pending suggestion (optionally with your own text): its delivery is queued at once',
        description:
          'Only a pending suggestion can be approved: an expired one, one handled already (approved, dismissed, sent), or one the user cannot be reached for is a 409, and of two approvals at the same moment one wins and the other gets a 409.',
        params: Params,
        body: ApproveInput,
        response: {
          200: z.object({ suggestion: SuggestionView, delivery: DeliveryView }),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
    async (request) => {
      const approved = await callerTenant(request).approveSuggestion(
        request.params.suggestionId,
        request.body,
      );
      // the approval queued the suggestion's one delivery
      return { suggestion: suggestionOf(approved), delivery: approved.deliveries[0]! };
    },
  );

  app.post(
    '/v1/suggestions/:suggestionId/dismiss',
    {
      config: { access: 'write' },
      schema: {
        tags: ['suggestions'],
        summary: 'Dismiss a pending suggestion with a reason: nothing is sent, and it stays on record',
        params: Params,
        body: DismissInput,
        response: { 200: SuggestionView, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      suggestionOf(await callerTenant(request).dismissSuggestion(request.params.suggestionId, request.body)),
  );

  app.post(
    '/v1/deliveries/:deliveryId/report',
    {
      config: { access: 'write' },
      schema: {
        tags: ['suggestions'],
        summary:
          'Say what became of a message: the bot that sent one handed to it on the stream, or a person settling one whose outcome is unknown',
        description:
          "Only a delivery that is `handed_off` (channel stream) or `unknown` takes a report (else 409). A message reported sent is recorded as the user's message_out.",
        params: z.object({ deliveryId: Id }),
        body: DeliveryReport,
        response: { 200: DeliveryView, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => callerTenant(request).reportDelivery(request.params.deliveryId, request.body),
  );
}

/** A suggestion as the approval routes answer: its detail without the decision and deliveries. */
function suggestionOf({
  decision: _,
  deliveries: __,
  ...suggestion
}: z.output<typeof SuggestionDetail>): SuggestionView {
  return suggestion;
}
