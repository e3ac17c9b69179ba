// Tracker service queries 101–107 (§5.1): where to upload, download or update. IP + port pairs
// follow §4.9 (addresses.ts); the 105 reply, whose layout also depends on the version, is in fetch-all.ts.
import { BufferReader, BufferWriter } from '../buffer.js';
import { TrackerCommand } from '../commands.js';
import { GROUP_NAME_MAX_LEN, MAX_FILENAME_LEN } from '../constants.js';
import {
  ipFieldSize,
  PORT_SIZE,
  preferred,
  readServers,
  writeAddress,
  type QueryReplyHint,
  type ReplyLayout,
  type ServerAddress,
} from './addresses.js';
import {
  badBody,
  byteLength,
  invalidArgument,
  RESPONSE_IP_SIZES,
  type GroupFile,
  type ResponseIpSize,
} from './fields.js';

/** Reply of 101/104: one storage to upload to. */
export interface StoreOneReply extends ServerAddress {
  groupName: string;
  storePathIndex: number;
}

/** Reply of 106/107: every writable storage of the chosen group. */
export interface StoreAllReply {
  groupName: string;
  servers: ServerAddress[];
  storePathIndex: number;
}

/** Reply of 102/103: one storage to download from or to update. */
export interface FetchOneReply extends ServerAddress {
  groupName: string;
}

/** Body of 102/103/105: 16 + 22 ≤ length < 16 + 128 (§5.1). */
const MIN_QUERY_FILENAME = 22;

// ---- requests ----------------------------------------------------------------------------

const STORE_WITHOUT_GROUP = new Set<number>([
  TrackerCommand.SERVICE_QUERY_STORE_WITHOUT_GROUP_ONE,
  TrackerCommand.SERVICE_QUERY_STORE_WITHOUT_GROUP_ALL,
]);
const STORE_WITH_GROUP = new Set<number>([
  TrackerCommand.SERVICE_QUERY_STORE_WITH_GROUP_ONE,
  TrackerCommand.SERVICE_QUERY_STORE_WITH_GROUP_ALL,
]);

/** Body of 101/106 (no group: empty) or 104/107 (group str[16]). */
export function encodeQueryStoreRequest(groupName?: string): Buffer {
  if (groupName === undefined) return Buffer.alloc(0);
  return new BufferWriter(GROUP_NAME_MAX_LEN).fixedString(GROUP_NAME_MAX_LEN, groupName).finish();
}

/** Server side of 101/104/106/107: the body must be exactly 0 or 16 bytes. */
export function decodeQueryStoreRequest(cmd: number, body: Buffer): { groupName?: string } {
  if (STORE_WITHOUT_GROUP.has(cmd)) {
    if (body.length !== 0) throw badBody(cmd, `body length ${body.length}, expected 0`);
    return {};
  }
  if (!STORE_WITH_GROUP.has(cmd)) throw badBody(cmd, 'not a QUERY_STORE command');
  if (body.length !== GROUP_NAME_MAX_LEN) {
    throw badBody(cmd, `body length ${body.length}, expected ${GROUP_NAME_MAX_LEN}`);
  }
  return { groupName: new BufferReader(body).fixedString(GROUP_NAME_MAX_LEN, 'group_name') };
}

/** Body of 102/103/105: group str[16] + file name without the group. */
export function encodeQueryFileRequest(
  groupName: string,
  filename: string,
  cmd: number = TrackerCommand.SERVICE_QUERY_FETCH_ONE,
): Buffer {
  const len = byteLength(filename);
  if (len < MIN_QUERY_FILENAME || len > MAX_FILENAME_LEN) {
    throw invalidArgument(
      `file name of ${len} bytes, expected ${MIN_QUERY_FILENAME}..${MAX_FILENAME_LEN}`,
      cmd,
    );
  }
  return new BufferWriter(GROUP_NAME_MAX_LEN + len)
    .fixedString(GROUP_NAME_MAX_LEN, groupName)
    .string(filename)
    .finish();
}

/** Server side of 102/103/105: 16 + 22 ≤ length < 16 + 128, else EINVAL (§5.1). */
export function decodeQueryFileRequest(
  body: Buffer,
  cmd: number = TrackerCommand.SERVICE_QUERY_FETCH_ONE,
): GroupFile {
  const min = GROUP_NAME_MAX_LEN + MIN_QUERY_FILENAME;
  const max = GROUP_NAME_MAX_LEN + MAX_FILENAME_LEN;
  if (body.length < min || body.length > max) {
    throw badBody(cmd, `body length ${body.length}, expected ${min}..${max}`);
  }
  const r = new BufferReader(body);
  const groupName = r.fixedString(GROUP_NAME_MAX_LEN, 'group_name');
  return { groupName, filename: r.rest().toString('utf8') };
}

// ---- replies -----------------------------------------------------------------------------

