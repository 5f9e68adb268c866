import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ActivityDelta, type ActivityEvent, foldActivity } from './activity-delta.js';
import { EVENT_KINDS } from './event-kind.js';

const at = (iso: string) => new Date(iso);

describe('foldActivity', () => {
  it("folds a user's events into counts and last instants, per user and per character", () => {
    const { users, pairs } = foldActivity([
      { userId: 'u', characterId: 'a', kind: 'message_in', at: at('2026-01-01T10:00:00Z') },
      { userId: 'u', characterId: 'b', kind: 'message_out', at: at('2026-01-01T11:00:00Z') },
      { userId: 'u', characterId: 'a', kind: 'session_start', at: at('2026-01-01T09:00:00Z') },
      { userId: 'u', characterId: 'a', kind: 'custom', at: at('2026-01-02T09:00:00Z') },
    ]);
    expect(users).toEqual([
      {
        userId: 'u',
        firstEventAt: at('2026-01-01T09:00:00Z'),
        lastEventAt: at('2026-01-02T09:00:00Z'),
        lastActivityAt: at('2026-01-01T10:00:00Z'),
        lastInboundAt: at('2026-01-01T10:00:00Z'),
        lastOutboundAt: at('2026-01-01T11:00:00Z'),
        lastSessionStartAt: at('2026-01-01T09:00:00Z'),
        lastSessionEndAt: null,
        inboundCount: 1,
        outboundCount: 1,
        sessionCount: 1,
        eventCount: 4,
      },
    ]);
    expect(pairs.map((p) => [p.characterId, p.eventCount, p.outboundCount])).toEqual([
      ['a', 3, 0],
      ['b', 1, 1],
    ]);
  });

  it("does not count the bot's messages, session ends or custom events as the user being active", () => {
    const { users } = foldActivity([
      { userId: 'u', characterId: 'a', kind: 'message_out', at: at('2026-01-01T10:00:00Z') },
      { userId: 'u', characterId: 'a', kind: 'session_end', at: at('2026-01-01T10:00:00Z') },
      { userId: 'u', characterId: 'a', kind: 'custom', at: at('2026-01-01T10:00:00Z') },
    ]);
    expect(users[0]?.lastActivityAt).toBeNull();
  });

  it('sorts users and pairs by id, so concurrent writers lock rows in one order', () => {
    const e = (userId: string, characterId: string): ActivityEvent => ({
      userId,
      characterId,
      kind: 'message_in',
      at: at('2026-01-01T00:00:00Z'),
    });
    const { users, pairs } = foldActivity([e('b', 'y'), e('a', 'z'), e('b', 'x'), e('a', 'a')]);
    expect(users.map((u) => u.userId)).toEqual(['a', 'b']);
    expect(pairs.map((p) => `${p.userId}/${p.characterId}`)).toEqual(['a/a', 'a/z', 'b/x', 'b/y']);
  });

  // The stored state merges deltas with min/max and sums. For that to be right whatever way
  // events are split into batches and whatever order they arrive in, folding parts and merging
  // them must equal folding the whole.
  it('gives the same state however the events are split and ordered', () => {
    const event = fc.record({
      userId: fc.constantFrom('u1', 'u2', 'u3'),
      characterId: fc.constantFrom('a', 'b'),
      kind: fc.constantFrom(...EVENT_KINDS),
      at: fc.date({ min: at('2026-01-01T00:00:00Z'), max: at('2026-12-31T00:00:00Z'), noInvalidDate: true }),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), fc.nat(), (events, cut) => {
        const whole = foldActivity(events);
        const split = cut % (events.length + 1);
        const reversed = [...events].reverse();
        const merged = mergeFolds(
          foldActivity(reversed.slice(0, split)).users,
          foldActivity(reversed.slice(split)).users,
        );
        expect(merged).toEqual(whole.users);
      }),
    );
  });
});

/** The merge the database applies (least/greatest ignoring nulls, sums), here in memory. */
function mergeFolds<T extends ActivityDelta & { userId: string }>(a: T[], b: T[]): T[] {
  const byUser = new Map<string, T>(a.map((d) => [d.userId, { ...d }]));
  for (const d of b) {
    const s = byUser.get(d.userId);
    if (!s) {
      byUser.set(d.userId, { ...d });
      continue;
    }
    const min = (x: Date | null, y: Date | null) => (x === null ? y : y === null ? x : x < y ? x : y);
    const max = (x: Date | null, y: Date | null) => (x === null ? y : y === null ? x : x > y ? x : y);
    s.firstEventAt = min(s.firstEventAt, d.firstEventAt)!;
    s.lastEventAt = max(s.lastEventAt, d.lastEventAt)!;
    s.lastActivityAt = max(s.lastActivityAt, d.lastActivityAt);
    s.lastInboundAt = max(s.lastInboundAt, d.lastInboundAt);
    s.lastOutboundAt = max(s.lastOutboundAt, d.lastOutboundAt);
    s.lastSessionStartAt = max(s.lastSessionStartAt, d.lastSessionStartAt);
    s.lastSessionEndAt = max(s.lastSessionEndAt, d.lastSessionEndAt);
    s.inboundCount += d.inboundCount;
    s.outboundCount += d.outboundCount;
    s.sessionCount += d.sessionCount;
    s.eventCount += d.eventCount;
  }
  return [...byUser.values()].sort((x, y) => (x.userId < y.userId ? -1 : 1));
}
