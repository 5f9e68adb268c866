import { getTenant } from '../accounts/tenants.js';
import type { EngineContext } from '../kernel/resources.js';
import type { EngineStream, StreamListener } from '../kernel/stream.js';
import { type HookCall, receiveHook } from '../triggers/hooks.js';
import { accountUseCases } from './account-use-cases.js';
import { contextUseCases } from './context-use-cases.js';
import { deliveryUseCases } from './delivery-use-cases.js';
import { funnelUseCases } from './funnel-use-cases.js';
import { reportUseCases } from './report-use-cases.js';
import { signalUseCases } from './signal-use-cases.js';
import { suggestionUseCases } from './suggestion-use-cases.js';
import { triggerUseCases } from './trigger-use-cases.js';

/** How a tenant's use cases are called. */
export interface TenantOptions {
  /** Who the audit log names for the changes made: the HTTP API gives the key's id. Default `library`. */
  actor?: string;
}

/**
 * The tenants known to exist on this engine. Tenants are never deleted, so each is looked up once
 * per engine, not once per call: a route asks for its tenant's use cases on every request.
 */
export class KnownTenants {
  readonly #known = new Set<string>();

  constructor(private readonly ctx: EngineContext) {}

  /** Resolves when the tenant exists; `not_found` otherwise. */
  async require(tenantId: string): Promise<void> {
    if (this.#known.has(tenantId)) return;
    await getTenant(this.ctx, tenantId);
    this.#known.add(tenantId);
  }
}

/**
 * The use cases of one tenant, as `engine.forTenant(tenantId)` gives them to bots and to the
 * HTTP API's routes alike; everything they read or write belongs to the tenant, which must exist
 * (`not_found` otherwise). Each parses its input with the contract's schema.
 */
export function createTenantEngine(
  ctx: EngineContext,
  stream: EngineStream,
  tenants: KnownTenants,
  tenantId: string,
  options: TenantOptions = {},
) {
  const scope = { ctx, tenantId, actor: options.actor ?? 'library' };
  const useCases = {
    ...accountUseCases(scope),
    ...signalUseCases(scope),
    ...contextUseCases(scope),
    ...triggerUseCases(scope),
    ...suggestionUseCases(scope),
    ...deliveryUseCases(scope),
    ...reportUseCases(scope),
    ...funnelUseCases(scope),
  };
  return {
    tenantId,
    /** This tenant's live events: `stream.subscribe(listener)` returns the unsubscribe. */
    stream: { subscribe: (listener: StreamListener) => stream.subscribe(tenantId, listener) },
    ...inExistingTenant(useCases, () => tenants.require(tenantId)),
    /**
     * A signed call to a webhook trigger, as a bot's own HTTP server received it
     * (docs/WEBHOOKS.md). An unknown tenant answers as an unknown trigger does: the hook is
     * public, and says nothing of which tenants exist.
     */
    receiveHook: (triggerId: string, call: HookCall) => receiveHook(ctx, tenantId, triggerId, call),
  };
}

/** The use cases of one tenant: what `engine.forTenant(tenantId)` returns. */
export type TenantEngine = ReturnType<typeof createTenantEngine>;

type UseCases = Record<string, (...args: never[]) => Promise<unknown>>;

/** Each use case, run once `tenantExists` has resolved. */
function inExistingTenant<T extends UseCases>(useCases: T, tenantExists: () => Promise<void>): T {
  const guarded: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const [name, useCase] of Object.entries(useCases)) {
    guarded[name] = async (...args) => {
      await tenantExists();
      return useCase(...args);
    };
  }
  return guarded as T;
}