/** 101/104 reply: group, ip str[S−1], port i64, store_path_index u8 (40 or 70 bytes). */
export function encodeStoreOneReply(reply: StoreOneReply, ipSize: ResponseIpSize): Buffer {
  const cmd = TrackerCommand.SERVICE_QUERY_STORE_WITHOUT_GROUP_ONE;
  checkStorePathIndex(reply.storePathIndex, cmd);
  const w = new BufferWriter(GROUP_NAME_MAX_LEN + ipFieldSize(ipSize) + PORT_SIZE + 1);
  w.fixedString(GROUP_NAME_MAX_LEN, reply.groupName);
  writeAddress(w, reply, ipSize, cmd);
  return w.u8(reply.storePathIndex).finish();
}

export function decodeStoreOneReply(
  body: Buffer,
  cmd: number = TrackerCommand.SERVICE_QUERY_STORE_WITHOUT_GROUP_ONE,
): StoreOneReply & ReplyLayout {
  const ipSize = sizeByLength(body.length, 1, cmd);
  const r = new BufferReader(body);
  const groupName = r.fixedString(GROUP_NAME_MAX_LEN, 'group_name');
  const ip = r.fixedString(ipSize - 1, 'ip');
  const port = r.i64('port');
  return { groupName, ip, port, storePathIndex: r.u8('store_path_index'), ipSize };
}

/** 102/103 reply: group, ip str[S−1], port i64 (39 or 69 bytes). */
export function encodeFetchOneReply(reply: FetchOneReply, ipSize: ResponseIpSize): Buffer {
  const w = new BufferWriter(GROUP_NAME_MAX_LEN + ipFieldSize(ipSize) + PORT_SIZE);
  w.fixedString(GROUP_NAME_MAX_LEN, reply.groupName);
  writeAddress(w, reply, ipSize, TrackerCommand.SERVICE_QUERY_FETCH_ONE);
  return w.finish();
}

export function decodeFetchOneReply(
  body: Buffer,
  cmd: number = TrackerCommand.SERVICE_QUERY_FETCH_ONE,
): FetchOneReply & ReplyLayout {
  const ipSize = sizeByLength(body.length, 0, cmd);
  const r = new BufferReader(body);
  const groupName = r.fixedString(GROUP_NAME_MAX_LEN, 'group_name');
  const ip = r.fixedString(ipSize - 1, 'ip');
  return { groupName, ip, port: r.i64('port'), ipSize };
}

/** 40/70 (store-one, `extra` 1) or 39/69 (fetch-one, `extra` 0). */
function sizeByLength(length: number, extra: number, cmd: number): ResponseIpSize {
  for (const s of RESPONSE_IP_SIZES) {
    if (length === GROUP_NAME_MAX_LEN + s - 1 + PORT_SIZE + extra) return s;
  }
  const [a, b] = RESPONSE_IP_SIZES.map((s) => GROUP_NAME_MAX_LEN + s - 1 + PORT_SIZE + extra);
  throw badBody(cmd, `reply body length ${length}, expected ${a} or ${b}`);
}

function checkStorePathIndex(index: number, cmd: number): void {
  if (!Number.isInteger(index) || index < 0 || index > 255) {
    throw invalidArgument(`store_path_index ${index} out of range 0..255`, cmd);
  }
}

/** 106/107 reply: group, N × (ip str[S−1], port i64), store_path_index u8: 16 + N·(S−1+8) + 1. */
export function encodeStoreAllReply(reply: StoreAllReply, ipSize: ResponseIpSize): Buffer {
  const cmd = TrackerCommand.SERVICE_QUERY_STORE_WITHOUT_GROUP_ALL;
  checkStorePathIndex(reply.storePathIndex, cmd);
  if (reply.servers.length === 0) throw invalidArgument('no storage server to list', cmd);
  const w = new BufferWriter(
    GROUP_NAME_MAX_LEN + reply.servers.length * (ipFieldSize(ipSize) + PORT_SIZE) + 1,
  );
  w.fixedString(GROUP_NAME_MAX_LEN, reply.groupName);
  for (const s of reply.servers) writeAddress(w, s, ipSize, cmd);
  return w.u8(reply.storePathIndex).finish();
}

/**
 * Tries S = 16 then S = 46 (a hint reorders them). A layout that reads an empty IP or port 0 is
 * only taken when no layout reads plausible addresses (see readServers).
 */
export function decodeStoreAllReply(
  body: Buffer,
  hint: QueryReplyHint = {},
  cmd: number = TrackerCommand.SERVICE_QUERY_STORE_WITHOUT_GROUP_ALL,
): StoreAllReply & ReplyLayout {
  const sizes = preferred(RESPONSE_IP_SIZES, hint.ipSize);
  for (const strict of [true, false]) {
    for (const ipSize of sizes) {
      const record = ipSize - 1 + PORT_SIZE;
      const listBytes = body.length - GROUP_NAME_MAX_LEN - 1;
      if (listBytes < record || listBytes % record !== 0) continue;
      const servers = readServers(body, ipSize, listBytes / record, '6.16', strict);
      if (!servers) continue;
      return {
        groupName: new BufferReader(body).fixedString(GROUP_NAME_MAX_LEN, 'group_name'),
        servers,
        storePathIndex: body[body.length - 1]!,
        ipSize,
      };
    }
  }
  throw badBody(cmd, `reply body length ${body.length} fits no layout 16 + N·(15+8 | 45+8) + 1`);
}
