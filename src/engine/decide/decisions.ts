import type { DecisionQuery } from '../../contract/decision.schema.js';
import { notFound } from '../../contract/errors.js';
import { decide } from '../../domain/decide/decide.js';
import type { Check, Decision } from '../../domain/decide/decision.js';
import { describeCheck } from '../../domain/decide/describe.js';
import { holdOut } from '../../domain/decide/holdout.js';
import type { Occasion } from '../../domain/decide/occasion.js';
import { appliesTo } from '../../domain/triggers/trigger.js';
import { listDecisions, type StoredDecision } from '../../storage/decision.repository.js';
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
  };
}

type CheckJson = ReturnType<typeof checkView>;

/**
 * The decisions stored for a user (one character's, with `characterId`), newest first: every
 * decision that acted, deferred or was blocked, with its trace.
 */
export async function listDecisionPage(ctx: EngineContext, tenantId: string, query: DecisionQuery) {
  const rows = await listDecisions(ctx.db, tenantId, query);
  return {
    decisions: rows.map(storedDecisionView),
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
  return row ? storedDecisionView(row) : null;
}

function storedDecisionView(r: StoredDecision) {
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
    trace: r.trace.map((c) => ('legacy' in c ? (c.legacy as CheckJson) : checkView(c))),
  };
}
