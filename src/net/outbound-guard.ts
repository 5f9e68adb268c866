import { isIP } from 'node:net';
import { createGuardedFetch, type FetchFunction, type LookupFunction } from './guarded-fetch.js';
import { OutboundPolicy, type OutboundRules, type Refusal } from './outbound-policy.js';

/** The operator's own tenant, trusted unless the operator says otherwise. */
export const DEFAULT_OUTBOUND_RULES: OutboundRules = { trustedTenants: ['default'], allow: [] };

/**
 * The guarded `fetch` of each tenant: every outbound client (channels, context callbacks, model
 * servers) is given `fetchFor(tenantId)` and makes all its calls through it. Trust is the only
 * difference between tenants, so there are two fetches (and two connection pools, so that a
 * connection a trusted tenant opened to an internal address is never lent to another tenant).
 *
 * @example
 * const guard = new OutboundGuard({ trustedTenants: ['default'], allow: ['10.0.5.0/24'] });
 * await guard.fetchFor('acme')('http://127.0.0.1:11434/v1/models'); // rejects: loopback, acme is not trusted
 */
export class OutboundGuard {
  readonly #policy: OutboundPolicy;
  readonly #trusted: FetchFunction;
  readonly #untrusted: FetchFunction;

  constructor(rules: OutboundRules = DEFAULT_OUTBOUND_RULES, options: { lookup?: LookupFunction } = {}) {
    const policy = new OutboundPolicy(rules);
    this.#policy = policy;
    const fetchTrusted = (trusted: boolean) =>
      createGuardedFetch({
        refusalOf: (host, address) => policy.refusalOf(trusted, host, address),
        ...(options.lookup ? { lookup: options.lookup } : {}),
      });
    this.#trusted = fetchTrusted(true);
    this.#untrusted = fetchTrusted(false);
  }

  fetchFor(tenantId: string): FetchFunction {
    return this.#policy.isTrusted(tenantId) ? this.#trusted : this.#untrusted;
  }

  /**
   * What can be told of a URL before any call: a refusal when its host is an IP address the
   * tenant may not reach (a host name is checked when it is called, after DNS). Null otherwise,
   * and for anything that is not a URL (the URL's own validation speaks of that).
   */
  refusalOfUrl(tenantId: string, url: string): Refusal | null {
    let host: string;
    try {
      host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
    } catch {
      return null;
    }
    if (!isIP(host)) return null;
    return this.#policy.refusalOf(this.#policy.isTrusted(tenantId), host, host);
  }
}

let trustedDefault: FetchFunction | undefined;

/**
 * The fetch of an adapter built without one (library use): trusted, so internal addresses are
 * reached, but link-local and metadata addresses are still refused and redirects never followed.
 */
export function defaultGuardedFetch(): FetchFunction {
  trustedDefault ??= new OutboundGuard().fetchFor('default');
  return trustedDefault;
}
