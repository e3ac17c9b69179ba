// `allow_hosts` (tracker.conf and storage.conf, PROTOCOL.md §10.1): which peers may connect.
// Patterns: `*`, an exact IPv4/IPv6 address, a CIDR block (`10.0.0.0/8`), or a range in
// brackets (`10.0.1.[1-15,20]`, several groups allowed). Host names are not resolved here.
import { BlockList, isIP, isIPv4 } from 'node:net';
import { configValueError, type ValueSite } from './values.js';

/** Decides whether a peer address (as reported by a socket) may connect. */
export type HostMatcher = (ip: string) => boolean;

/** A bracket range may not name more addresses than this (a whole /16). */
const MAX_RANGE_ADDRESSES = 65536;

const EXPECTED =
  'an IP address, a CIDR block such as 10.0.0.0/8, a range such as 10.0.1.[1-15,20], or *';

class PatternError extends Error {}

/** `[1-15,20]` → [1..15, 20]. */
function rangeValues(spec: string): number[] {
  const values: number[] = [];
  for (const item of spec.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(item);
    if (!m) throw new PatternError(`bad range item "${item}"`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from || to - from >= MAX_RANGE_ADDRESSES) {
      throw new PatternError(`bad range "${item}"`);
    }
    for (let n = from; n <= to; n++) values.push(n);
  }
  return values;
}

/** Every address a bracketed pattern names, expanding one bracket group at a time. */
function expandRanges(pattern: string, out: string[]): void {
  const m = /^([^[\]]*)\[([^\]]*)\](.*)$/.exec(pattern);
  if (!m) {
    if (!isIPv4(pattern)) throw new PatternError(`"${pattern}" is not an IPv4 address`);
    out.push(pattern);
    return;
  }
  for (const n of rangeValues(m[2]!)) {
    expandRanges(`${m[1]}${n}${m[3]}`, out);
    if (out.length > MAX_RANGE_ADDRESSES) throw new PatternError('range too large');
  }
}

function addPattern(list: BlockList, pattern: string): void {
  const family = (ip: string) => (isIPv4(ip) ? 'ipv4' : 'ipv6');
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(pattern);
  if (cidr) {
    const ip = cidr[1]!;
    const bits = Number(cidr[2]);
    if (isIP(ip) === 0 || bits > (isIPv4(ip) ? 32 : 128)) throw new PatternError('bad CIDR');
    list.addSubnet(ip, bits, family(ip));
  } else if (pattern.includes('[')) {
    const ips: string[] = [];
    expandRanges(pattern, ips);
    for (const ip of ips) list.addAddress(ip, 'ipv4');
  } else if (isIP(pattern) !== 0) {
    list.addAddress(pattern, family(pattern));
  } else {
    throw new PatternError(`"${pattern}" is not an address (host names are not resolved)`);
  }
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) → `10.0.0.1`. */
function unmapIPv4(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1]! : ip;
}

/**
 * Build the matcher for a list of `allow_hosts` patterns. An empty list, or one holding `*`,
 * allows everyone. `sites[i]`, when given, names where `patterns[i]` was written.
 */
export function parseAllowHosts(
  patterns: readonly string[],
  sites?: readonly ValueSite[],
): HostMatcher {
  if (patterns.length === 0 || patterns.includes('*')) return () => true;
  const list = new BlockList();
  patterns.forEach((pattern, i) => {
    try {
      addPattern(list, pattern.trim());
    } catch (err) {
      if (!(err instanceof PatternError)) throw err;
      const site = sites?.[i] ?? { file: '(inline)', line: 0, key: 'allow_hosts' };
      throw configValueError(site, pattern, `${EXPECTED} (${err.message})`);
    }
  });
  return (ip: string) => {
    const addr = unmapIPv4(ip);
    const kind = isIP(addr);
    return kind !== 0 && list.check(addr, kind === 4 ? 'ipv4' : 'ipv6');
  };
}
