import { describe, expect, it } from 'vitest';
import { eventMatches, type MatchableEvent } from './event-match.js';

const event = (over: Partial<MatchableEvent> = {}): MatchableEvent => ({
  kind: 'custom',
  name: 'order.shipped',
  characterId: 'aria',
  channel: 'telegram',
  text: null,
  meta: { plan: 'pro', order: { total: 42, gift: true } },
  ...over,
});
const spec = (event: string, filter: Record<string, string | number | boolean> = {}) => ({
  kind: 'event' as const,
  event,
  filter,
  delayMinutes: 0,
});

describe('eventMatches', () => {
  it('matches a custom event by name and an engine event by kind', () => {
    expect(eventMatches(spec('order.shipped'), event())).toBe(true);
    expect(eventMatches(spec('order.paid'), event())).toBe(false);
    expect(eventMatches(spec('message_out'), event({ kind: 'message_out', name: null }))).toBe(true);
    expect(eventMatches(spec('message_out'), event({ kind: 'message_in', name: null }))).toBe(false);
  });

  it('needs every filter entry to equal the field it names, meta paths included', () => {
    expect(eventMatches(spec('order.shipped', { channel: 'telegram', 'meta.plan': 'pro' }), event())).toBe(
      true,
    );
    expect(
      eventMatches(spec('order.shipped', { 'meta.order.total': 42, 'meta.order.gift': true }), event()),
    ).toBe(true);
    expect(eventMatches(spec('order.shipped', { 'meta.order.total': '42' }), event())).toBe(false);
    expect(eventMatches(spec('order.shipped', { 'meta.missing.deeper': 1 }), event())).toBe(false);
    expect(eventMatches(spec('order.shipped', { channel: 'discord' }), event())).toBe(false);
    expect(eventMatches(spec('order.shipped', { 'meta.plan': 'pro' }), event({ meta: null }))).toBe(false);
  });
});
