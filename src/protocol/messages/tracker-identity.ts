// How a storage learns who it is (§5.2, §9.13): GET_MY_IP (60), FETCH_STORAGE_IDS (69),
// GET_SERVER_ID (70), GET_STATUS (71, request; the reply is a storage brief) and
// GET_GROUP_NAME (109).
import { BufferReader, BufferWriter } from '../buffer.js';
import { TrackerCommand, commandName } from '../commands.js';
import { Errno } from '../errno.js';
import { FdfsError } from '../errors.js';
import {
  GROUP_NAME_MAX_LEN,
  GROUP_NAME_STRUCT_SIZE,
  IP_ADDRESS_SIZE,
  STORAGE_ID_MAX_SIZE,
} from '../constants.js';
import { RwMode } from '../status.js';
import { badBody, byteLength, invalidArgument } from './fields.js';
import {
  decodeGroupIpPort,
  encodeGroupIpPort,
  expectBody,
  readGroup,
  writeGroup,
  type IpPort,
} from './tracker-fields.js';

const C = TrackerCommand;

/** 60: the storage's group (in a 17-byte field) and its port. */
export interface GetMyIpRequest {
  groupName: string;
  port: number;
}

/** 69: where to start in the id list; allow_empty asks for 8 zero bytes instead of EOPNOTSUPP. */
export interface FetchStorageIdsRequest {
  startIndex: number;
  allowEmpty: boolean;
}

/** One line of the 69 reply: "<id> <group> <ip>[,<ip2>][:port][ rw=<mode>]". */
export interface StorageIdLine {
  id: string;
  groupName: string;
  ips: string[];
  /** 0 = no ":port" part. */
  port: number;
  /** RwMode value; BOTH writes no "rw=" part. */
  rwMode: number;
}

export interface FetchStorageIdsReply {
  totalCount: number;
  entries: StorageIdLine[];
}

/** 70 and 71: a group and one storage address. */
export interface GroupAddressRequest extends IpPort {
  groupName: string;
}

/** 109: the storage's port, with its IP or (undefined) the TCP peer address. */
export interface GetGroupNameRequest {
  ip: string | undefined;
  port: number;
}

// ---- 60 ----------------------------------------------------------------------------------

export const GET_MY_IP_BODY_SIZE = GROUP_NAME_STRUCT_SIZE + 4;

export function encodeGetMyIpRequest(v: GetMyIpRequest): Buffer {
  const w = new BufferWriter(GET_MY_IP_BODY_SIZE);
  if (byteLength(v.groupName) > GROUP_NAME_MAX_LEN) {
    throw invalidArgument(
      `group name "${v.groupName}" is longer than 16 bytes`,
      C.STORAGE_GET_MY_IP,
    );
  }
  return w.fixedString(GROUP_NAME_STRUCT_SIZE, v.groupName).i32(v.port).finish();
}

export function decodeGetMyIpRequest(body: Buffer): GetMyIpRequest {
  expectBody(C.STORAGE_GET_MY_IP, body, GET_MY_IP_BODY_SIZE);
  const r = new BufferReader(body);
  return { groupName: r.fixedString(GROUP_NAME_STRUCT_SIZE, 'group_name'), port: r.i32('port') };
}

/** 60 reply: the storage's address(es), comma separated, no NUL. */
export function encodeMyIpReply(ips: readonly string[]): Buffer {
  return Buffer.from(ips.join(','), 'utf8');
}

export function decodeMyIpReply(body: Buffer): string[] {
  const text = body.toString('utf8');
  if (text === '') throw badBody(C.STORAGE_GET_MY_IP, 'empty reply');
  return text.split(',');
}

// ---- 69 ----------------------------------------------------------------------------------

export const FETCH_STORAGE_IDS_BODY_SIZE = 5;

export function encodeFetchStorageIdsRequest(v: FetchStorageIdsRequest): Buffer {
  return new BufferWriter(FETCH_STORAGE_IDS_BODY_SIZE)
    .i32(v.startIndex)
    .u8(v.allowEmpty ? 1 : 0)
    .finish();
}

export function decodeFetchStorageIdsRequest(body: Buffer): FetchStorageIdsRequest {
  expectBody(C.STORAGE_FETCH_STORAGE_IDS, body, FETCH_STORAGE_IDS_BODY_SIZE);
  const r = new BufferReader(body);
  return { startIndex: r.i32('start_index'), allowEmpty: r.u8('allow_empty') !== 0 };
}

const RW_NAMES = new Map<number, string>([
  [RwMode.READ, 'read'],
  [RwMode.WRITE, 'write'],
  [RwMode.NONE, 'none'],
]);
const RW_BY_NAME = new Map<string, number>([...RW_NAMES].map(([k, v]) => [v, k]));

/** One line, without its "\n" (§5.2 cmd 69). */
export function formatStorageIdLine(e: StorageIdLine): string {
  const hosts = e.ips.join(',');
  const address = e.ips.some((ip) => ip.includes(':')) ? `[${hosts}]` : hosts;
  const port = e.port > 0 ? `:${e.port}` : '';
  const rw = RW_NAMES.get(e.rwMode);
  return `${e.id} ${e.groupName} ${address}${port}${rw === undefined ? '' : ` rw=${rw}`}`;
}

