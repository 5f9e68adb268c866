import type { Meaning } from './reply-meaning.js';

/**
 * How engaged a user is with one character, from the least to the most. `proactive` is a user who
 * starts conversations themselves, often; replying alone, however warmly, stops at `engaged`.
 */
export const ENGAGEMENT_STATES = ['passive', 'curious', 'engaged', 'proactive'] as const;
export type EngagementState = (typeof ENGAGEMENT_STATES)[number];

/**
 * The score at which each state above `passive` begins. A state is entered at its threshold plus
 * {@link ENGAGEMENT_HYSTERESIS} and kept until the score falls below its threshold minus it.
 */
export const ENGAGEMENT_THRESHOLDS = { curious: 25, engaged: 50, proactive: 75 } as const;
/** Half the width of the band around each threshold in which the state does not change. */
export const ENGAGEMENT_HYSTERESIS = 5;
/** The score of a user with no evidence (or whose evidence has decayed away): passive. */
export const ENGAGEMENT_BASELINE = 10;
export const DEFAULT_ENGAGEMENT_HALF_LIFE_DAYS = 14;

/**
 * What one user did with one character, at an epoch-millisecond instant: a `message` they wrote
 * first (not a reply to a proactive message), a `reply` to a proactive message (its meaning null
 * until classified), a proactive message `ignored` (at its outcome window's end), `feedback` from
 * -1 to 1, or a `refusal` (a stop or an opt-out).
 */
export type EngagementEvidence =
  | { atMs: number; kind: 'message' }
  | { atMs: number; kind: 'reply'; latencySeconds: number; meaning: Meaning | null }
  | { atMs: number; kind: 'ignored' }
  | { atMs: number; kind: 'feedback'; score: number }
  | { atMs: number; kind: 'refusal' };

export interface EngagementOptions {
  /** How fast evidence loses weight; a month of silence ends `engaged` for any half-life up to 21 days. */
  halfLifeDays?: number;
}

/** The engagement of one pair at one instant, with what the decision trace shows of its making. */
export interface Engagement {
  /** From 0 to 100, to one decimal; {@link ENGAGEMENT_BASELINE} without evidence. */
  score: number;
  state: EngagementState;
  /** When the current state was entered (to the millisecond); null for a pair never out of passive. */
  since: number | null;
  trace: {
    /** The decayed masses at the instant read: score = min(f(positive - negative), g(initiative)). */
    positive: number;
    negative: number;
    initiative: number;
    /** The evidence read (at or before the instant), by kind. */
    counts: Record<EngagementEvidence['kind'], number>;
  };
}

/**
 * The positive and initiative masses never grow past this many units (one unit: a quick warm
 * reply, or a message written first); the negative mass is scaled down with the positive one.
 */
const MASS_CAP = 6;
/** The most debt any history leaves (three refusals), so that no past keeps a returning user down long. */
const NEGATIVE_CAP = 12;
/** The score without initiative: a user who only replies is at most engaged. */
const REPLY_CEILING = 60;
const REFUSAL_WEIGHT = 4;
const IGNORED_WEIGHT = 0.5;
const FEEDBACK_WEIGHT = 1.5;
/** A reply this many seconds late has lost half of its speed bonus. */
const QUICK_REPLY_SECONDS = 600;
/** Per meaning; positive ones are scaled by speed (0.5 to 1), negative ones are not. `stop` refuses. */
const REPLY_WEIGHTS: Record<Meaning, number> = {
  engaged: 1,
  neutral: 0.5,
  not_now: -0.25,
  wrong_time: -0.25,
  annoyed: -1.5,
  stop: 0,
};
const NULL_MEANING_WEIGHT = REPLY_WEIGHTS.neutral;
const DAY_MS = 86_400_000;
/** The score a state is entered at, by rank; `passive` (rank 0) is always open. */
const ENTER = [
  Number.NEGATIVE_INFINITY,
  ENGAGEMENT_THRESHOLDS.curious + ENGAGEMENT_HYSTERESIS,
  ENGAGEMENT_THRESHOLDS.engaged + ENGAGEMENT_HYSTERESIS,
  ENGAGEMENT_THRESHOLDS.proactive + ENGAGEMENT_HYSTERESIS,
];
/** The score a state is kept down to, by rank. */
const KEEP = [
  Number.NEGATIVE_INFINITY,
  ENGAGEMENT_THRESHOLDS.curious - ENGAGEMENT_HYSTERESIS,
  ENGAGEMENT_THRESHOLDS.engaged - ENGAGEMENT_HYSTERESIS,
  ENGAGEMENT_THRESHOLDS.proactive - ENGAGEMENT_HYSTERESIS,
];
const RANK: Record<EngagementState, number> = { passive: 0, curious: 1, engaged: 2, proactive: 3 };

