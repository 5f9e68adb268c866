import { z } from 'zod';
import { Id, Instant } from '../contract/common.js';
import { parseDuration } from '../domain/shared/duration.js';
import { renderActivitySvg } from './activity-svg.js';
import type { Api } from './api-types.js';
import { callerTenant } from './auth.js';
import { errors } from './errors.schema.js';

const Params = z.object({ userId: Id });
const MAX_WINDOW_MS = 31 * 86_400_000;

const Hour = z.object({ day: z.string(), hour: z.number().int() });

const Activity = z
  .object({
    userId: z.string(),
    at: z.string(),
    timezone: z.string(),
    timezoneSource: z.enum(['explicit', 'inferred', 'default']),
    timezoneConfidence: z.number(),
    confidence: z.number().meta({ description: 'Trust in the heatmap, in [0, 1], growing with evidence' }),
    evidence: z.number().meta({ description: "Decayed count of the user's own events behind the model" }),
    heatmap: z.array(z.array(z.number())).meta({
      description: '7 rows (Monday to Sunday) of 24 local hours; probabilities summing to 1',
    }),
    bestHours: z.array(Hour.extend({ hourOfWeek: z.number().int(), probability: z.number() })),
    now: Hour.extend({ good: z.boolean(), score: z.number(), reason: z.string(), localTime: z.string() }),
  })
  .meta({ id: 'Activity' });

const AsOf = z.strictObject({
  at: Instant.optional().meta({
    description:
      "As of this instant (default now). Any instant: one before the model's reference reads as at it (docs/ACTIVITY.md)",
  }),
});

const Window = z.strictObject({
  after: Instant.optional().meta({ description: 'Start of the window (default: now)' }),
  within: z
    .string()
    .default('P1D')
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined || ms <= 0 || ms > MAX_WINDOW_MS) {
        ctx.addIssue({
          code: 'custom',
          message:
            'must be an ISO 8601 duration of weeks, days, hours or minutes, up to P31D, e.g. P1D or PT12H',
        });
        return z.NEVER;
      }
      return ms;
    })
    .meta({ description: 'Length of the window, an ISO 8601 duration up to P31D (default P1D)' }),
  characterId: Id.optional().meta({
    description: "Use this character's quiet hours, where its policy overrides them",
  }),
});

/** The instant a query names; absent, the use case takes the engine's now. */
const dateOf = (iso?: string) => (iso ? new Date(iso) : undefined);

export function activityRoutes(app: Api) {
  app.get(
    '/v1/users/:userId/activity',
    {
      config: { access: 'read' },
      schema: {
        tags: ['activity'],
        summary: 'When the user is usually around, in their local time, and whether `at` is a good time',
        params: Params,
        querystring: AsOf,
        response: { 200: Activity, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) =>
      callerTenant(request).getActivity(request.params.userId, { at: dateOf(request.query.at) }),
  );

  app.get(
    '/v1/users/:userId/activity.svg',
    {
      config: { access: 'read' },
      schema: {
        tags: ['activity'],
        summary:
          "The user's week as a heatmap picture (SVG): days × local hours, best hours and `at` outlined",
        params: Params,
        querystring: AsOf,
        response: { 200: z.string().meta({ description: 'image/svg+xml' }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const activity = await callerTenant(request).getActivity(request.params.userId, {
        at: dateOf(request.query.at),
      });
      const svg = renderActivitySvg({
        userId: activity.userId,
        heatmap: activity.heatmap,
        timezone: activity.timezone,
        timezoneSource: activity.timezoneSource,
        confidence: activity.confidence,
        bestHours: activity.bestHours.slice(0, 3),
        now: activity.now,
      });
      return reply.type('image/svg+xml; charset=utf-8').send(svg);
    },
  );

  app.get(
    '/v1/users/:userId/next-good-time',
    {
      config: { access: 'read' },
      schema: {
        tags: ['activity'],
        summary: 'The best instant to reach the user in a window, with its score',
        params: Params,
        querystring: Window,
        response: {
          200: z.object({
            userId: z.string(),
            after: z.string(),
            until: z.string(),
            at: z
              .string()
              .nullable()
              .meta({ description: 'null when the quiet hours cover the whole window' }),
            localTime: z.string().nullable(),
            day: z.string().nullable(),
            hour: z.number().int().nullable(),
            score: z.number(),
            good: z.boolean(),
            timezone: z.string(),
            timezoneSource: z.enum(['explicit', 'inferred', 'default']),
            quietHours: z.string().nullable().meta({
              description: "The policy's quiet hours in the user's local time, never answered inside",
            }),
          }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) =>
      callerTenant(request).nextGoodTime(request.params.userId, {
        after: dateOf(request.query.after),
        withinMs: request.query.within,
        characterId: request.query.characterId,
      }),
  );
}
