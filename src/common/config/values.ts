// Typed parsers for configuration values (PROTOCOL.md §10). Each takes the raw text and the place
// it came from, and throws ERR_CONFIG as `<file>:<line>: <key> = "<value>": expected <what>`.
import { isIP, isIPv4 } from 'node:net';
import { MAX_SERVER_ID } from '../../protocol/constants.js';
import { FdfsError } from '../errors.js';
import { orderDualAddresses } from '../ip-class.js';

/** Where a value came from: an IniEntry is one. */
export interface ValueSite {
  readonly file: string;
  readonly line: number;
  readonly key: string;
}

/** The site used when a parser is called without one (values not read from a file). */
export const INLINE_SITE: ValueSite = { file: '(inline)', line: 0, key: 'value' };

export function configValueError(site: ValueSite, value: string, expected: string): FdfsError {
  return new FdfsError(
    'ERR_CONFIG',
    `${site.file}:${site.line}: ${site.key} = "${value}": expected ${expected}`,
  );
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);

/** `true/false/yes/no/on/off/1/0`, case-insensitive (§10). */
export function parseBool(value: string, site: ValueSite = INLINE_SITE): boolean {
  const word = value.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw configValueError(site, value, 'a boolean (true/false, yes/no, on/off, 1/0)');
}

export interface IntRange {
  readonly min?: number;
  readonly max?: number;
}

function describeRange(what: string, range: IntRange): string {
  const { min, max } = range;
  if (min !== undefined && max !== undefined) return `${what} from ${min} to ${max}`;
  if (min !== undefined) return `${what} >= ${min}`;
  if (max !== undefined) return `${what} <= ${max}`;
  return what;
}

function inRange(n: number, range: IntRange): boolean {
  return (range.min === undefined || n >= range.min) && (range.max === undefined || n <= range.max);
}

/** A decimal integer within `range`. */
export function parseInteger(
  value: string,
  site: ValueSite = INLINE_SITE,
  range: IntRange = {},
): number {
  const n = /^[+-]?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || !inRange(n, range)) {
    throw configValueError(site, value, describeRange('an integer', range));
  }
  return n;
}

const UNIT_BYTES: Readonly<Record<string, number>> = {
  '': 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
};

/** A byte size: `1024`, `256KB`, `64M`, `4GB`, `1T` (units K/M/G/T with or without B, any case). */
export function parseByteSize(
  value: string,
  site: ValueSite = INLINE_SITE,
  range: IntRange = {},
): number {
  const m = /^(\d+)\s*([kmgt]?)b?$/i.exec(value);
  const n = m ? Number(m[1]) * UNIT_BYTES[m[2]!.toLowerCase()]! : NaN;
  if (!Number.isSafeInteger(n) || !inRange(n, range)) {
    throw configValueError(
      site,
      value,
      describeRange('a byte size such as 1024, 256KB, 64MB or 4GB', range),
    );
  }
  return n;
}

/** A percentage `20%` or `10.5%` (0 to 100), returned as a fraction: `20%` → 0.2. */
export function parsePercent(value: string, site: ValueSite = INLINE_SITE): number {
  const m = /^(\d+(?:\.\d+)?)\s*%$/.exec(value);
  const n = m ? Number(m[1]) : NaN;
  if (!(n >= 0 && n <= 100)) {
    throw configValueError(site, value, 'a percentage from 0% to 100%, such as 20% or 10.5%');
  }
  return n / 100;
}

/** `reserved_storage_space`: absolute MB or a ratio of each path / group (§9.6). */
export type ReservedSpace =
  { readonly kind: 'mb'; readonly mb: number } | { readonly kind: 'ratio'; readonly ratio: number };

const ONE_MB = 1024 * 1024;

/** A byte size converted to whole MB (`100MB`, `4G`), or a percentage strictly between 0 and 100. */
export function parseReservedSpace(value: string, site: ValueSite = INLINE_SITE): ReservedSpace {
  const expected = 'a size such as 100MB or 4GB, or a percentage such as 10% (0% < x < 100%)';
  if (value.endsWith('%')) {
    const m = /^(\d+(?:\.\d+)?)\s*%$/.exec(value);
    const n = m ? Number(m[1]) : NaN;
    if (!(n > 0 && n < 100)) throw configValueError(site, value, expected);
    return { kind: 'ratio', ratio: n / 100 };
  }
  if (!/^\d+\s*[kmgt]?b?$/i.test(value)) throw configValueError(site, value, expected);
  // Bytes are cut down to whole MB, as FastDFS does.
  return { kind: 'mb', mb: Math.floor(parseByteSize(value, site) / ONE_MB) };
}

export interface TimeOfDay {
  readonly hour: number;
  readonly minute: number;
}