/**
 * Whether a state is at least another, for a `minEngagement` condition.
 *
 * @example stateAtLeast('engaged', 'curious') // true
 */
export function stateAtLeast(state: EngagementState, min: EngagementState): boolean {
  return RANK[state] >= RANK[min];
}

/**
 * The engagement of one (user, character) pair at `nowMs`, computed from its evidence (sorted by
 * time; items after `nowMs` are not read, so the state as of any past instant is the same call
 * with that instant). Nothing is stored: it is evaluated at read time, so a month of silence
 * shows.
 *
 * The model. Three masses decay with the half-life (each multiplied by 2^(-Δt/halfLife)):
 * `positive` (a quick warm reply 1, a neutral or unclassified one 0.5, each times 0.5..1 for
 * speed; a message written first 1; positive feedback up to 1.5), `negative` (an ignored message
 * 0.5, not_now and wrong_time 0.25, annoyed 1.5, negative feedback up to 1.5) and `initiative`
 * (a message written first 1). The evidence of one instant is added as a sum, so its order does
 * not matter. Saturation is a cap of {@link MASS_CAP} units on `positive` and `initiative`: it
 * bounds what any history can bank, so that silence forgets it. When `positive` is capped,
 * `negative` is scaled by the same ratio, so that a busy user with some ignored messages keeps
 * the balance of their evidence instead of both masses saturating to a net of zero. A refusal (a
 * stop or a reply meaning stop) empties `positive` and `initiative` after the rest of its
 * instant (the stop wins) and adds a debt of 4 to `negative` (capped at 12). The score is
 * min(f(positive - negative), g(initiative)) with f(x) = 10 + 15x for x >= 0 and 10 * 2^x below
 * (a debt shows under the baseline) and g(i) = 60 + 6.67i: replying alone reaches 60 (engaged);
 * only messages written first lift the ceiling towards 100, and proactive (80) needs a net of 4.7
 * and an initiative of 3 (six days in a row of writing first, or fewer with warm replies besides).
 * With 14 days, a week of quick warm replies gives 60 (engaged), a month of silence after it 30
 * (curious), and even a saturated pair falls below engaged after about 19 days of silence; a refusal
 * gives 0.6 (passive) at once and leaves a debt that later warmth must first repay.
 *
 * Monotone by construction: every step (decay, add, cap and rescale, reset) is monotone in the
 * masses (more positive, less negative, more initiative is better) and f, g are increasing, so
 * adding positive evidence never lowers the score at a given `nowMs` and adding negative
 * evidence never raises it.
 *
 * Hysteresis. The state is replayed: evaluated after each instant's evidence (moving up to the
 * highest state entered, or down to the highest state kept) and as the masses decay between
 * instants and up to `nowMs`. With no new evidence all masses shrink by the same factor, so the
 * score moves monotonically towards the baseline: down from above, up from below (never past
 * it, and the baseline is under every entry). A decay can therefore only lower the state, and
 * checking its end point gives the state a continuous watch would give; the instant it fell
 * below a keep threshold is solved in closed form, which is what `since` reports.
 *
 * O(n) in the evidence, allocating only the result.
 *
 * @example engagementOf([], nowMs) // { score: 10, state: 'passive', since: null, ... }
 */
