import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, policyFor } from './policy.js';
import { type PolicyDocument, toTenantPolicy } from './policy-document.js';

const { proactiveEnabled: _, ...defaults } = DEFAULT_POLICY;
const doc: PolicyDocument = {
  ...defaults,
  allowProactive: true,
  quietHours: { start: '22:30', end: '07:15' },
  characters: {},
};

describe('toTenantPolicy', () => {
  it('reads the quiet hours in minutes after local midnight, and keeps every other setting', () => {
    expect(toTenantPolicy(doc)).toEqual({
      defaults: {
        ...defaults,
        allowProactive: true,
        quietHours: { startMinute: 22 * 60 + 30, endMinute: 7 * 60 + 15 },
      },
      characters: {},
    });
    expect(toTenantPolicy({ ...doc, quietHours: null }).defaults.quietHours).toBeNull();
  });

  it("applies a character's overrides, its own quiet hours (or none) included, and only where it has some", () => {
    const tenant = toTenantPolicy({
      ...doc,
      characters: {
        night: { quietHours: null, minGapMinutes: 10 },
        early: { quietHours: { start: '20:00', end: '06:00' } },
        plain: { minTrust: 0.5 },
      },
    });
    expect(policyFor(tenant, 'night')).toMatchObject({ quietHours: null, minGapMinutes: 10 });
    expect(policyFor(tenant, 'early').quietHours).toEqual({ startMinute: 20 * 60, endMinute: 6 * 60 });
    expect(policyFor(tenant, 'plain')).toMatchObject({
      minTrust: 0.5,
      quietHours: { startMinute: 22 * 60 + 30, endMinute: 7 * 60 + 15 },
    });
    expect(tenant.characters.plain).not.toHaveProperty('quietHours');
  });
});
