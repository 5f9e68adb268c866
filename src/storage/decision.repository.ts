import { sql } from 'kysely';
import type { Check } from '../domain/decide/decision.js';
import { fromEpochMsSql } from './codecs/epoch-ms.js';
import { decodeTrace, type LegacyCheck, traceJson } from './codecs/trace-codec.js';
import type { Db } from './schema.js';

/** A stored decision: what was decided for a pair, why, and the trace of every check. */
export interface DecisionRecord {
  decisionId: string;
  userId: string;
  characterId: string;
  decidedAt: Date;
  action: 'send' | 'queue' | 'defer' | 'skip' | 'held_out';
  reason: string | null;
  triggerId: string | null;
  occasionKey: string | null;
  occasionAt: Date | null;
  occasionExpiresAt: Date | null;
  until: Date | null;
  trace: readonly Check[];
  suggestionId: string | null;
  /** The trigger's holdout probability, for a decision to speak (or held out) under one. */
  holdoutProbability: number | null;
}

/** A decision read back: its trace as decided (or, stored before the codes, in words). */
export interface StoredDecision extends Omit<DecisionRecord, 'trace'> {
  trace: (Check | LegacyCheck)[];
}

/**
 * Inserts decisions, their traces in codes (`traceJson`). The batch travels as one JSON document
 * read by `json_to_recordset`, written as text directly, instants in milliseconds (as `text[]` parameters the driver escaped
 * every element; through `JSON.stringify` of objects, building them cost more than the insert).
 */
export async function insertDecisions(db: Db, tenantId: string, decisions: readonly DecisionRecord[]) {
  if (decisions.length === 0) return;
  let rows = '[';
  for (let i = 0; i < decisions.length; i++) {
    const d = decisions[i]!;
    if (i > 0) rows += ',';
    rows += `{"user_id":${str(d.userId)},"decision_id":${str(d.decisionId)},"character_id":${str(d.characterId)},"decided_at":${ms(d.decidedAt)},"action":${str(d.action)},"reason":${str(d.reason)},"trigger_id":${str(d.triggerId)},"occasion_key":${str(d.occasionKey)},"occasion_at":${ms(d.occasionAt)},"occasion_expires_at":${ms(d.occasionExpiresAt)},"until_at":${ms(d.until)},"trace":${traceJson(d.trace, d.triggerId)},"suggestion_id":${str(d.suggestionId)},"holdout_probability":${d.holdoutProbability ?? 'null'}}`;
  }
  rows += ']';
  await sql`
    insert into decisions (tenant_id, user_id, decision_id, character_id, decided_at, action, reason,
                           trigger_id, occasion_key, occasion_at, occasion_expires_at, until_at, trace,
                           suggestion_id, holdout_probability)
    select ${tenantId}, r.user_id, r.decision_id, r.character_id, ${fromEpochMsSql('r.decided_at')}, r.action,
           r.reason, r.trigger_id, r.occasion_key, ${fromEpochMsSql('r.occasion_at')},
           ${fromEpochMsSql('r.occasion_expires_at')}, ${fromEpochMsSql('r.until_at')}, r.trace, r.suggestion_id,
           r.holdout_probability
    from json_to_recordset(${rows}::json) as r(user_id text, decision_id text, character_id text,
      decided_at bigint, action text, reason text, trigger_id text, occasion_key text,
      occasion_at bigint, occasion_expires_at bigint, until_at bigint, trace json, suggestion_id text,
      holdout_probability double precision)`.execute(db);
}

const str = (s: string | null) => (s === null ? 'null' : JSON.stringify(s));
/** Instants travel as milliseconds since the epoch (formatting them was a tenth of writing a batch). */
const ms = (d: Date | null) => (d === null ? 'null' : String(d.getTime()));

/** A user's decisions, newest first, optionally for one character, a page before a decision id. */
export async function listDecisions(
  db: Db,
  tenantId: string,
  filter: {
    userId: string;
    decisionId?: string;
    characterId?: string;
    action?: string;
    before?: string;
    limit: number;
  },
): Promise<StoredDecision[]> {
  let query = db
    .selectFrom('decisions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', filter.userId);
  if (filter.decisionId !== undefined) query = query.where('decision_id', '=', filter.decisionId);
  if (filter.characterId !== undefined) query = query.where('character_id', '=', filter.characterId);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action as 'send');
  if (filter.before !== undefined) query = query.where('decision_id', '<', filter.before);
  const rows = await query.orderBy('decision_id', 'desc').limit(filter.limit).execute();
  return rows.map((r) => ({
    decisionId: r.decision_id,
    userId: r.user_id,
    characterId: r.character_id,
    decidedAt: r.decided_at,
    action: r.action,
    reason: r.reason,
    triggerId: r.trigger_id,
    occasionKey: r.occasion_key,
    occasionAt: r.occasion_at,
    occasionExpiresAt: r.occasion_expires_at,
    until: r.until_at,
    trace: decodeTrace(r.trace, r.trigger_id),
    suggestionId: r.suggestion_id,
    holdoutProbability: r.holdout_probability,
  }));
}
