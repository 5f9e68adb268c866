import { sql } from 'kysely';
import type { RecentOpener } from '../domain/compose/draft-step.js';
import { assertSuggestionTransition } from '../domain/suggestions/lifecycle.js';
import type { ComposerName } from '../ports/composer.js';
import type { Db } from './schema.js';

/** A suggestion claimed for drafting. */
export interface ClaimedDraft {
  tenantId: string;
  userId: string;
  suggestionId: string;
  characterId: string;
  triggerId: string;
  occasionKey: string;
  approval: 'auto' | 'suggest' | 'manual';
  createdAt: Date;
  expiresAt: Date;
  /** A funnel's message: its run and place (0: the hook). */
  funnel: { runId: string; seq: number } | null;
}

/**
 * Claims up to `limit` suggestions in `drafting`, oldest first, of any tenant, under a lease:
 * `FOR UPDATE SKIP LOCKED` keeps two instances off one row at the moment of claiming, the lease
 * keeps them off it while it is composed outside any transaction (a model can take seconds), and
 * a crashed instance's claims are claimable again when their lease ends.
 */
export async function claimDrafts(
  db: Db,
  token: string,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<ClaimedDraft[]> {
  const { rows } = await sql<{
    tenant_id: string;
    user_id: string;
    suggestion_id: string;
    character_id: string;
    trigger_id: string;
    occasion_key: string;
    approval: ClaimedDraft['approval'];
    created_at: Date;
    expires_at: Date;
    funnel_run_id: string | null;
    funnel_seq: number | null;
  }>`
    update suggestions set draft_token = ${token}, draft_lease_until = ${leaseUntil}
    where ctid = any(array(
      select ctid from suggestions
      where status = 'drafting' and (draft_lease_until is null or draft_lease_until <= ${now})
      order by created_at
      limit ${limit}
      for update skip locked
    ))
    returning tenant_id, user_id, suggestion_id, character_id, trigger_id, occasion_key, approval,
      created_at, expires_at, funnel_run_id, funnel_seq`.execute(db);
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    userId: r.user_id,
    suggestionId: r.suggestion_id,
    characterId: r.character_id,
    triggerId: r.trigger_id,
    occasionKey: r.occasion_key,
    approval: r.approval,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    funnel: r.funnel_run_id === null ? null : { runId: r.funnel_run_id, seq: r.funnel_seq ?? 0 },
  }));
}

/** Where a draft goes: composed (awaiting approval or approved), or ended with a reason. */
export interface DraftOutcome {
  status: 'pending' | 'approved' | 'dismissed' | 'expired';
  text: string | null;
  topic: Record<string, unknown> | null;
  composer: ComposerName | null;
  composition: Record<string, unknown>;
  reason: string | null;
}

/**
 * Records a draft's outcome, if this claim still holds it (a claim whose lease ended may have
 * been taken over: then the other instance's outcome stands). Returns whether it was written.
 */
export async function finishDraft(
  db: Db,
  draft: ClaimedDraft,
  token: string,
  outcome: DraftOutcome,
  now: Date,
): Promise<boolean> {
  assertSuggestionTransition('drafting', outcome.status);
  const result = await db
    .updateTable('suggestions')
    .set({
      status: outcome.status,
      text: outcome.text,
      topic: outcome.topic === null ? null : JSON.stringify(outcome.topic),
      composer: outcome.composer,
      composition: JSON.stringify(outcome.composition),
      status_reason: outcome.reason,
      updated_at: now,
      ...(outcome.status === 'approved' ? { handled_by: 'auto', handled_at: now } : {}),
      draft_token: null,
      draft_lease_until: null,
    })
    .where('tenant_id', '=', draft.tenantId)
    .where('user_id', '=', draft.userId)
    .where('suggestion_id', '=', draft.suggestionId)
    .where('status', '=', 'drafting')
    .where('draft_token', '=', token)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Each user's last `limit` proactive openers (any character), most recent first, each with the
 * trigger that made it: not to be repeated (domain/compose/opener-plan.ts says by whom). One statement for a batch of users: a lateral subquery per user, each reading
 * `suggestions_by_user_time` backwards as one user's query would.
 */
export async function findRecentOpeners(
  db: Db,
  tenantId: string,
  userIds: readonly string[],
  limit: number,
): Promise<Map<string, RecentOpener[]>> {
  const openers = new Map<string, RecentOpener[]>();
  if (userIds.length === 0) return openers;
  const { rows } = await sql<{
    user_id: string;
    text: string;
    topic: Record<string, unknown> | null;
    trigger_id: string;
  }>`
    select u.user_id, s.text, s.topic, s.trigger_id
    from unnest(${[...new Set(userIds)]}::text[]) as u(user_id)
    cross join lateral (
      select text, topic, trigger_id, created_at from suggestions
      where tenant_id = ${tenantId} and user_id = u.user_id and text is not null
        and status not in ('dismissed', 'expired', 'failed')
      order by created_at desc
      limit ${limit}
    ) s
    order by u.user_id, s.created_at desc`.execute(db);
  for (const r of rows) {
    const list = openers.get(r.user_id) ?? [];
    list.push({
      text: r.text,
      topicId: typeof r.topic?.id === 'string' ? r.topic.id : null,
      triggerId: r.trigger_id,
    });
    openers.set(r.user_id, list);
  }
  return openers;
}
