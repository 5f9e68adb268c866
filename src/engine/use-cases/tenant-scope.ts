import type { EngineContext } from '../kernel/resources.js';

/** What each of a tenant's use cases runs with: the engine's resources, the tenant, and who acts. */
export interface TenantScope {
  ctx: EngineContext;
  tenantId: string;
  /** Who the audit log names for a change: an API key's id, or `library`. */
  actor: string;
}
