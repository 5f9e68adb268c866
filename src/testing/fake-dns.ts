import type { LookupFunction } from 'node:net';

/**
 * A `dns.lookup` stand-in that answers from a table and knows no other name, so a test can make
 * a host name resolve to any address without DNS (the outbound guard's `lookup` option).
 *
 * @example
 * new OutboundGuard(rules, { lookup: lookupFrom({ 'bot.test': '127.0.0.1' }) });
 */
export function lookupFrom(table: Record<string, string>): LookupFunction {
  return (hostname, options, callback) => {
    const address = table[hostname];
    if (address === undefined)
      return callback(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
        '',
        0,
      );
    const family = address.includes(':') ? 6 : 4;
    if ((options as { all?: boolean }).all)
      return (callback as unknown as (e: null, all: { address: string; family: number }[]) => void)(null, [
        { address, family },
      ]);
    callback(null, address, family);
  };
}