/** `HH:MM`, hour 0–23, minute 0–59. */
export function parseTimeOfDay(value: string, site: ValueSite = INLINE_SITE): TimeOfDay {
  const m = /^(\d{1,2}):(\d{1,2})$/.exec(value);
  const hour = m ? Number(m[1]) : NaN;
  const minute = m ? Number(m[2]) : NaN;
  if (!(hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59)) {
    throw configValueError(site, value, 'a time of day HH:MM (00:00 to 23:59)');
  }
  return { hour, minute };
}

export function formatTimeOfDay(t: TimeOfDay): string {
  return `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
}

/** One of `choices` (keys matched case-insensitively); returns the mapped value. */
export function parseEnum<T>(
  value: string,
  site: ValueSite,
  choices: Readonly<Record<string, T>>,
): T {
  const lower = value.toLowerCase();
  for (const [name, mapped] of Object.entries(choices)) {
    if (name.toLowerCase() === lower) return mapped;
  }
  throw configValueError(site, value, `one of ${Object.keys(choices).join(', ')}`);
}

/** One or two addresses (inner first) and a port, as in `tracker_server` and storage_ids.conf. */
export interface HostPort {
  readonly hosts: readonly string[];
  readonly port: number;
  /** False when the port was left out and `defaultPort` was used. */
  readonly portGiven: boolean;
}

const HOSTNAME_RE =
  /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

function isHostName(host: string): boolean {
  // A dotted run of digits that is not a valid IPv4 address is a typo, not a host name.
  return HOSTNAME_RE.test(host) && (isIPv4(host) || !/^[\d.]+$/.test(host));
}

/**
 * `host[:port]`, `host1,host2[:port]`, `[v6][:port]` or `[v6a,v6b][:port]`. Host names are kept as
 * written (resolving them is the caller's job). A pair of IPv4 addresses is ordered inner first
 * and must be of two different classes (§9.10).
 */
export function parseHostPort(
  value: string,
  defaultPort: number,
  site: ValueSite = INLINE_SITE,
): HostPort {
  const expected = 'host:port, host1,host2:port or [IPv6]:port';
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(value);
  let hostPart: string;
  let portPart: string | undefined;
  if (bracketed) {
    hostPart = bracketed[1]!;
    portPart = bracketed[2];
  } else {
    const colon = value.lastIndexOf(':');
    hostPart = colon < 0 ? value : value.slice(0, colon);
    portPart = colon < 0 ? undefined : value.slice(colon + 1);
    if (hostPart.includes(':')) throw configValueError(site, value, `${expected} (IPv6 in [])`);
  }
  const hosts = hostPart.split(',').map((h) => h.trim());
  const valid = bracketed ? (h: string) => isIP(h) !== 0 : isHostName;
  if (hosts.length > 2 || !hosts.every(valid)) throw configValueError(site, value, expected);
  let port = defaultPort;
  if (portPart !== undefined) {
    port = /^\d{1,5}$/.test(portPart) ? Number(portPart) : NaN;
    if (!(port >= 1 && port <= 65535)) {
      throw configValueError(site, value, `${expected} with a port from 1 to 65535`);
    }
  }
  const ordered = orderDualAddresses(hosts);
  if (ordered === undefined) {
    throw configValueError(
      site,
      value,
      'two addresses of different classes (an inner and an outer IP, or two private classes)',
    );
  }
  return { hosts: ordered, port, portGiven: portPart !== undefined };
}

/** A `tracker_server` value; the port defaults to 22122. */
export interface TrackerAddress {
  readonly hosts: readonly string[];
  readonly port: number;
}

export const DEFAULT_TRACKER_SERVER_PORT = 22122;

export function parseTrackerAddress(value: string, site: ValueSite = INLINE_SITE): TrackerAddress {
  const { hosts, port } = parseHostPort(value, DEFAULT_TRACKER_SERVER_PORT, site);
  return { hosts, port };
}

/** `host:port`, `inner,outer:port`, `[v6]:port` — the form the value was written in. */
export function formatHostPort(address: { hosts: readonly string[]; port: number }): string {
  const hosts = address.hosts.join(',');
  return address.hosts.some((h) => h.includes(':'))
    ? `[${hosts}]:${address.port}`
    : `${hosts}:${address.port}`;
}

/** A group name: 1 to 16 letters and digits (§5.3, cmd 81). */
export function parseGroupName(value: string, site: ValueSite = INLINE_SITE): string {
  if (!/^[A-Za-z0-9]{1,16}$/.test(value)) {
    throw configValueError(site, value, 'a group name of 1 to 16 letters and digits');
  }
  return value;
}

/** A storage id: 1 to 16777215 in decimal, without leading zeros (§10.4). */
export function parseServerId(value: string, site: ValueSite = INLINE_SITE): string {
  if (!/^[1-9]\d{0,7}$/.test(value) || Number(value) > MAX_SERVER_ID) {
    throw configValueError(
      site,
      value,
      `a number from 1 to ${MAX_SERVER_ID} without leading zeros`,
    );
  }
  return value;
}
