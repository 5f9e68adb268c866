import { describe, expect, it } from 'vitest';
import { canonicalLocale, canonicalTimeZone } from './time-zone.js';

describe('canonicalTimeZone', () => {
  it.each([
    ['Europe/Berlin', 'Europe/Berlin'],
    ['europe/berlin', 'Europe/Berlin'],
    ['America/Argentina/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['Europe/Kyiv', 'Europe/Kyiv'],
    ['US/Eastern', 'US/Eastern'],
    ['utc', 'UTC'],
  ])('accepts %s, stored as %s', (input, canonical) => {
    expect(canonicalTimeZone(input)).toBe(canonical);
  });

  it.each(['Mars/Olympus', '', '+02:00', '-0500', 'Europe/', 'x'.repeat(100)])('refuses %s', (input) => {
    expect(canonicalTimeZone(input)).toBeUndefined();
  });
});

describe('canonicalLocale', () => {
  it('canonicalises a BCP 47 tag', () => {
    expect(canonicalLocale('en-gb')).toBe('en-GB');
    expect(canonicalLocale('pt-BR')).toBe('pt-BR');
  });

  it('refuses what is not a tag', () => {
    expect(canonicalLocale('not a locale')).toBeUndefined();
    expect(canonicalLocale('')).toBeUndefined();
  });
});
