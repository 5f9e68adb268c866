import type { BlockList } from 'node:net';
import { isIP } from 'node:net';
import { blockListOf, classifyAddress, parseCidr } from './address-ranges.js';

/**
 * The operator's rules for calls Overture makes on a tenant's behalf (webhooks, context
 * callbacks, model servers, platform APIs at a configured base URL).
 */
export interface OutboundRules {
  /** Tenants that may reach loopback and private addresses (a local model server, a bot on the same host). */
  trustedTenants: readonly string[];
  /**
   * Internal addresses every tenant may reach: CIDR ranges or addresses (`10.0.5.0/24`,
   * `fd12::7`), host names (`ollama.internal`) and name suffixes (`*.svc.cluster.local`).
   */
  allow: readonly string[];
}

/** Why an address may not be reached: the rule, in words a tenant can be shown. */
export type Refusal = string;

/** Whether `text` is an allow-list entry: a CIDR range, an address, a host name or `*.` and a name. */
export function isAllowEntry(text: string): boolean {
  return parseCidr(text) !== null || HOST.test(text.replace(/^\*\./, ''));
}

const HOST =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/i;

/**
 * The rules as a check of one connection: `refusalOf(trusted, host, address)` is null when the
 * address (what `host` resolved to, or the host itself when it is an IP) may be reached.
 */
export class OutboundPolicy {
  readonly #trusted: ReadonlySet<string>;
  readonly #ranges: BlockList;
  readonly #hosts: readonly string[];
  readonly #suffixes: readonly string[];

  constructor(rules: OutboundRules) {
    const cidrs = rules.allow.filter((e) => parseCidr(e) !== null);
    const names = rules.allow.filter((e) => parseCidr(e) === null).map(normalHost);
    this.#trusted = new Set(rules.trustedTenants);
    this.#ranges = blockListOf(cidrs);
    this.#hosts = names.filter((n) => !n.startsWith('*.'));
    this.#suffixes = names.filter((n) => n.startsWith('*.')).map((n) => n.slice(1));
  }

  isTrusted(tenantId: string): boolean {
    return this.#trusted.has(tenantId);
  }

  refusalOf(trusted: boolean, host: string, address: string): Refusal | null {
    const found = classifyAddress(address);
    if (found.kind === 'public') return null;
    const name = normalHost(host);
    const subject = isIP(name) ? `${address} is` : `${name} resolves to`;
    const what = `${subject} a ${found.name} address (${found.range})`;
    if (found.kind === 'forbidden') return `outbound call refused: ${what}, which is never called`;
    if (trusted || this.#allows(name, address)) return null;
    return `outbound call refused: ${what}, which only tenants the operator trusts may call`;
  }

  #allows(host: string, address: string): boolean {
    const version = isIP(address);
    if (this.#ranges.check(address, version === 6 ? 'ipv6' : 'ipv4')) return true;
    return this.#hosts.includes(host) || this.#suffixes.some((s) => host.endsWith(s));
  }
}

/** A host as compared: lower case, no brackets around an IPv6 address, no trailing dot. */
function normalHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}
