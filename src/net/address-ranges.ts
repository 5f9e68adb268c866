import { BlockList, isIP } from 'node:net';

/**
 * What an IP address is, for the outbound guard: `public` (anywhere on the internet), `internal`
 * (this machine or a private network: only trusted tenants and allow-listed addresses reach it),
 * `forbidden` (link-local, cloud metadata, multicast, reserved: never reached).
 */
export type AddressClass =
  | { kind: 'public' }
  | { kind: 'internal' | 'forbidden'; name: string; range: string };

interface Range {
  range: string;
  name: string;
}

/**
 * Never reached, whoever asks: the link-local ranges (169.254.169.254, the metadata service of
 * AWS, GCP, Azure and others, lies in 169.254/16) and the metadata addresses outside them.
 * Listed before the internal ranges, which contain some of them (fd00:ec2::254 in fc00::/7,
 * 100.100.100.200 in 100.64/10).
 */
const FORBIDDEN: Range[] = [
  { range: '169.254.0.0/16', name: 'link-local' },
  { range: 'fe80::/10', name: 'link-local' },
  { range: 'fd00:ec2::254/128', name: 'cloud metadata (AWS)' },
  { range: '100.100.100.200/32', name: 'cloud metadata (Alibaba)' },
  { range: '192.0.0.192/32', name: 'cloud metadata (Oracle)' },
  { range: '224.0.0.0/4', name: 'multicast' },
  { range: 'ff00::/8', name: 'multicast' },
  { range: '240.0.0.0/4', name: 'reserved' },
];

/** This machine and private networks: reached only by trusted tenants or through the allow-list. */
const INTERNAL: Range[] = [
  { range: '0.0.0.0/8', name: '"this network" (0.0.0.0 reaches this machine)' },
  { range: '127.0.0.0/8', name: 'loopback' },
  { range: '10.0.0.0/8', name: 'private' },
  { range: '172.16.0.0/12', name: 'private' },
  { range: '192.168.0.0/16', name: 'private' },
  { range: '100.64.0.0/10', name: 'shared (carrier-grade NAT)' },
  { range: '192.0.0.0/24', name: 'IETF protocol assignment' },
  { range: '198.18.0.0/15', name: 'benchmarking' },
  { range: '::/128', name: 'unspecified (reaches this machine)' },
  { range: '::1/128', name: 'loopback' },
  { range: 'fc00::/7', name: 'private (unique local)' },
  { range: 'fec0::/10', name: 'site-local' },
];

/** A `BlockList` of CIDR texts (`10.0.0.0/8`, `::1/128`, a bare address for one). */
export function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const parsed = parseCidr(cidr);
    if (parsed === null) throw new Error(`not an IP address or CIDR range: ${cidr}`);
    list.addSubnet(parsed.address, parsed.prefix, parsed.family);
  }
  return list;
}

/** `10.0.0.0/8` or a bare address (all its bits), or null when it is neither. */
export function parseCidr(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', prefixText, extra] = text.trim().split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return null;
  const bits = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

const lists = (ranges: Range[]) => ranges.map((r) => ({ ...r, list: blockListOf([r.range]) }));
const FORBIDDEN_LISTS = lists(FORBIDDEN);
const INTERNAL_LISTS = lists(INTERNAL);

/**
 * The class of an IP address (v4, or v6 without brackets). An IPv6 address that carries an IPv4
 * one (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4
 * `2002::/16`) is the class of the IPv4 address inside, so `::ffff:169.254.169.254` is
 * link-local. Anything that is not an IP address is `forbidden`.
 */
export function classifyAddress(address: string): AddressClass {
  const version = isIP(address);
  if (version === 0) return { kind: 'forbidden', name: 'not an IP address', range: address };
  const embedded = version === 6 ? embeddedIpv4(address) : null;
  if (embedded !== null) return classifyAddress(embedded);
  const family = version === 4 ? 'ipv4' : 'ipv6';
  for (const r of FORBIDDEN_LISTS)
    if (r.list.check(address, family)) return { kind: 'forbidden', name: r.name, range: r.range };
  for (const r of INTERNAL_LISTS)
    if (r.list.check(address, family)) return { kind: 'internal', name: r.name, range: r.range };
  return { kind: 'public' };
}

/** The IPv4 address an IPv6 one carries, when it is one of the forms that embed one. */
function embeddedIpv4(address: string): string | null {
  const groups = ipv6Groups(address);
  if (groups === null) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible; :: and ::1 themselves excepted)
  if (zeros(0, 5) && groups[5] === 0xffff) return v4(groups[6]!, groups[7]!);
  if (zeros(0, 6) && (groups[6] !== 0 || groups[7]! > 1)) return v4(groups[6]!, groups[7]!);
  // 64:ff9b::a.b.c.d (NAT64, RFC 6052's well-known prefix)
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return v4(groups[6]!, groups[7]!);
  // 2002:AABB:CCDD::/48 (6to4)
  if (groups[0] === 0x2002) return v4(groups[1]!, groups[2]!);
  return null;
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part included). */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase().split('%')[0]!;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail, extra] = text.split('::');
  if (extra !== undefined) return null;
  const part = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const first = part(head);
  const last = tail === undefined ? [] : part(tail);
  const fill = 8 - first.length - last.length;
  if (tail === undefined ? fill !== 0 : fill < 0) return null;
  const groups = [...first, ...new Array<number>(fill).fill(0), ...last];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}
