// Field helpers shared by the tracker message codecs (§5.2–§5.4): exact and ranged body lengths,
// the 16-byte group field that starts most requests, and "ip:port" text (IPv6 in brackets).
import { BufferReader, BufferWriter } from '../buffer.js';
import { GROUP_NAME_MAX_LEN, MAX_IP_PORT_SIZE } from '../constants.js';
import { badBody, byteLength, invalidArgument } from './fields.js';

/** An address and port as "ip:port" text carries them. */
export interface IpPort {
  ip: string;
  port: number;
}

/** Throw ERR_BAD_BODY (EINVAL) unless the body is exactly `expected` bytes. */
export function expectBody(cmd: number, body: Buffer, expected: number): void {
  if (body.length !== expected) {
    throw badBody(cmd, `body length ${body.length}, expected ${expected}`);
  }
}

/** Throw ERR_BAD_BODY unless `min ≤ body.length ≤ max`. */
export function expectBodyRange(cmd: number, body: Buffer, min: number, max: number): void {
  if (body.length < min || body.length > max) {
    throw badBody(cmd, `body length ${body.length}, expected ${min}..${max}`);
  }
}

/** The group str[16] at the start of a request (cut at the first NUL, §16 #5). */
export function readGroup(body: Buffer): string {
  return new BufferReader(body).fixedString(GROUP_NAME_MAX_LEN, 'group_name');
}

/** A group name must fit 16 bytes; it is NUL-padded on write. */
export function writeGroup(w: BufferWriter, groupName: string, cmd: number): void {
  if (byteLength(groupName) > GROUP_NAME_MAX_LEN) {
    throw invalidArgument(
      `group name "${groupName}" is longer than ${GROUP_NAME_MAX_LEN} bytes`,
      cmd,
    );
  }
  w.fixedString(GROUP_NAME_MAX_LEN, groupName);
}

/** A request that is the group str[16] and nothing else (90, 108, and 94 without an id). */
export function encodeGroupOnly(groupName: string, cmd: number): Buffer {
  const w = new BufferWriter(GROUP_NAME_MAX_LEN);
  writeGroup(w, groupName, cmd);
  return w.finish();
}

/** "ip:port", or "[ip]:port" when the address holds a ':' (IPv6). */
export function formatIpPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Parse "ip:port" / "[ipv6]:port"; ERR_BAD_BODY naming `cmd` when it is neither. */
export function parseIpPort(text: string, cmd: number): IpPort {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:[\]\s]+):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : -1;
  if (!m || port > 65535) throw badBody(cmd, `"${text}" is not ip:port`);
  return { ip: m[1]!, port };
}

/** Request of 70 and 71 (and 66/67): group str[16] + "ip:port" text of 1..52 bytes (§5.2). */
export function encodeGroupIpPort(groupName: string, address: IpPort, cmd: number): Buffer {
  const text = formatIpPort(address.ip, address.port);
  const len = byteLength(text);
  if (len > MAX_IP_PORT_SIZE) {
    throw invalidArgument(`"${text}" is longer than ${MAX_IP_PORT_SIZE} bytes`, cmd);
  }
  const w = new BufferWriter(GROUP_NAME_MAX_LEN + len);
  writeGroup(w, groupName, cmd);
  return w.string(text).finish();
}

export function decodeGroupIpPort(cmd: number, body: Buffer): IpPort & { groupName: string } {
  expectBodyRange(cmd, body, GROUP_NAME_MAX_LEN + 1, GROUP_NAME_MAX_LEN + MAX_IP_PORT_SIZE);
  const text = body.toString('utf8', GROUP_NAME_MAX_LEN);
  return { groupName: readGroup(body), ...parseIpPort(text, cmd) };
}