export function parseStorageIdLine(line: string): StorageIdLine {
  const cmd = C.STORAGE_FETCH_STORAGE_IDS;
  const m = /^(\S+) (\S+) (?:\[([^\]]+)\]|([^\s:[\]]+))(?::(\d+))?(?: rw=(\w+))?$/.exec(line);
  const rwMode = m?.[6] === undefined ? RwMode.BOTH : RW_BY_NAME.get(m[6]);
  if (!m || rwMode === undefined) throw badBody(cmd, `bad storage id line "${line}"`);
  const hosts = (m[3] ?? m[4])!;
  return {
    id: m[1]!,
    groupName: m[2]!,
    ips: hosts.split(','),
    port: m[5] === undefined ? 0 : Number(m[5]),
    rwMode,
  };
}

/** total_count i32, current_count i32, then current_count lines ending in "\n". */
export function encodeFetchStorageIdsReply(v: FetchStorageIdsReply): Buffer {
  const text = v.entries.map((e) => `${formatStorageIdLine(e)}\n`).join('');
  const w = new BufferWriter(8 + byteLength(text));
  return w.i32(v.totalCount).i32(v.entries.length).string(text).finish();
}

export function decodeFetchStorageIdsReply(body: Buffer): FetchStorageIdsReply {
  const cmd = C.STORAGE_FETCH_STORAGE_IDS;
  const r = new BufferReader(body);
  const totalCount = r.i32('total_count');
  const count = r.i32('current_count');
  if (count < 0 || totalCount < count) {
    throw badBody(cmd, `current_count ${count} with total_count ${totalCount}`);
  }
  const text = r.rest().toString('utf8');
  const lines = text === '' ? [] : text.split('\n');
  if (lines.length > 0 && lines.pop() !== '') throw badBody(cmd, 'last line has no "\\n"');
  if (lines.length !== count) {
    throw badBody(cmd, `${lines.length} lines, current_count says ${count}`);
  }
  return { totalCount, entries: lines.map(parseStorageIdLine) };
}

// ---- 70 / 71 -----------------------------------------------------------------------------

export function encodeGetServerIdRequest(v: GroupAddressRequest): Buffer {
  return encodeGroupIpPort(v.groupName, v, C.STORAGE_GET_SERVER_ID);
}

export function decodeGetServerIdRequest(body: Buffer): GroupAddressRequest {
  return decodeGroupIpPort(C.STORAGE_GET_SERVER_ID, body);
}

/** 70 reply: the id as text, no NUL, at most 15 bytes. */
export function encodeServerIdReply(id: string): Buffer {
  const len = byteLength(id);
  if (len < 1 || len >= STORAGE_ID_MAX_SIZE) {
    throw invalidArgument(`storage id "${id}" is not 1..15 bytes`, C.STORAGE_GET_SERVER_ID);
  }
  return Buffer.from(id, 'utf8');
}

export function decodeServerIdReply(body: Buffer): string {
  if (body.length < 1 || body.length >= STORAGE_ID_MAX_SIZE) {
    throw badBody(C.STORAGE_GET_SERVER_ID, `reply body length ${body.length}, expected 1..15`);
  }
  return body.toString('utf8');
}

export function encodeStorageStatusRequest(v: GroupAddressRequest): Buffer {
  return encodeGroupIpPort(v.groupName, v, C.STORAGE_GET_STATUS);
}

/** 71 request; the reply is one 67-byte storage brief (structs/storage-brief.ts). */
export function decodeStorageStatusRequest(body: Buffer): GroupAddressRequest {
  return decodeGroupIpPort(C.STORAGE_GET_STATUS, body);
}

// ---- 109 ---------------------------------------------------------------------------------

export function encodeGetGroupNameRequest(v: GetGroupNameRequest): Buffer {
  const ip = v.ip ?? '';
  const len = byteLength(ip);
  if (len >= IP_ADDRESS_SIZE) {
    throw invalidArgument(
      `IP "${ip}" is ${IP_ADDRESS_SIZE} bytes or longer`,
      C.STORAGE_GET_GROUP_NAME,
    );
  }
  return new BufferWriter(len + 4).string(ip).i32(v.port).finish();
}

/**
 * A port i32 alone (4 bytes: the IP is the TCP peer's), or an IP vstr then the port. Shorter
 * than 4 bytes is EINVAL; an IP of 46 bytes or more is ENAMETOOLONG (§5.2 cmd 109).
 */
export function decodeGetGroupNameRequest(body: Buffer): GetGroupNameRequest {
  const cmd = C.STORAGE_GET_GROUP_NAME;
  if (body.length < 4) throw badBody(cmd, `body length ${body.length}, expected ≥ 4`);
  const ipLength = body.length - 4;
  if (ipLength >= IP_ADDRESS_SIZE) {
    throw new FdfsError('ERR_BAD_BODY', `${commandName(cmd)}: IP of ${ipLength} bytes`, {
      errno: Errno.ENAMETOOLONG,
      command: cmd,
    });
  }
  return {
    ip: ipLength === 0 ? undefined : body.toString('utf8', 0, ipLength),
    port: body.readInt32BE(ipLength),
  };
}

/** 109 reply: group_name str[16]. */
export function encodeGroupNameReply(groupName: string): Buffer {
  const w = new BufferWriter(GROUP_NAME_MAX_LEN);
  writeGroup(w, groupName, C.STORAGE_GET_GROUP_NAME);
  return w.finish();
}

export function decodeGroupNameReply(body: Buffer): string {
  expectBody(C.STORAGE_GET_GROUP_NAME, body, GROUP_NAME_MAX_LEN);
  return readGroup(body);
}
