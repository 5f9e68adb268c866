import type { Check } from '../../domain/decide/decision.js';
import type { FunnelTemplate } from '../../domain/funnels/funnel.js';
import {
  FUNNEL_HISTORY_DAYS,
  type FunnelCandidate,
  type FunnelPick,
  type FunnelRequest,
  selectFunnel,
} from '../../domain/funnels/select-funnel.js';
import type { EngagementState } from '../../domain/outcomes/engagement.js';
import { groupBy } from '../../domain/shared/group-by.js';
import { findFactTexts } from '../../storage/context.repository.js';
import {
  deleteRuns,
  type FunnelRunRow,
  findFunnelHistory,
  insertRun,
  listFunnels,
  type PairFunnelHistory,
} from '../../storage/funnel.repository.js';
import type { Db } from '../../storage/schema.js';
import type { NewSuggestion } from '../../storage/suggestion.repository.js';
import { pairKey } from '../../storage/user.repository.js';
import { newId } from '../kernel/ids.js';
import { templateOf } from './funnel-templates.js';

const DAY = 86_400_000;
/** Facts read per user for matching keywords and goals, the most salient first. */
const FACTS_PER_USER = 200;
/** A fact of this category is a goal. */
const GOAL = 'goal';

/** A decision to speak whose trigger starts a funnel. */
export interface FunnelStart {
  userId: string;
  characterId: string;
  request: FunnelRequest;
  triggerId: string;
  /** The pair's engagement, read at the decision (decayed to now). */
  engagement: EngagementState | null;
  /** The suggestion the decision makes: its hook, given the run; dismissed when nothing may start. */
  suggestion: NewSuggestion;
  /** The decision's trace: the selector's check is added to it. */
  trace: Check[];
}

/**
 * Decides, under the users' row locks of the sweep's transaction, which funnel each decision to
 * speak starts (domain/funnels/select-funnel.ts) and records why in its trace: the funnel chosen
 * makes the suggestion its hook and a run starts at its first step (one active run per pair, held
 * by the database: a start that loses the race dismisses its suggestion, so nothing else is
 * sent); a pair already in a funnel gets nothing else (its suggestion dismissed, the occasion
 * used); none fitting leaves the plain opener. Returns the runs started.
 */
export async function startFunnels(
  trx: Db,
  tenantId: string,
  starts: readonly FunnelStart[],
  now: Date,
): Promise<FunnelRunRow[]> {
  if (starts.length === 0) return [];
  const userIds = [...new Set(starts.map((s) => s.userId))];
  const [stored, facts, history] = await Promise.all([
    listFunnels(trx, tenantId),
    findFactTexts(trx, tenantId, userIds, FACTS_PER_USER),
    findFunnelHistory(trx, tenantId, starts, new Date(now.getTime() - FUNNEL_HISTORY_DAYS * DAY), pairKey),
  ]);
  const funnels = stored.map((f) => ({
    template: templateOf(f.funnelId, f.name, f.definition),
    version: f.version,
  }));
  const factsOf = groupBy(facts, (f) => f.userId);
  const runs: FunnelRunRow[] = [];
  for (const start of starts) {
    const past = history.get(pairKey(start.userId, start.characterId));
    const known = (factsOf.get(start.userId) ?? []).filter(
      (f) => f.characterId === null || f.characterId === start.characterId,
    );
    const pick = selectFunnel(
      start.request,
      funnels.map(({ template }) => candidateOf(template, past)),
      {
        knowledge: known.map((f) => f.text),
        goals: known.filter((f) => f.category?.toLowerCase() === GOAL).map((f) => f.text),
        engagement: start.engagement,
        activeFunnelId: past?.activeFunnelId ?? null,
      },
      now.getTime(),
    );
    if (pick.note === 'no_fit') {
      start.trace.push(check(start, pick, 'no_funnel_fits', true));
      continue;
    }
    if (pick.note === 'run_active') {
      start.trace.push(check(start, pick, 'funnel_under_way', false));
      dismiss(
        start.suggestion,
        `the user is in funnel "${pick.chosen ?? pick.ranking[0]?.funnelId}" with this character: nothing else is sent meanwhile`,
      );
      continue;
    }
    const chosen = funnels.find((f) => f.template.funnelId === pick.chosen)!;
    const run = runOf(start, chosen.template, chosen.version, now);
    if (await insertRun(trx, tenantId, run)) {
      start.trace.push(check(start, pick, 'funnel_chosen', true));
      start.suggestion.funnelRunId = run.run_id;
      runs.push(run);
    } else {
      start.trace.push(check(start, pick, 'funnel_race_lost', false));
      dismiss(start.suggestion, 'another decision started a funnel for this user and character first');
    }
  }
  return runs;
}

/** Runs whose hook another instance made first (its suggestion was not inserted) are removed. */
export async function dropRunsNotMade(
  trx: Db,
  tenantId: string,
  runs: readonly FunnelRunRow[],
  made: ReadonlySet<string>,
) {
  const lost = runs.filter((r) => !made.has(r.hook_suggestion_id));
  await deleteRuns(
    trx,
    tenantId,
    lost.map((r) => ({ userId: r.user_id, runId: r.run_id })),
  );
}

function candidateOf(funnel: FunnelTemplate, past: PairFunnelHistory | undefined): FunnelCandidate {
  return {
    funnel,
    lastStartedAtMs: past?.lastStartedAt.get(funnel.funnelId)?.getTime() ?? null,
    recentRefusals: past?.refusals.get(funnel.funnelId) ?? 0,
  };
}

function check(start: FunnelStart, pick: FunnelPick, note: Check['note'], passed: boolean): Check {
  return { check: 'funnel', passed, note, triggerId: start.triggerId, funnels: pick.ranking };
}

function dismiss(s: NewSuggestion, reason: string) {
  s.status = 'dismissed';
  s.reason = reason;
}

function runOf(start: FunnelStart, funnel: FunnelTemplate, version: number, now: Date): FunnelRunRow {
  return {
    user_id: start.userId,
    run_id: newId('run', now.getTime()),
    character_id: start.characterId,
    funnel_id: funnel.funnelId,
    version,
    trigger_id: start.triggerId,
    decision_id: start.suggestion.decisionId,
    hook_suggestion_id: start.suggestion.suggestionId,
    status: 'active',
    step_id: funnel.start,
    seq: 0,
    step_sent_at: null,
    due_at: null,
    started_at: now,
    ended_at: null,
    end_reason: null,
  };
}
