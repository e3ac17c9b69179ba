// How a storage learns who it is and how the tracker is set up (§5.2, §9.13): GET_MY_IP (60),
// FETCH_STORAGE_IDS (69), GET_SERVER_ID (70), STORAGE_GET_STATUS (71), GET_GROUP_NAME (109) and
// PARAMETER_REQ (75). 69, 70, 60 and 109 read storage_ids.conf, not the cluster state.
import type { StorageIdConfigEntry, TrackerConfig } from '../../common/config/index.js';
import type { ServerReply } from '../../common/server-connection.js';
import { Errno } from '../../protocol/errno.js';
import {
  decodeFetchStorageIdsRequest,
  decodeGetGroupNameRequest,
  decodeGetMyIpRequest,
  decodeGetServerIdRequest,
  decodeStorageStatusRequest,
  encodeFetchStorageIdsReply,
  encodeGroupNameReply,
  encodeMyIpReply,
  encodeServerIdReply,
  formatStorageIdLine,
  type StorageIdLine,
} from '../../protocol/messages/tracker-identity.js';
import {
  encodeParameterReply,
  type TrackerParameters,
} from '../../protocol/messages/tracker-parameters.js';
import { encodeStorageBrief } from '../../protocol/structs/storage-brief.js';
import { fail } from '../state/index.js';
import type { TrackerContext } from './context.js';
import { expectEmpty, failed, replyWith, type TrackerRequest } from './reply.js';

/** The storage_ids.conf entry of (ip, port): an exact port, or an entry without one (§10.4). */
function idByAddress(
  entries: readonly StorageIdConfigEntry[],
  ip: string,
  port: number,
  groupName?: string,
): StorageIdConfigEntry | undefined {
  const candidates = entries.filter(
    (e) => e.ips.includes(ip) && (groupName === undefined || e.groupName === groupName),
  );
  return candidates.find((e) => e.port === port) ?? candidates.find((e) => e.port === 0);
}

/** 60: the configured address list of the storage at (peer IP, port), or the peer IP itself. */
export function getMyIp(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const { groupName, port } = decodeGetMyIpRequest(req.body);
  const entry = ctx.policy.useStorageId
    ? idByAddress(ctx.storageIds, req.peer.address, port, groupName)
    : undefined;
  return { status: 0, body: encodeMyIpReply(entry ? entry.ips : [req.peer.address]) };
}

/** Stop filling a 69 reply when it nears the buffer size, as C does. */
const FETCH_IDS_MARGIN = 64;

/** 69: the id table from `start_index`, in id order; 8 zero bytes or EOPNOTSUPP with ids off. */
export function fetchStorageIds(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const { startIndex, allowEmpty } = decodeFetchStorageIdsRequest(req.body);
  if (!ctx.policy.useStorageId) {
    if (allowEmpty) return { status: 0, body: Buffer.alloc(8) };
    return failed(req, ctx, fail(Errno.EOPNOTSUPP, 'storage ids are off'));
  }
  const ids = [...ctx.storageIds].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (startIndex < 0 || startIndex >= ids.length) {
    return failed(req, ctx, fail(Errno.EINVAL, `start index ${startIndex} of ${ids.length}`));
  }
  const entries: StorageIdLine[] = [];
  let size = 8;
  const limit = ctx.config.maxPacketSize - FETCH_IDS_MARGIN;
  for (const e of ids.slice(startIndex)) {
    if (size > limit) break;
    const line: StorageIdLine = {
      id: e.id,
      groupName: e.groupName,
      ips: [...e.ips],
      port: e.port,
      rwMode: e.rwMode,
    };
    size += Buffer.byteLength(formatStorageIdLine(line)) + 1;
    entries.push(line);
  }
  return { status: 0, body: encodeFetchStorageIdsReply({ totalCount: ids.length, entries }) };
}

/** 70: the id of (group, ip, port) in storage_ids.conf, or without ids the IP itself. */
export function getServerId(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const { groupName, ip, port } = decodeGetServerIdRequest(req.body);
  if (!ctx.policy.useStorageId) return { status: 0, body: encodeServerIdReply(ip) };
  const entry = idByAddress(ctx.storageIds, ip, port, groupName);
  if (!entry) return failed(req, ctx, fail(Errno.ENOENT, `${groupName} ${ip}:${port} has no id`));
  return { status: 0, body: encodeServerIdReply(entry.id) };
}

/** 71: the member at ip:port as a 67-byte brief (storage-facing: the size never changes). */
export function storageStatus(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const { groupName, ip, port } = decodeStorageStatusRequest(req.body);
  return replyWith(req, ctx, ctx.state.storageStatus(groupName, ip, port), (b) =>
    encodeStorageBrief({ status: b.status, port: b.port, id: b.id, ipAddr: b.ip }),
  );
}

/** 109: the group of the storage at (ip or the peer address, port); EOPNOTSUPP with ids off. */
export function getGroupName(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  if (!ctx.policy.useStorageId) {
    return failed(req, ctx, fail(Errno.EOPNOTSUPP, 'storage ids are off'));
  }
  const { ip, port } = decodeGetGroupNameRequest(req.body);
  const address = ip ?? req.peer.address;
  const entry = idByAddress(ctx.storageIds, address, port);
  if (!entry) return failed(req, ctx, fail(Errno.ENOENT, `${address}:${port} has no id`));
  return { status: 0, body: encodeGroupNameReply(entry.groupName) };
}

/** The 75 reply of a tracker with this tracker.conf, whose client replies use IP size `ipSize`. */
export function parametersOf(c: TrackerConfig, ipSize: number): TrackerParameters {
  return {
    useStorageId: c.useStorageId,
    idTypeInFilename: c.effectiveIdType,
    trustStorageServerId: c.trustStorageServerId,
    responseIpAddrSize: ipSize,
    storageIpChangedAutoAdjust: c.storageIpChangedAutoAdjust,
    storageSyncFileMaxDelay: c.storageSyncFileMaxDelay,
    storePath: c.storePath,
    reservedStorageSpace: c.reservedStorageSpace,
    useTrunkFile: c.useTrunkFile,
    slotMinSize: c.slotMinSize,
    slotMaxSize: c.slotMaxSize,
    trunkAllocAlignmentSize: c.trunkAllocAlignmentSize,
    trunkFileSize: c.trunkFileSize,
    trunkCreateFileAdvance: c.trunkCreateFileAdvance,
    trunkCreateFileTimeBase: c.trunkCreateFileTimeBase,
    trunkCreateFileInterval: c.trunkCreateFileInterval,
    trunkCreateFileSpaceThreshold: c.trunkCreateFileSpaceThreshold,
    trunkInitCheckOccupying: c.trunkInitCheckOccupying,
    trunkInitReloadFromBinlog: c.trunkInitReloadFromBinlog,
    trunkFreeSpaceMerge: c.trunkFreeSpaceMerge,
    deleteUnusedTrunkFiles: c.deleteUnusedTrunkFiles,
    trunkCompressBinlogMinInterval: c.trunkCompressBinlogMinInterval,
    trunkCompressBinlogInterval: c.trunkCompressBinlogInterval,
    trunkCompressBinlogTimeBase: c.trunkCompressBinlogTimeBase,
    trunkBinlogMaxBackups: c.trunkBinlogMaxBackups,
    storeSlaveFileUseLink: c.storeSlaveFileUseLink,
  };
}

/** 75: the settings storages and clients adopt, in the §5.2 order. */
export function parameters(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  expectEmpty(req);
  return { status: 0, body: encodeParameterReply(parametersOf(ctx.config, ctx.dialect.ipSize)) };
}
