import type { z } from 'zod';
import {
  CallbackInput,
  FunnelCreate,
  FunnelReplace,
  FunnelReportQuery,
  ReplyInput,
} from '../../contract/funnel.schema.js';
import { parseInput } from '../../contract/issues.js';
import { intentOfModel } from '../../domain/funnels/reply-intent.js';
import { askStepIntent } from '../compose/step-intent.js';
import {
  answerCallback,
  answerReply,
  answerReplyOrAsk,
  intentRequestFor,
} from '../funnels/funnel-replies.js';
import { funnelReport } from '../funnels/funnel-report.js';
import {
  createFunnel,
  getFunnel,
  listFunnelViews,
  putFunnel,
  removeFunnel,
} from '../funnels/funnel-templates.js';
import type { EngineContext } from '../kernel/resources.js';
import type { TenantScope } from './tenant-scope.js';

/**
 * A user's message through their funnel: a reply the step's words leave undecided, at a step that
 * asks for it, is read by the character's language model (outside any transaction; the words
 * decide when it has no answer), then the run moves.
 */
export async function replyThroughFunnel(ctx: EngineContext, tenantId: string, input: ReplyInput) {
  const first = await answerReplyOrAsk(ctx, tenantId, input);
  if (!('undecided' in first)) return first;
  const { runId, seq, step } = first.undecided;
  const read = await askStepIntent(
    ctx,
    tenantId,
    input.characterId,
    await intentRequestFor(ctx, tenantId, input, step),
  );
  return answerReply(
    ctx,
    tenantId,
    input,
    read ? { runId, seq, intent: intentOfModel(step, read) } : undefined,
  );
}

/** Funnels: multi-step proactive conversations, the bot's replies and buttons through them, their report. */
export function funnelUseCases({ ctx, tenantId, actor }: TenantScope) {
  return {
    /** Creates a funnel template; validation names the step and field of each problem. */
    createFunnel: (input: z.input<typeof FunnelCreate>) =>
      createFunnel(ctx, tenantId, parseInput(FunnelCreate, input), actor),
    listFunnels: () => listFunnelViews(ctx, tenantId),
    getFunnel: (funnelId: string) => getFunnel(ctx, tenantId, funnelId),
    /** Replaces a funnel with a new version; runs under way finish on theirs. */
    replaceFunnel: (funnelId: string, input: z.input<typeof FunnelReplace>) =>
      putFunnel(ctx, tenantId, funnelId, parseInput(FunnelReplace, input), actor),
    /** Deletes a funnel: it starts no more runs. */
    deleteFunnel: (funnelId: string) => removeFunnel(ctx, tenantId, funnelId, actor),
    /**
     * A user's message, before the bot answers it: `consumed` when the funnel took it (its next
     * step is on its way), else the bot answers (with `handoff` at a funnel's last step).
     */
    reply: (input: z.input<typeof ReplyInput>) =>
      replyThroughFunnel(ctx, tenantId, parseInput(ReplyInput, input)),
    /** A button pressed: moves the funnel once; `outdated` or `already_ended` otherwise. */
    callback: (input: z.input<typeof CallbackInput>) =>
      answerCallback(ctx, tenantId, parseInput(CallbackInput, input)),
    /** Per funnel and step: started, reached, completed, abandoned by reason, expired, handed off, median time. */
    funnelReport: (query: z.input<typeof FunnelReportQuery>) =>
      funnelReport(ctx, tenantId, parseInput(FunnelReportQuery, query)),
  };
}
