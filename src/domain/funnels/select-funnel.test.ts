import { describe, expect, it } from 'vitest';
import { ANYONE, STANDUP, WEEKEND } from './funnel-fixtures.js';
import { type FunnelCandidate, type FunnelPairView, selectFunnel } from './select-funnel.js';

const NOW = Date.parse('2026-12-05T10:00:00Z');
const HOUR = 3_600_000;
const candidate = (funnel = WEEKEND, over: Partial<FunnelCandidate> = {}): FunnelCandidate => ({
  funnel,
  lastStartedAtMs: null,
  recentRefusals: 0,
  ...over,
});
const pair = (over: Partial<FunnelPairView> = {}): FunnelPairView => ({
  knowledge: ['Loves hiking in the hills'],
  goals: [],
  engagement: 'engaged',
  activeFunnelId: null,
  ...over,
});
const GENERIC = { ...STANDUP, funnelId: 'generic', audience: { ...ANYONE } };
const FITNESS = { ...WEEKEND, funnelId: 'fitness', audience: { ...ANYONE, goals: ['run a marathon'] } };

describe('selectFunnel', () => {
  it('chooses a funnel whose keyword is in what is known, and says which words matched', () => {
    const pick = selectFunnel({ select: 'best' }, [candidate()], pair(), NOW);
    expect(pick).toMatchObject({ chosen: 'plan-weekend', note: 'chosen' });
    expect(pick.ranking[0]).toMatchObject({ verdict: 'chosen', matched: ['hiking'], score: 1 });
  });

  it("starts none for a passive pair (engagement below the funnel's least)", () => {
    for (const engagement of ['passive', 'curious', null] as const) {
      const pick = selectFunnel({ select: 'best' }, [candidate()], pair({ engagement }), NOW);
      expect(pick).toMatchObject({ chosen: null, note: 'no_fit' });
      expect(pick.ranking[0]!.verdict).toBe('not_engaged');
    }
  });

  it('matches keywords on word boundaries only', () => {
    const pick = selectFunnel(
      { select: 'best' },
      [candidate()],
      pair({ knowledge: ['works on hikingtools'] }),
      NOW,
    );
    expect(pick.ranking[0]!.verdict).toBe('no_match');
  });

  it('keeps a funnel in its cooldown out, and lets it back after', () => {
    const recent = candidate(WEEKEND, { lastStartedAtMs: NOW - 24 * HOUR });
    expect(selectFunnel({ select: 'best' }, [recent], pair(), NOW).ranking[0]!.verdict).toBe('cooldown');
    const old = candidate(WEEKEND, { lastStartedAtMs: NOW - 24 * 6 * HOUR });
    expect(selectFunnel({ select: 'best' }, [old], pair(), NOW).chosen).toBe('plan-weekend');
  });

  it('ranks goals over keywords, refusals down, then the one started longest ago', () => {
    const known = pair({ goals: ['I want to run a marathon next year'] });
    expect(selectFunnel({ select: 'best' }, [candidate(), candidate(FITNESS)], known, NOW).chosen).toBe(
      'fitness',
    );
    const refused = candidate(FITNESS, { recentRefusals: 2 });
    expect(selectFunnel({ select: 'best' }, [candidate(), refused], known, NOW).chosen).toBe('plan-weekend');
    const a = candidate(GENERIC, { lastStartedAtMs: NOW - 100 * HOUR });
    const b = candidate({ ...GENERIC, funnelId: 'generic-2' }, { lastStartedAtMs: NOW - 200 * HOUR });
    expect(selectFunnel({ select: 'best' }, [a, b], pair({ knowledge: [] }), NOW).chosen).toBe('generic-2');
  });

  it('a named funnel is the only candidate', () => {
    const pick = selectFunnel(
      { select: 'named', funnelId: 'generic' },
      [candidate(), candidate(GENERIC)],
      pair(),
      NOW,
    );
    expect(pick.chosen).toBe('generic');
    expect(pick.ranking.find((r) => r.funnelId === 'plan-weekend')!.verdict).toBe('not_named');
  });

  it('starts nothing while the pair is in a funnel', () => {
    const pick = selectFunnel({ select: 'best' }, [candidate()], pair({ activeFunnelId: 'standup' }), NOW);
    expect(pick).toEqual({
      chosen: null,
      note: 'run_active',
      ranking: [{ funnelId: 'standup', verdict: 'run_active', score: 0, matched: [] }],
    });
  });
});
