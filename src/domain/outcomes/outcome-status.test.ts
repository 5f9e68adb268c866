import { describe, expect, it } from 'vitest';
import { outcomeStatus } from './outcome-status.js';

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
});
