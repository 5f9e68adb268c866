import type { IngestSignal } from '../../contract/event.schema.js';
import { classifyReply, type ReplyMeaning } from '../../domain/outcomes/reply-meaning.js';
import { policyFor } from '../../domain/policy/policy.js';
import { toTenantPolicy } from '../../domain/policy/policy-document.js';
import { eventKey, type NewEvent } from '../../storage/event.repository.js';
import { readPolicy } from '../../storage/policy.repository.js';
import type { Db } from '../../storage/schema.js';
import { applyStop, snoozePair } from '../../storage/standing.repository.js';
import { appendAudit } from '../kernel/audit.js';
import type { EngineContext } from '../kernel/resources.js';
import type { AttributedOutcome } from './attribution.js';

const DAY = 86_400_000;

/**
 * What the user's words make the engine do, in the ingest transaction after attribution:
 * - a stop anywhere in a new message, a reply or not, opts the user out of the character's
 *   proactive messages (or every character's, when the phrase says so), audited with the
 *   message's id; each change becomes a signal for the bot (`IngestSignal`);
 * - a reply meaning "not now" snoozes the pair for the policy's `snoozeDays` from the reply.
 * The rest of what replies mean (ignored messages, annoyance, wrong hours, warm replies) is read
 * from the outcomes when deciding (domain/outcomes/standing.ts), so it needs nothing written here.
 */
export async function actOnWords(
  trx: Db,
  ctx: EngineContext,
  tenantId: string,
  fresh: readonly NewEvent[],
  attributed: readonly AttributedOutcome[],
  now: Date,
  /** The new messages' meanings (`meaningsOf`). */
  meanings: ReadonlyMap<string, ReplyMeaning>,
): Promise<IngestSignal[]> {
  const signals: IngestSignal[] = [];
  // oldest first, so that a later stop to every character is the one that speaks
  const messages = fresh
    .filter((e) => e.kind === 'message_in' && e.text !== null)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const e of messages) {
    const meaning = meanings.get(eventKey(e.userId, e.eventId)) ?? classifyReply(e.text!);
    if (meaning.meaning !== 'stop') continue;
    const characterId = meaning.scope === 'all' ? null : e.characterId;
    const stop = { userId: e.userId, characterId, eventId: e.eventId, at: e.at };
    if (!(await applyStop(trx, tenantId, stop))) continue;
    await appendAudit(ctx, trx, tenantId, now, {
      actor: `user:${e.userId}`,
      action: 'consent.opted_out',
      subject: characterId === null ? `user:${e.userId}` : `user:${e.userId}/character:${characterId}`,
      detail: {
        eventId: e.eventId,
        at: e.at.toISOString(),
        scope: meaning.scope ?? 'character',
        cue: meaning.cue,
      },
    });
    signals.push({
      kind: 'opted_out',
      userId: e.userId,
      characterId,
      scope: characterId === null ? 'all' : 'character',
      eventId: e.eventId,
      at: e.at.toISOString(),
      cue: meaning.cue,
    });
  }
  const notNow = attributed.filter((o) => o.meaning?.meaning === 'not_now' && o.repliedAt !== null);
  if (notNow.length > 0) {
    const tenant = toTenantPolicy((await readPolicy(trx, tenantId)).settings);
    for (const o of notNow) {
      const days = policyFor(tenant, o.characterId).snoozeDays;
      if (days === 0) continue;
      const until = new Date(o.repliedAt!.getTime() + days * DAY);
      await snoozePair(trx, tenantId, {
        userId: o.userId,
        characterId: o.characterId,
        until,
        eventId: o.replyEventId!,
      });
    }
  }
  return signals;
}
