import type { DecisionQuery } from '../../contract/decision.schema.js';
import { notFound } from '../../contract/errors.js';
import { decide } from '../../domain/decide/decide.js';
import type { Check, Decision } from '../../domain/decide/decision.js';
import { describeCheck } from '../../domain/decide/describe.js';
import { holdOut } from '../../domain/decide/holdout.js';
import type { Occasion } from '../../domain/decide/occasion.js';
import { appliesTo } from '../../domain/triggers/trigger.js';
import { listDecisions, type StoredDecision } from '../../storage/decision.repository.js';
import { firstMessagesIn } from '../../storage/pair-outcomes.repository.js';
import { readPolicy } from '../../storage/policy.repository.js';
import { findTrigger } from '../../storage/trigger.repository.js';
import type { EngineContext } from '../kernel/resources.js';
import { toDomainTrigger } from '../triggers/triggers.js';
import { loadDecisionState } from './decision-state.js';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The decision the engine would make now if this trigger fired for this user and character, with
 * every check: schedule, event, webhook and follow-up triggers are taken as firing now, silence and
 * active-now are evaluated as they stand. It writes nothing and passes every gate as usual.
 */
export async function testTrigger(
  ctx: EngineContext,
  tenantId: string,
  triggerId: string,
  target: { userId: string; characterId: string },
) {
  const record = await findTrigger(ctx.db, tenantId, triggerId);
  if (!record) throw notFound(`trigger "${triggerId}"`);
  const now = ctx.clock.now();
  const nowMs = now.getTime();
  const { state, policy, zone } = await loadDecisionState(
    ctx,
    tenantId,
    target.userId,
    target.characterId,
    now,
  );
  const trigger = toDomainTrigger(record);
  const fired =
    trigger.spec.kind === 'schedule' ||
    trigger.spec.kind === 'llm' ||
    trigger.spec.kind === 'event' ||
    trigger.spec.kind === 'webhook' ||
    trigger.spec.kind === 'follow_up';
  const occasions: Occasion[] = fired
    ? [{ triggerId, key: `test:${nowMs}`, atMs: nowMs, expiresAtMs: nowMs + trigger.expiryMinutes * 60_000 }]
    : [];
  let decision = holdOut(decide({ ...state, occasions }, [trigger], policy, nowMs), [trigger], {
    tenantId,
    userId: target.userId,
  });
  if (!appliesTo(trigger, target.characterId)) {
    const check: Check = {
      check: 'trigger',
      passed: false,
      note: trigger.enabled ? 'trigger_not_for_character' : 'trigger_disabled',
      triggerId,
    };
    decision = {
      action: 'skip',
      reason: 'trigger',
      occasion: decision.occasion,
      trace: [check, ...decision.trace],
    };
  }
  return {
    userId: target.userId,
    characterId: target.characterId,
    triggerId,
    at: now.toISOString(),
    timezone: zone.zone,
    timezoneSource: zone.source,
    ...decisionView(decision),
  };
}

/** A decision as JSON: instants in ISO 8601. */
function decisionView(decision: Decision) {
  const occasion = decision.occasion && occasionView(decision.occasion);
  return {
    action: decision.action,
    ...(decision.action === 'skip' ? { reason: decision.reason } : {}),
    ...(decision.action === 'defer' ? { until: iso(decision.untilMs) } : {}),
    occasion,
    trace: decision.trace.map(checkView),
  };
}

/** An occasion as JSON. */
function occasionView(o: Occasion) {
  return { triggerId: o.triggerId, key: o.key, at: iso(o.atMs), expiresAt: iso(o.expiresAtMs) };
}

/** A check as JSON: its code, its words, instants in ISO 8601. */
function checkView(c: Check) {
  return {
    check: c.check,
    passed: c.passed,
    note: c.note as string,
    detail: describeCheck(c),
    ...(c.triggerId !== undefined ? { triggerId: c.triggerId } : {}),
    ...(c.value !== undefined ? { value: c.value } : {}),
    ...(c.limit !== undefined ? { limit: c.limit } : {}),
    ...(c.atMs !== undefined ? { at: iso(c.atMs) } : {}),
    ...(c.untilMs !== undefined ? { until: iso(c.untilMs) } : {}),
    ...(c.minutes !== undefined ? { minutes: c.minutes } : {}),
    ...(c.eventId !== undefined ? { eventId: c.eventId } : {}),
    ...(c.funnels !== undefined ? { funnels: c.funnels } : {}),
  };
}