export function engagementOf(
  evidence: readonly EngagementEvidence[],
  nowMs: number,
  options: EngagementOptions = {},
): Engagement {
  const halfLifeMs = (options.halfLifeDays ?? DEFAULT_ENGAGEMENT_HALF_LIFE_DAYS) * DAY_MS;
  if (!(halfLifeMs > 0) || !Number.isFinite(halfLifeMs)) throw new RangeError('halfLifeDays must be > 0');
  const decayRate = Math.LN2 / halfLifeMs; // per ms; Math.exp is about 4x cheaper than 2 ** on Node 20
  if (!Number.isFinite(nowMs)) throw new RangeError('nowMs must be a finite number');
  const counts = { message: 0, reply: 0, ignored: 0, feedback: 0, refusal: 0 };
  const r: Replay = {
    positive: 0,
    negative: 0,
    initiative: 0,
    atMs: 0,
    rank: 0,
    since: null,
    addPositive: 0,
    addNegative: 0,
    addInitiative: 0,
    refused: false,
  };
  let read = 0;
  for (; read < evidence.length; read++) {
    const e = evidence[read]!;
    if (e.atMs > nowMs) break;
    if (read === 0) {
      if (!Number.isFinite(e.atMs)) throw new RangeError('evidence instants must be finite numbers');
      r.atMs = e.atMs;
    } else if (!(e.atMs >= r.atMs)) throw new RangeError(`evidence is not sorted by time at index ${read}`);
    else if (e.atMs > r.atMs) {
      closeInstant(r);
      decayTo(r, e.atMs, decayRate);
    }
    add(r, e, counts);
  }
  if (read > 0) {
    closeInstant(r);
    decayTo(r, nowMs, decayRate);
  }
  return {
    score: Math.round(scoreOf(r.positive - r.negative, r.initiative) * 10) / 10,
    state: ENGAGEMENT_STATES[r.rank]!,
    since: r.since,
    trace: {
      positive: round2(r.positive),
      negative: round2(r.negative),
      initiative: round2(r.initiative),
      counts,
    },
  };
}

interface Replay {
  positive: number;
  negative: number;
  initiative: number;
  /** The instant the masses are at. */
  atMs: number;
  rank: number;
  since: number | null;
  /** What the evidence of the instant `atMs` adds, applied at once when the instant closes. */
  addPositive: number;
  addNegative: number;
  addInitiative: number;
  refused: boolean;
}

