import { type EngagementState, stateAtLeast } from '../outcomes/engagement.js';
import { normalizeReply } from '../outcomes/normalize-reply.js';
import type { FunnelTemplate } from './funnel.js';
import { containsWords } from './words.js';

const HOUR = 3_600_000;
/** Runs that ended in a refusal or silence this recently count against starting the funnel again. */
export const FUNNEL_HISTORY_DAYS = 30;

/** What a trigger starts: a named funnel, or the best eligible one. */
export type FunnelRequest = { select: 'named'; funnelId: string } | { select: 'best' };

/** A funnel the selector may start, with the pair's history of it. */
export interface FunnelCandidate {
  funnel: FunnelTemplate;
  /** When it last started for this pair; null: never. */
  lastStartedAtMs: number | null;
  /** Its runs for this pair in the last {@link FUNNEL_HISTORY_DAYS} days that were declined or expired. */
  recentRefusals: number;
}

/** What the selector reads of the pair. */
export interface FunnelPairView {
  /** What is known of the user: facts and preferences, as text. */
  knowledge: readonly string[];
  /** The user's goals, as text. */
  goals: readonly string[];
  /** The pair's engagement now (decayed to now), null when unknown (passive). */
  engagement: EngagementState | null;
  /** The funnel the pair is in now, if any: no other starts meanwhile. */
  activeFunnelId: string | null;
}

/** Why a candidate was or was not chosen. */
export type FunnelVerdict =
  | 'chosen'
  | 'eligible'
  | 'not_engaged'
  | 'cooldown'
  | 'no_match'
  | 'not_named'
  | 'run_active';

export interface FunnelRanking {
  funnelId: string;
  verdict: FunnelVerdict;
  /** Goals matched count twice, keywords once, each recent refusal takes one away. */
  score: number;
  /** The keywords and goals found in what is known of the user. */
  matched: string[];
}

/** The selector's answer, as the decision trace keeps it. */
export interface FunnelPick {
  chosen: string | null;
  /** `run_active`: the pair is in a funnel; `no_fit`: none eligible (the plain opener is sent). */
  note: 'chosen' | 'no_fit' | 'run_active';
  ranking: FunnelRanking[];
}

/**
 * Which funnel a trigger starts for a pair, and why. The decision to speak is taken before; this
 * decides only whether a funnel is allowed and which. A pair already in a funnel starts none (the
 * trigger then sends nothing: the funnel state decides the step). Otherwise each candidate must be
 * allowed by the pair's engagement (read decayed to now), be out of its cooldown, and, if it names
 * keywords or goals, match one of them in what is known of the user (on word boundaries); the
 * eligible are ranked by what matched (a goal counts twice) less the pair's recent refusals of
 * it, then by the oldest last start, then by id. A named funnel is the only candidate. No
 * eligible funnel: `no_fit`, and the plain opener is the fallback.
 */
export function selectFunnel(
  request: FunnelRequest,
  candidates: readonly FunnelCandidate[],
  pair: FunnelPairView,
  nowMs: number,
): FunnelPick {
  if (pair.activeFunnelId !== null)
    return {
      chosen: null,
      note: 'run_active',
      ranking: [{ funnelId: pair.activeFunnelId, verdict: 'run_active', score: 0, matched: [] }],
    };
  const knowledge = pair.knowledge.map(normalizeReply);
  const goals = pair.goals.map(normalizeReply);
  const ranking = candidates.map((c) => rank(c, request, knowledge, goals, pair.engagement, nowMs));
  const order = candidates.map((_, i) => i).filter((i) => ranking[i]!.verdict === 'eligible');
  order.sort(
    (a, b) =>
      ranking[b]!.score - ranking[a]!.score ||
      (candidates[a]!.lastStartedAtMs ?? -1) - (candidates[b]!.lastStartedAtMs ?? -1) ||
      (ranking[a]!.funnelId < ranking[b]!.funnelId ? -1 : 1),
  );
  if (order.length === 0) return { chosen: null, note: 'no_fit', ranking };
  const best = ranking[order[0]!]!;
  best.verdict = 'chosen';
  return { chosen: best.funnelId, note: 'chosen', ranking };
}

function rank(
  c: FunnelCandidate,
  request: FunnelRequest,
  knowledge: readonly string[],
  goals: readonly string[],
  engagement: EngagementState | null,
  nowMs: number,
): FunnelRanking {
  const { funnel } = c;
  const matchedKeywords = funnel.audience.keywords.filter((k) => mentions(knowledge, k));
  const matchedGoals = funnel.audience.goals.filter((g) => mentions(goals, g));
  const matched = [...matchedGoals, ...matchedKeywords];
  const score = 2 * matchedGoals.length + matchedKeywords.length - c.recentRefusals;
  const at = (verdict: FunnelVerdict): FunnelRanking => ({
    funnelId: funnel.funnelId,
    verdict,
    score,
    matched,
  });
  if (request.select === 'named' && request.funnelId !== funnel.funnelId) return at('not_named');
  if (!stateAtLeast(engagement ?? 'passive', funnel.audience.minEngagement)) return at('not_engaged');
  if (c.lastStartedAtMs !== null && nowMs - c.lastStartedAtMs < funnel.audience.cooldownHours * HOUR)
    return at('cooldown');
  const asks = funnel.audience.keywords.length + funnel.audience.goals.length > 0;
  if (asks && matched.length === 0) return at('no_match');
  return at('eligible');
}

function mentions(texts: readonly string[], phrase: string): boolean {
  const p = normalizeReply(phrase);
  return texts.some((t) => containsWords(t, p));
}
