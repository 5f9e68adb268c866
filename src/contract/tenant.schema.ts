import { z } from 'zod';
import { TimeZone } from './common.js';

/** A partial update of the caller's tenant: its name, or the zone of users whose own is unknown. */
export const TenantPatch = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  defaultTimezone: TimeZone.optional(),
});
export type TenantPatch = z.output<typeof TenantPatch>;

const perMinute = (what: string) =>
  z
    .number({ error: 'must be a whole number from 0 to 10000000, or null for the operator default' })
    .int({ error: 'must be a whole number from 0 to 10000000, or null for the operator default' })
    .min(0, { error: 'must be from 0 to 10000000' })
    .max(10_000_000, { error: 'must be from 0 to 10000000' })
    .nullable()
    .default(null)
    .meta({ description: `${what} per minute; 0: no limit; null: the operator's default` });

/**
 * A tenant's own request limits, set by the operator (`PUT /v1/tenants/{tenantId}/limits`): absent
 * or null fields take the operator's defaults (OVERTURE_KEY_REQUESTS_PER_MINUTE,
 * OVERTURE_TENANT_REQUESTS_PER_MINUTE).
 */
export const RequestLimitsInput = z.strictObject({
  keyRequestsPerMinute: perMinute("Requests each of the tenant's keys may make"),
  tenantRequestsPerMinute: perMinute("Requests all of the tenant's keys together may make"),
});
export type RequestLimitsInput = z.output<typeof RequestLimitsInput>;
