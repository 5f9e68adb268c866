import { describe, expect, it } from 'vitest';
import { outcomeStatus, replyLatencySeconds } from './outcome-status.js';

describe('outcomeStatus', () => {
  const windowEndsAt = new Date('2026-11-23T18:00:00Z');
  it('is replied once a reply is attributed, whenever it is read', () => {
    const repliedAt = new Date('2026-11-23T13:00:00Z');
    expect(outcomeStatus({ repliedAt, windowEndsAt }, new Date('2026-11-23T13:00:00Z'))).toBe('replied');
    expect(outcomeStatus({ repliedAt, windowEndsAt }, new Date('2026-12-23T00:00:00Z'))).toBe('replied');
  });
  it('is pending until the window ends, and ignored from its end on', () => {
    expect(outcomeStatus({ repliedAt: null, windowEndsAt }, new Date('2026-11-23T17:59:59.999Z'))).toBe(
      'pending',
    );
    expect(outcomeStatus({ repliedAt: null, windowEndsAt }, windowEndsAt)).toBe('ignored');
  });
  it('gives the seconds from sent to replied, and null without a reply', () => {
    const sentAt = new Date('2026-11-23T12:00:00Z');
    expect(replyLatencySeconds(sentAt, new Date('2026-11-23T12:12:30Z'))).toBe(750);
    expect(replyLatencySeconds(sentAt, null)).toBeNull();
  });
});
