import { describe, expect, it } from 'vitest';
import {
  assertSuggestionTransition,
  SUGGESTION_STATUSES,
  SUGGESTION_TRANSITIONS,
  type SuggestionStatus,
  suggestionStatusesBefore,
} from './lifecycle.js';

// Every move the stages make today, written out by hand so a change to the table is a change here too.
const LEGAL: [SuggestionStatus, SuggestionStatus][] = [
  ['drafting', 'pending'],
  ['drafting', 'approved'],
  ['drafting', 'dismissed'],
  ['drafting', 'expired'],
  ['pending', 'approved'],
  ['pending', 'dismissed'],
  ['pending', 'expired'],
  ['approved', 'sending'],
  ['approved', 'failed'],
  ['sending', 'sending'],
  ['sending', 'sent'],
  ['sending', 'failed'],
  ['sending', 'unknown'],
  ['sending', 'expired'],
  ['unknown', 'sent'],
  ['unknown', 'failed'],
];
const isLegal = (from: SuggestionStatus, to: SuggestionStatus) =>
  LEGAL.some(([a, b]) => a === from && b === to);

describe('suggestion transitions', () => {
  it('allows every move the stages make', () => {
    for (const [from, to] of LEGAL) expect(() => assertSuggestionTransition(from, to)).not.toThrow();
  });

  it('refuses every other move, naming both statuses', () => {
    for (const from of SUGGESTION_STATUSES)
      for (const to of SUGGESTION_STATUSES)
        if (!isLegal(from, to))
          expect(() => assertSuggestionTransition(from, to)).toThrow(`from ${from} to ${to}`);
  });

  it('refuses a pending suggestion going back to drafting, and a sent one being approved again', () => {
    expect(() => assertSuggestionTransition('pending', 'drafting')).toThrow(
      'a suggestion cannot move from pending to drafting (from pending: approved, dismissed, expired)',
    );
    expect(() => assertSuggestionTransition('sent', 'approved')).toThrow('nowhere, it is final');
  });

  it('lets nothing out of sent, dismissed, expired, failed and held_out', () => {
    for (const from of ['sent', 'dismissed', 'expired', 'failed', 'held_out'] as const) {
      expect(SUGGESTION_TRANSITIONS[from]).toEqual([]);
      for (const to of SUGGESTION_STATUSES) expect(() => assertSuggestionTransition(from, to)).toThrow();
    }
  });

  it('moves nothing back to drafting or into held_out: only a decision makes those', () => {
    for (const from of SUGGESTION_STATUSES) {
      expect(SUGGESTION_TRANSITIONS[from]).not.toContain('drafting');
      expect(SUGGESTION_TRANSITIONS[from]).not.toContain('held_out');
    }
  });

  it('reaches every status from drafting or held_out, the two a decision makes', () => {
    const seen = new Set<SuggestionStatus>(['drafting', 'held_out']);
    const queue: SuggestionStatus[] = ['drafting'];
    while (queue.length > 0)
      for (const to of SUGGESTION_TRANSITIONS[queue.shift()!])
        if (!seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
    expect([...seen].sort()).toEqual([...SUGGESTION_STATUSES].sort());
  });

  it('names the statuses a move may start from, for updates that do not read the row first', () => {
    expect(suggestionStatusesBefore('sent')).toEqual(['sending', 'unknown']);
    expect(suggestionStatusesBefore('sending')).toEqual(['approved', 'sending']);
    expect(suggestionStatusesBefore('drafting')).toEqual([]);
    for (const to of SUGGESTION_STATUSES)
      for (const from of suggestionStatusesBefore(to))
        expect(() => assertSuggestionTransition(from, to)).not.toThrow();
  });
});
