// IP + port pairs of the tracker query replies (§4.9): ip str[S−1] then port i64, and the layout
// guesses that several reply lengths need (§14.6).
import { BufferReader, type BufferWriter } from '../buffer.js';
import { GROUP_NAME_MAX_LEN } from '../constants.js';
import { invalidArgument, type ResponseIpSize } from './fields.js';

export interface ServerAddress {
  ip: string;
  port: number;
}

/** 105 reply layout: '6.16' = ip + port for every server; 'legacy' (≤ 6.15.5) = later servers ip only (§14.6). */
export type FetchAllForm = '6.16' | 'legacy';

/** What the decoder found, returned beside the fields. */
export interface ReplyLayout {
  ipSize: ResponseIpSize;
}

/** Prefer these layouts when a reply length fits several (§14.6). It never refuses a body that fits another. */
export interface QueryReplyHint {
  ipSize?: ResponseIpSize;
  form?: FetchAllForm;
}

/** Size of the port field after each IP. */
export const PORT_SIZE = 8;
export const MAX_PORT = 65535;

/** The IP field is S − 1 bytes: 15 or 45 (§4.9). */
export function ipFieldSize(ipSize: ResponseIpSize): number {
  if (ipSize !== 16 && ipSize !== 46)
    throw invalidArgument(`IP size ${String(ipSize)}, not 16 or 46`);
  return ipSize - 1;
}

export function checkPort(port: number, cmd: number): void {
  if (!Number.isInteger(port) || port < 0 || port > MAX_PORT) {
    throw invalidArgument(`port ${port} out of range`, cmd);
  }
}

export function writeAddress(
  w: BufferWriter,
  s: ServerAddress,
  ipSize: ResponseIpSize,
  cmd: number,
): void {
  checkPort(s.port, cmd);
  w.fixedString(ipFieldSize(ipSize), s.ip).i64(s.port);
}

/**
 * Read n servers after the group, or undefined when the layout guess reads nonsense: a port
 * outside 0..65535, or (strict) an empty IP or port 0, which no serving storage has. Bytes of
 * a wrongly guessed layout land in IP padding (zeros) or in IP text (huge ports).
 */
export function readServers(
  body: Buffer,
  ipSize: ResponseIpSize,
  n: number,
  form: FetchAllForm,
  strict: boolean,
): ServerAddress[] | undefined {
  const ipField = ipSize - 1;
  const minPort = strict ? 1n : 0n;
  const r = new BufferReader(body, GROUP_NAME_MAX_LEN);
  const servers: ServerAddress[] = [];
  for (let i = 0; i < n; i++) {
    const ip = r.fixedString(ipField, 'ip');
    if (strict && ip.length === 0) return undefined;
    if (form === 'legacy' && i > 0) {
      servers.push({ ip, port: servers[0]!.port });
      continue;
    }
    const port = r.i64Big('port');
    if (port < minPort || port > BigInt(MAX_PORT)) return undefined;
    servers.push({ ip, port: Number(port) });
  }
  return servers;
}

/** `values` with `first` moved to the front when it is one of them. */
export function preferred<T>(values: readonly T[], first: T | undefined): T[] {
  if (first === undefined || !values.includes(first)) return [...values];
  return [first, ...values.filter((v) => v !== first)];
}
