// Client-side tracker queries for tests (§5.1, §5.2): one function per command over a
// FramedConnection, built from the message codecs. A non-zero status rejects with an FdfsError
// whose `errno` is that status (and closes the connection, as the C client does).
import { FramedConnection } from '#src/common/connection.js';
import { TrackerCommand } from '#src/protocol/commands.js';
import {
  decodeFetchAllReply,
  decodeFetchOneReply,
  decodeStoreAllReply,
  decodeStoreOneReply,
  encodeQueryFileRequest,
  encodeQueryStoreRequest,
  type FetchAllReply,
  type FetchOneReply,
  type ReplyLayout,
  type StoreAllReply,
  type StoreOneReply,
} from '#src/protocol/messages/index.js';
import { BufferWriter } from '#src/protocol/buffer.js';
import { generateFileName, mathRandomSource } from '#src/protocol/file-id/index.js';
import { GROUP_NAME_MAX_LEN } from '#src/protocol/constants.js';
import { decodeStorageStatList, type StorageStat } from '#src/protocol/structs/index.js';

/** Replies of the queries are small; a storage list holds at most 32 records. */
const MAX_REPLY = 64 * 1024;

export function connectTracker(host: string, port: number): Promise<FramedConnection> {
  return FramedConnection.connect({ host, port, connectTimeoutMs: 2000, networkTimeoutMs: 10_000 });
}

async function call(conn: FramedConnection, cmd: number, body?: Buffer): Promise<Buffer> {
  const reply = await conn.request({
    cmd,
    ...(body ? { body } : {}),
    reply: { kind: 'whole', maxLength: MAX_REPLY },
  });
  return reply.body;
}

/** 101 (no group) or 104 (a group). */
export async function queryStore(
  conn: FramedConnection,
  group?: string,
): Promise<StoreOneReply & ReplyLayout> {
  const cmd =
    group === undefined
      ? TrackerCommand.SERVICE_QUERY_STORE_WITHOUT_GROUP_ONE
      : TrackerCommand.SERVICE_QUERY_STORE_WITH_GROUP_ONE;
  return decodeStoreOneReply(await call(conn, cmd, encodeQueryStoreRequest(group)), cmd);
}

/** 106 (no group) or 107 (a group). */
export async function queryStoreAll(
  conn: FramedConnection,
  group?: string,
): Promise<StoreAllReply> {
  const cmd =
    group === undefined
      ? TrackerCommand.SERVICE_QUERY_STORE_WITHOUT_GROUP_ALL
      : TrackerCommand.SERVICE_QUERY_STORE_WITH_GROUP_ALL;
  return decodeStoreAllReply(await call(conn, cmd, encodeQueryStoreRequest(group)), {}, cmd);
}

/** 102: where to download `filename` (the file ID without its group). */
export async function queryFetch(
  conn: FramedConnection,
  group: string,
  filename: string,
): Promise<FetchOneReply> {
  const cmd = TrackerCommand.SERVICE_QUERY_FETCH_ONE;
  return decodeFetchOneReply(await call(conn, cmd, encodeQueryFileRequest(group, filename, cmd)));
}

/** 103: where to delete or modify `filename`. */
export async function queryUpdate(
  conn: FramedConnection,
  group: string,
  filename: string,
): Promise<FetchOneReply> {
  const cmd = TrackerCommand.SERVICE_QUERY_UPDATE;
  return decodeFetchOneReply(
    await call(conn, cmd, encodeQueryFileRequest(group, filename, cmd)),
    cmd,
  );
}

/** 105: every storage that holds `filename`. */
export async function queryFetchAll(
  conn: FramedConnection,
  group: string,
  filename: string,
): Promise<FetchAllReply> {
  const cmd = TrackerCommand.SERVICE_QUERY_FETCH_ALL;
  return decodeFetchAllReply(await call(conn, cmd, encodeQueryFileRequest(group, filename, cmd)));
}

/** 92: the storages of a group, sorted by id. */
export async function listStorages(conn: FramedConnection, group: string): Promise<StorageStat[]> {
  const body = new BufferWriter(GROUP_NAME_MAX_LEN).fixedString(GROUP_NAME_MAX_LEN, group).finish();
  return decodeStorageStatList(await call(conn, TrackerCommand.SERVER_LIST_STORAGE, body));
}

/** "ip:port" of a query answer, for comparisons. */
export function hostPort(s: { ip: string; port: number }): string {
  return `${s.ip}:${s.port}`;
}

/**
 * The logic name (file ID without the group) of a normal file uploaded to the storage `sourceIp`
 * at `timestamp` (unix seconds): what QUERY_FETCH routes by (§9.7).
 */
export function fileNameFrom(sourceIp: string, timestamp: number): string {
  return generateFileName({
    storePathIndex: 0,
    subdirs: { subdir1: 0x3a, subdir2: 0x7f },
    source: sourceIp,
    timestamp,
    kind: 'normal',
    size: 20_480n,
    crc32: 0x1234abcd,
    ext: 'jpg',
    random: mathRandomSource,
  }).logicName;
}