type CheckJson = ReturnType<typeof checkView>;

/**
 * The decisions stored for a user (one character's, with `characterId`), newest first: every
 * decision that acted, deferred or was blocked, with its trace.
 */
export async function listDecisionPage(ctx: EngineContext, tenantId: string, query: DecisionQuery) {
  const rows = await listDecisions(ctx.db, tenantId, query);
  const outcomes = await heldOutOutcomes(ctx, tenantId, rows);
  return {
    decisions: rows.map((r) => storedDecisionView(r, outcomes.get(r))),
    next: rows.length === query.limit ? rows.at(-1)!.decisionId : null,
  };
}

/** One stored decision with its trace; null once retention has deleted it. */
export async function findDecisionView(
  ctx: EngineContext,
  tenantId: string,
  userId: string,
  decisionId: string,
) {
  const [row] = await listDecisions(ctx.db, tenantId, { userId, decisionId, limit: 1 });
  if (!row) return null;
  return storedDecisionView(row, (await heldOutOutcomes(ctx, tenantId, [row])).get(row));
}

/**
 * The outcome of each held-out decision, measured from its time as a sent message's is from its
 * sending: the user's first message to the character within the tenant's attribution window
 * after it (`replied`), none once the window has passed (`ignored`), or `pending`.
 */
async function heldOutOutcomes(ctx: EngineContext, tenantId: string, rows: readonly StoredDecision[]) {
  const found = new Map<StoredDecision, HeldOutOutcome>();
  const held = rows.filter((r) => r.action === 'held_out');
  if (held.length === 0) return found;
  const windowMs = (await readPolicy(ctx.db, tenantId)).settings.attributionWindowMinutes * 60_000;
  const ends = held.map((r) => new Date(r.decidedAt.getTime() + windowMs));
  const replies = await firstMessagesIn(
    ctx.db,
    tenantId,
    held.map((r, i) => ({
      userId: r.userId,
      characterId: r.characterId,
      from: r.decidedAt,
      until: ends[i]!,
    })),
  );
  const nowMs = ctx.clock.now().getTime();
  held.forEach((r, i) => {
    const reply = replies[i] ?? null;
    found.set(r, {
      status: reply ? 'replied' : nowMs >= ends[i]!.getTime() ? 'ignored' : 'pending',
      windowEndsAt: ends[i]!.toISOString(),
      repliedAt: reply ? iso(reply.atMs) : null,
      replyEventId: reply?.eventId ?? null,
      latencySeconds: reply ? (reply.atMs - r.decidedAt.getTime()) / 1000 : null,
    });
  });
  return found;
}

/** What became of a held-out decision (see `heldOutOutcomes`). */
export interface HeldOutOutcome {
  status: 'pending' | 'replied' | 'ignored';
  windowEndsAt: string;
  repliedAt: string | null;
  replyEventId: string | null;
  latencySeconds: number | null;
}

function storedDecisionView(r: StoredDecision, outcome: HeldOutOutcome | undefined) {
  return {
    decisionId: r.decisionId,
    userId: r.userId,
    characterId: r.characterId,
    decidedAt: r.decidedAt.toISOString(),
    action: r.action,
    reason: r.reason,
    until: r.until?.toISOString() ?? null,
    occasion:
      r.triggerId === null || r.occasionKey === null || !r.occasionAt || !r.occasionExpiresAt
        ? null
        : occasionView({
            triggerId: r.triggerId,
            key: r.occasionKey,
            atMs: r.occasionAt.getTime(),
            expiresAtMs: r.occasionExpiresAt.getTime(),
          }),
    suggestionId: r.suggestionId,
    holdoutProbability: r.holdoutProbability,
    outcome: outcome ?? null,
    trace: r.trace.map((c) => ('legacy' in c ? (c.legacy as CheckJson) : checkView(c))),
  };
}
