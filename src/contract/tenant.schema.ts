import { z } from 'zod';
import { TimeZone } from './common.js';

/** A partial update of the caller's tenant: its name, or the zone of users whose own is unknown. */
export const TenantPatch = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  defaultTimezone: TimeZone.optional(),
});
export type TenantPatch = z.output<typeof TenantPatch>;
