// The tracker calls of fdfs_monitor (§5.2): list groups and storages on one connection; delete
// group / storage and set trunk server on every configured tracker, as the C client does.
import type { FramedConnection, WholeReplySpec } from '../../common/connection.js';
import type { TrackerClient } from '../../client/tracker-client.js';
import { TrackerCommand as C } from '../../protocol/commands.js';
import { Errno } from '../../protocol/errno.js';
import {
  decodeTrunkServerReply,
  encodeGroupRequest,
  encodeGroupStorageRequest,
} from '../../protocol/messages/index.js';
import { DEFAULT_SHAPE_LIMITS } from '../../protocol/shapes.js';
import {
  decodeGroupStatList,
  decodeStorageStatList,
  type GroupStat,
  type StorageStat,
} from '../../protocol/structs/index.js';
import { FdfsError } from '../../common/errors.js';

const WHOLE: WholeReplySpec = { kind: 'whole', maxLength: DEFAULT_SHAPE_LIMITS.maxReplySize };
const EMPTY: WholeReplySpec = { kind: 'whole', maxLength: 0 };

export async function listGroups(conn: FramedConnection): Promise<GroupStat[]> {
  const reply = await conn.request({
    cmd: C.SERVER_LIST_ALL_GROUPS,
    body: Buffer.alloc(0),
    reply: WHOLE,
  });
  return reply.body.length === 0 ? [] : decodeGroupStatList(reply.body);
}

export async function listStorages(conn: FramedConnection, group: string): Promise<StorageStat[]> {
  const cmd = C.SERVER_LIST_STORAGE;
  const body = encodeGroupStorageRequest(cmd, { groupName: group, storageId: undefined });
  const reply = await conn.request({ cmd, body, reply: WHOLE });
  return decodeStorageStatList(reply.body);
}

/** DELETE_GROUP on each tracker in turn; the first failure is the answer (§16 #9: C stops there). */
export async function deleteGroup(
  trackers: readonly TrackerClient[],
  group: string,
): Promise<void> {
  const body = encodeGroupRequest(group, C.SERVER_DELETE_GROUP);
  for (const t of trackers) {
    await t.use((conn) => conn.request({ cmd: C.SERVER_DELETE_GROUP, body, reply: EMPTY }));
  }
}

/**
 * DELETE_STORAGE on every tracker (§5.2): ENOENT and EALREADY from one tracker are ignored as
 * long as another one deleted it; the error is thrown when none did.
 */
export async function deleteStorage(
  trackers: readonly TrackerClient[],
  group: string,
  storageId: string,
): Promise<void> {
  const cmd = C.SERVER_DELETE_STORAGE;
  const body = encodeGroupStorageRequest(cmd, { groupName: group, storageId });
  let deleted = 0;
  let lastError: unknown;
  for (const t of trackers) {
    try {
      await t.use((conn) => conn.request({ cmd, body, reply: EMPTY }));
      deleted++;
    } catch (err) {
      const errno = err instanceof FdfsError ? err.errno : undefined;
      if (errno !== Errno.ENOENT && errno !== Errno.EALREADY) throw err;
      lastError = err;
    }
  }
  if (deleted === 0 && lastError !== undefined) throw lastError;
}

/** SET_TRUNK_SERVER on each tracker until one that is not EOPNOTSUPP answers (§5.2). */
export async function setTrunkServer(
  trackers: readonly TrackerClient[],
  group: string,
  storageId: string,
): Promise<string> {
  const cmd = C.SERVER_SET_TRUNK_SERVER;
  const body = encodeGroupStorageRequest(cmd, {
    groupName: group,
    storageId: storageId === '' ? undefined : storageId,
  });
  let lastError: unknown;
  for (const t of trackers) {
    try {
      const reply = await t.use((conn) => conn.request({ cmd, body, reply: WHOLE }));
      return decodeTrunkServerReply(reply.body);
    } catch (err) {
      if (!(err instanceof FdfsError) || err.errno !== Errno.EOPNOTSUPP) throw err;
      lastError = err;
    }
  }
  throw lastError;
}
