// IP classes and the inner/outer order of dual addresses (PROTOCOL.md §9.10).
import { isIPv4 } from 'node:net';

/** `fdfs_get_ip_type`: the class of an address string. */
export const IpClass = {
  /** Strings shorter than 8 characters. */
  UNKNOWN: 0,
  PRIVATE_10: 1,
  PRIVATE_172: 2,
  PRIVATE_192: 3,
  /** Anything else (public IPv4, IPv6, host names). */
  OUTER: 4,
} as const;
export type IpClassValue = (typeof IpClass)[keyof typeof IpClass];

/** §9.10, a text test exactly as FastDFS does it (so "1.2.3.4", 7 characters, is UNKNOWN). */
export function ipClass(ip: string): IpClassValue {
  if (ip.length < 8) return IpClass.UNKNOWN;
  if (ip.startsWith('10.')) return IpClass.PRIVATE_10;
  if (ip.startsWith('192.168.')) return IpClass.PRIVATE_192;
  if (ip.startsWith('172.')) {
    const second = parseInt(ip.slice(4), 10);
    if (second >= 16 && second < 32) return IpClass.PRIVATE_172;
  }
  return IpClass.OUTER;
}

/**
 * Order one or two addresses so that slot 0 is the inner one (§9.10): an OUTER first address is
 * swapped behind the second; two IPv4 addresses of the same class are refused (undefined).
 * Pairs with a host name or an IPv6 address keep their written order: host names are not
 * resolved here, and §9.10 defines no IPv6 classes (the FastDFS samples show IPv6 pairs).
 */
export function orderDualAddresses(hosts: readonly string[]): readonly string[] | undefined {
  if (hosts.length !== 2) return hosts;
  const [a, b] = hosts as [string, string];
  if (!isIPv4(a) || !isIPv4(b)) return hosts;
  const ca = ipClass(a);
  const cb = ipClass(b);
  if (ca === cb) return undefined;
  return ca === IpClass.OUTER ? [b, a] : hosts;
}

/** The address a requester gets: slot 1 (outer) when its class equals the requester's, else slot 0 (§9.10). */
export function addressFor(ips: readonly string[], requesterIp?: string): string {
  if (ips.length > 1 && requesterIp !== undefined && ipClass(ips[1]!) === ipClass(requesterIp)) {
    return ips[1]!;
  }
  return ips[0] ?? '';
}
