import { OvertureError } from '../../contract/errors.js';
import type { EngineContext } from './resources.js';

/**
 * A 400 for a URL setting whose host is an IP address the tenant's calls may not reach (the
 * operator's outbound rules, src/net). Only a help at configuration time: a host name is
 * checked when it is called, after DNS, which is the check that counts.
 */
export function requireReachable(
  ctx: EngineContext,
  tenantId: string,
  settings: Record<string, unknown>,
): void {
  for (const [field, value] of Object.entries(settings)) {
    if (typeof value !== 'string') continue;
    const rule = ctx.outbound.refusalOfUrl(tenantId, value);
    if (rule !== null)
      throw new OvertureError('invalid_request', `${field}: ${rule}`, [{ path: field, field, rule }]);
  }
}
