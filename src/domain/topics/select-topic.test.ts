import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../shared/random.js';
import {
  scoreTopic,
  selectTopic,
  TOPIC_WEIGHTS,
  type TopicCandidate,
  type TopicContext,
} from './select-topic.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-27T18:00:00Z');

const context = (over: Partial<TopicContext> = {}): TopicContext => ({
  nowMs: NOW,
  characterId: 'luna',
  channel: 'private',
  recentTopicIds: [],
  random: seededRandom(7),
  ...over,
});
const topic = (id: string, over: Partial<TopicCandidate> = {}): TopicCandidate => ({
  id,
  kind: 'fact',
  text: id,
  salience: 0.5,
  atMs: NOW - DAY,
  sensitive: false,
  characterId: null,
  ...over,
});

describe('selectTopic', () => {
  it('follows up an open loop that is due before anything more salient', () => {
    const interview = topic('loop:interview', {
      kind: 'open_loop',
      salience: 0.3,
      dueAtMs: NOW - 3 * 3_600_000,
      atMs: NOW - 4 * DAY,
    });
    const sister = topic('fact:sister', { salience: 1, atMs: NOW });
    const { chosen, ranked } = selectTopic([sister, interview], context());
    expect(chosen?.candidate.id).toBe('loop:interview');
    expect(chosen?.score.dueNow).toBe(true);
    expect(ranked.map((r) => r.candidate.id)).toEqual(['loop:interview', 'fact:sister']);
  });

  it('ranks by salience, recency and novelty, and records each part', () => {
    const fresh = topic('fact:new-job', { salience: 0.8, atMs: NOW });
    const old = topic('fact:old-hobby', { salience: 0.8, atMs: NOW - 28 * DAY });
    const { ranked } = selectTopic([old, fresh], context());
    expect(ranked.map((r) => r.candidate.id)).toEqual(['fact:new-job', 'fact:old-hobby']);
    expect(ranked[1]!.score).toMatchObject({ salience: 0.8, recency: 0.25, novelty: 1, timeRelevance: 0 });
    const parts = ranked[1]!.score;
    expect(parts.total).toBeCloseTo(
      TOPIC_WEIGHTS.salience * 0.8 + TOPIC_WEIGHTS.recency * 0.25 + TOPIC_WEIGHTS.novelty * 1,
      12,
    );
  });

  it('leaves out the last topic, and scores the ones used before it lower the more recent', () => {
    const ids = ['a', 'b', 'c', 'd'];
    const { ranked, excluded } = selectTopic(
      ids.map((id) => topic(id)),
      context({ recentTopicIds: ['a', 'b', 'c'] }),
    );
    expect(excluded).toEqual([{ id: 'a', reason: 'used_last' }]);
    expect(ranked.map((r) => r.candidate.id)).toEqual(['d', 'c', 'b']);
  });

  it('keeps sensitive topics out of public channels and other characters’ topics out of this one', () => {
    const health = topic('fact:surgery', { sensitive: true, salience: 1 });
    const ofMax = topic('memory:chess', { kind: 'memory', characterId: 'max', salience: 1 });
    const tea = topic('fact:tea', { salience: 0.1 });
    const pub = selectTopic([health, ofMax, tea], context({ channel: 'public' }));
    expect(pub.chosen?.candidate.id).toBe('fact:tea');
    expect(pub.excluded).toEqual([
      { id: 'fact:surgery', reason: 'sensitive_in_public' },
      { id: 'memory:chess', reason: 'other_character' },
    ]);
    expect(selectTopic([health, tea], context()).chosen?.candidate.id).toBe('fact:surgery');
  });

  it('chooses nothing when nothing may be used', () => {
    expect(selectTopic([], context()).chosen).toBeNull();
    const only = topic('x', { sensitive: true });
    expect(selectTopic([only], context({ channel: 'public' }))).toMatchObject({ chosen: null, ranked: [] });
  });

  it('makes an open loop more relevant as its time comes, and less once it has passed', () => {
    const at = (dueInDays: number) =>
      scoreTopic(topic('loop', { kind: 'open_loop', dueAtMs: NOW + dueInDays * DAY }), context())
        .timeRelevance;
    expect(at(8)).toBe(0);
    expect(at(3.5)).toBeCloseTo(0.5, 12);
    expect(at(0)).toBe(1);
    expect(at(-1.5)).toBeCloseTo(0.5, 12);
    expect(at(-4)).toBe(0);
    // past its follow-up window, it is no longer due now
    expect(scoreTopic(topic('loop', { kind: 'open_loop', dueAtMs: NOW - 4 * DAY }), context()).dueNow).toBe(
      false,
    );
  });

  const candidates = fc.uniqueArray(
    fc.record({
      id: fc.string({ minLength: 1, maxLength: 8 }),
      kind: fc.constantFrom('open_loop', 'fact', 'memory', 'conversation' as const),
      text: fc.constant('t'),
      salience: fc.double({ min: 0, max: 1, noNaN: true }),
      atMs: fc.integer({ min: NOW - 60 * DAY, max: NOW }),
      dueAtMs: fc.option(fc.integer({ min: NOW - 10 * DAY, max: NOW + 10 * DAY }), { nil: undefined }),
      sensitive: fc.boolean(),
      characterId: fc.constantFrom(null, 'luna', 'max'),
    }),
    { selector: (c) => c.id, maxLength: 12 },
  );
  const contexts = fc.record({
    channel: fc.constantFrom('private', 'public' as const),
    recent: fc.array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 4 }),
    seed: fc.integer(),
  });

  it('never picks what it must not, and a due open loop whenever one may be used', () => {
    fc.assert(
      fc.property(candidates, contexts, (cs, ctx) => {
        const c = context({
          channel: ctx.channel,
          recentTopicIds: ctx.recent,
          random: seededRandom(ctx.seed),
        });
        const { chosen, ranked, excluded } = selectTopic(cs, c);
        expect(ranked.length + excluded.length).toBe(cs.length);
        for (const r of ranked) {
          if (c.channel === 'public') expect(r.candidate.sensitive).toBe(false);
          expect(r.candidate.characterId === null || r.candidate.characterId === 'luna').toBe(true);
          expect(r.candidate.id).not.toBe(c.recentTopicIds[0]);
          expect(r.score.total).toBeGreaterThanOrEqual(0);
          expect(r.score.total).toBeLessThanOrEqual(1 + 1e-12);
        }
        if (ranked.some((r) => r.score.dueNow)) expect(chosen?.score.dueNow).toBe(true);
        expect(chosen ?? null).toEqual(ranked[0] ?? null);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same choice for a seed, whatever the order of the candidates', () => {
    fc.assert(
      fc.property(candidates, fc.integer(), (cs, seed) => {
        const first = selectTopic(cs, context({ random: seededRandom(seed) }));
        const reversed = selectTopic([...cs].reverse(), context({ random: seededRandom(seed) }));
        expect(reversed.ranked.map((r) => r.candidate.id)).toEqual(first.ranked.map((r) => r.candidate.id));
      }),
      { numRuns: 300 },
    );
  });

  it('breaks ties with the seed', () => {
    const twins = Array.from({ length: 8 }, (_, i) => topic(`twin-${i}`));
    const picks = new Set(
      Array.from(
        { length: 20 },
        (_, seed) => selectTopic(twins, context({ random: seededRandom(seed) })).chosen?.candidate.id,
      ),
    );
    expect(picks.size).toBeGreaterThan(1);
  });
});
