import type { z } from 'zod';
import { asEventBatch, EventBatch, type EventInput, type IngestResult } from '../../contract/event.schema.js';
import { parseInput } from '../../contract/issues.js';
import { findNextGoodTime, getActivity } from '../activity/activity.js';
import { ingestEvents } from '../signals/ingest.js';
import { replyThroughFunnel } from './funnel-use-cases.js';
import type { TenantScope } from './tenant-scope.js';

/** One event, an array of up to 1,000, or a batch `{ events }` as `POST /v1/events` takes it. */
export type IngestInput =
  | z.input<typeof EventInput>
  | z.input<typeof EventInput>[]
  | z.input<typeof EventBatch>;

/** What users do (events) and when they are around (the activity model). */
export function signalUseCases({ ctx, tenantId }: TenantScope) {
  return {
    /**
     * Ingests one event or up to 1,000; validated whole before anything is written. A `message_in`
     * with `funnel: true` is then read through the user's funnel, as `reply` does.
     */
    ingest: async (input: IngestInput): Promise<IngestResult> => {
      const events = parseInput(
        EventBatch,
        Array.isArray(input) ? { events: input } : asEventBatch(input),
      ).events;
      const result = await ingestEvents(ctx, tenantId, events);
      const flagged = events.filter((e) => e.funnel === true && e.kind === 'message_in');
      if (flagged.length === 0) return result;
      const funnels: NonNullable<IngestResult['funnels']> = [];
      for (const e of flagged) {
        const answer = await replyThroughFunnel(ctx, tenantId, {
          userId: e.userId,
          characterId: e.characterId,
          text: e.text ?? '',
          messageId: e.id,
        });
        funnels.push({ id: e.id, userId: e.userId, ...answer });
      }
      return { ...result, funnels };
    },
    /** When the user is usually around, in their local time, and whether `at` (default now) is a good time. */
    getActivity: (userId: string, options: { at?: Date } = {}) =>
      getActivity(ctx, tenantId, userId, options.at ?? ctx.clock.now()),
    /**
     * The best instant to reach the user in [after, after + withinMs] (default: now, one day),
     * outside the policy's quiet hours (the character's, when given).
     */
    nextGoodTime: (userId: string, options: { after?: Date; withinMs?: number; characterId?: string } = {}) =>
      findNextGoodTime(
        ctx,
        tenantId,
        userId,
        options.after ?? ctx.clock.now(),
        options.withinMs ?? 86_400_000,
        options.characterId,
      ),
  };
}