/** Adds one item to what its instant adds, and counts it (a named store per kind: a keyed one costs more). */
function add(r: Replay, e: EngagementEvidence, counts: Engagement['trace']['counts']): void {
  switch (e.kind) {
    case 'message':
      counts.message += 1;
      r.addPositive += 1;
      r.addInitiative += 1;
      return;
    case 'reply': {
      counts.reply += 1;
      if (e.meaning === 'stop') {
        r.refused = true;
        return;
      }
      const w = e.meaning === null ? NULL_MEANING_WEIGHT : REPLY_WEIGHTS[e.meaning];
      if (w >= 0) r.addPositive += w * speedOf(e.latencySeconds);
      else r.addNegative -= w;
      return;
    }
    case 'ignored':
      counts.ignored += 1;
      r.addNegative += IGNORED_WEIGHT;
      return;
    case 'feedback': {
      counts.feedback += 1;
      const s = Number.isFinite(e.score) ? Math.max(-1, Math.min(1, e.score)) : 0;
      if (s >= 0) r.addPositive += FEEDBACK_WEIGHT * s;
      else r.addNegative -= FEEDBACK_WEIGHT * s;
      return;
    }
    case 'refusal':
      counts.refusal += 1;
      r.refused = true;
      return;
    default: {
      const unknown: never = e;
      throw new TypeError(`unknown evidence ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Applies the evidence of the instant `r.atMs` (a sum, so its order does not matter), then the
 * refusal's reset, then moves the state either way.
 */
function closeInstant(r: Replay): void {
  let positive = r.positive + r.addPositive;
  let negative = r.negative + r.addNegative;
  if (positive > MASS_CAP) {
    negative *= MASS_CAP / positive;
    positive = MASS_CAP;
  }
  r.initiative = Math.min(MASS_CAP, r.initiative + r.addInitiative);
  if (r.refused) {
    positive = 0;
    r.initiative = 0;
    negative += REFUSAL_WEIGHT;
  }
  r.positive = positive;
  r.negative = Math.min(NEGATIVE_CAP, negative);
  r.addPositive = 0;
  r.addNegative = 0;
  r.addInitiative = 0;
  r.refused = false;
  const score = scoreOf(r.positive - r.negative, r.initiative);
  let up = ENTER.length - 1;
  while (up > r.rank && !(score >= ENTER[up]!)) up--;
  let down = r.rank;
  while (down > 0 && score < KEEP[down]!) down--;
  const rank = up > r.rank ? up : down;
  if (rank !== r.rank) {
    r.rank = rank;
    r.since = r.atMs;
  }
}

/** 1 for an instant reply, 0.75 at ten minutes, 0.57 at an hour, towards 0.5 for a slow (or unknown) one. */
function speedOf(latencySeconds: number): number {
  if (!Number.isFinite(latencySeconds)) return 0.5;
  return 0.5 + (0.5 * QUICK_REPLY_SECONDS) / (QUICK_REPLY_SECONDS + Math.max(0, latencySeconds));
}

/**
 * Decays the masses to `atMs` and lowers the state if the score fell below a keep threshold on
 * the way; `since` is the instant it fell below the last one crossed.
 */
function decayTo(r: Replay, atMs: number, decayRate: number): void {
  const from = r.atMs;
  const net = r.positive - r.negative;
  const initiative = r.initiative;
  const k = Math.exp(-(atMs - from) * decayRate);
  r.positive *= k;
  r.negative *= k;
  r.initiative *= k;
  r.atMs = atMs;
  const score = scoreOf(r.positive - r.negative, r.initiative);
  let rank = r.rank;
  while (rank > 0 && score < KEEP[rank]!) rank--;
  if (rank === r.rank) return;
  // The score was >= KEEP[r.rank] at `from` and is below KEEP[rank + 1] now, falling all the way:
  // it fell below that level when the decay factor passed the larger of the factors that bring
  // f(net) and g(initiative) down to it. Every keep threshold is above the baseline, so net > 0.
  const level = KEEP[rank + 1]!;
  const kNet = netFor(level) / net;
  const kInitiative = level > REPLY_CEILING ? initiativeFor(level) / initiative : 0;
  const kCross = Math.min(1, Math.max(kNet, kInitiative));
  r.rank = rank;
  r.since = Math.min(atMs, Math.ceil(from - Math.log(kCross) / decayRate));
}

function scoreOf(net: number, initiative: number): number {
  const f =
    net >= 0
      ? ENGAGEMENT_BASELINE + ((100 - ENGAGEMENT_BASELINE) * net) / MASS_CAP
      : ENGAGEMENT_BASELINE * Math.exp(net * Math.LN2);
  return Math.min(f, REPLY_CEILING + ((100 - REPLY_CEILING) * initiative) / MASS_CAP);
}

/** The net mass at which f reaches `score` (for a score above the baseline). */
function netFor(score: number): number {
  return ((score - ENGAGEMENT_BASELINE) * MASS_CAP) / (100 - ENGAGEMENT_BASELINE);
}

/** The initiative mass at which g reaches `score` (for a score above the reply ceiling). */
function initiativeFor(score: number): number {
  return ((score - REPLY_CEILING) * MASS_CAP) / (100 - REPLY_CEILING);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
