// The tracker's administrative and monitoring commands (§5.2), for FastDfsClient and `fdfs
// monitor`: LIST_ALL_GROUPS (91) / LIST_ONE_GROUP (90) read 113- or 105-byte group records,
// LIST_STORAGE (92) reads 487-, 517- or 612-byte storage records (decoded by length, §14.6);
// DELETE_STORAGE (93), DELETE_GROUP (108), SET_TRUNK_SERVER (94), GET_LEADER (95) and the
// tracker-to-tracker GET_STATUS (64), which tells whether a tracker leads.
import type { FramedConnection } from '../common/connection.js';
import { TrackerCommand } from '../protocol/commands.js';
import {
  decodeLeaderReply,
  decodeTrunkServerReply,
  encodeGroupRequest,
  encodeGroupStorageRequest,
} from '../protocol/messages/index.js';
import {
  decodeGroupStat,
  decodeGroupStatList,
  decodeStorageStatList,
  decodeTrackerStatus,
  type GroupStat,
  type StorageStat,
  type TrackerStatus,
} from '../protocol/structs/index.js';
import { BOUNDED_REPLY, decodeReply, EMPTY_REPLY } from './replies.js';
import { withSignal } from './storage-connector.js';

const C = TrackerCommand;
const NO_BODY = Buffer.alloc(0);

/** Runs a function on a connection to a tracker (TrackerClient.use). */
export type TrackerUse = <T>(
  fn: (conn: FramedConnection) => Promise<T>,
  signal?: AbortSignal,
) => Promise<T>;

async function ask<T>(
  use: TrackerUse,
  cmd: number,
  body: Buffer,
  decode: (reply: Buffer) => T,
  signal: AbortSignal | undefined,
): Promise<T> {
  return use(async (conn) => {
    const reply = await conn.request({ cmd, body, reply: BOUNDED_REPLY, ...withSignal(signal) });
    return decodeReply(conn, cmd, () => decode(reply.body));
  }, signal);
}

async function askEmpty(
  use: TrackerUse,
  cmd: number,
  body: Buffer,
  signal: AbortSignal | undefined,
): Promise<void> {
  await use(async (conn) => {
    await conn.request({ cmd, body, reply: EMPTY_REPLY, ...withSignal(signal) });
  }, signal);
}

/** 91 LIST_ALL_GROUPS. */
export function listGroups(use: TrackerUse, signal?: AbortSignal): Promise<GroupStat[]> {
  return ask(use, C.SERVER_LIST_ALL_GROUPS, NO_BODY, decodeGroupStatList, signal);
}

/** 90 LIST_ONE_GROUP. */
export function listGroup(
  use: TrackerUse,
  groupName: string,
  signal?: AbortSignal,
): Promise<GroupStat> {
  const cmd = C.SERVER_LIST_ONE_GROUP;
  return ask(use, cmd, encodeGroupRequest(groupName, cmd), decodeGroupStat, signal);
}

/** 92 LIST_STORAGE: every storage of the group, or only `storageId`. */
export function listStorages(
  use: TrackerUse,
  groupName: string,
  storageId: string | undefined,
  signal?: AbortSignal,
): Promise<StorageStat[]> {
  const cmd = C.SERVER_LIST_STORAGE;
  const body = encodeGroupStorageRequest(cmd, { groupName, storageId });
  return ask(use, cmd, body, decodeStorageStatList, signal);
}

/** 93 DELETE_STORAGE: the storage must be offline (EBUSY otherwise, §5.2). */
export function deleteStorage(
  use: TrackerUse,
  groupName: string,
  storageId: string,
  signal?: AbortSignal,
): Promise<void> {
  const cmd = C.SERVER_DELETE_STORAGE;
  return askEmpty(use, cmd, encodeGroupStorageRequest(cmd, { groupName, storageId }), signal);
}

/** 108 DELETE_GROUP: a group whose storages are all offline or deleted. */
export function deleteGroup(
  use: TrackerUse,
  groupName: string,
  signal?: AbortSignal,
): Promise<void> {
  const cmd = C.SERVER_DELETE_GROUP;
  return askEmpty(use, cmd, encodeGroupRequest(groupName, cmd), signal);
}

/** 94 SET_TRUNK_SERVER: `storageId`, or the tracker's choice; resolves with the trunk server's id. */
export function setTrunkServer(
  use: TrackerUse,
  groupName: string,
  storageId: string | undefined,
  signal?: AbortSignal,
): Promise<string> {
  const cmd = C.SERVER_SET_TRUNK_SERVER;
  const body = encodeGroupStorageRequest(cmd, { groupName, storageId });
  return ask(use, cmd, body, decodeTrunkServerReply, signal);
}

/** 95 GET_LEADER: "ip:port" of the leader this tracker knows. */
export function getLeader(use: TrackerUse, signal?: AbortSignal): Promise<string> {
  return ask(
    use,
    C.SERVER_GET_LEADER,
    NO_BODY,
    (body) => {
      const { ip, port } = decodeLeaderReply(body);
      return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
    },
    signal,
  );
}

/** 64 TRACKER_GET_STATUS (the command trackers elect with, §5.3). */
export function getTrackerStatus(use: TrackerUse, signal?: AbortSignal): Promise<TrackerStatus> {
  return ask(use, C.TRACKER_GET_STATUS, NO_BODY, decodeTrackerStatus, signal);
}
