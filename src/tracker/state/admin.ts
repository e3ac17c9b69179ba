// Administrative commands: DELETE_STORAGE (93), DELETE_GROUP (108), and the data behind the list
// and stat commands 90, 91, 92, 97 and 98 (§5.2).
import { Buffer } from 'node:buffer';
import { Errno } from '../../protocol/errno.js';
import { StorageStatus } from '../../protocol/status.js';
import { formatChangelogLine } from './changes.js';
import type { GroupRecord } from './group.js';
import { addressFor } from '../../common/ip-class.js';
import type { ClusterModel } from './model.js';
import { fail, ok, type Outcome } from './outcome.js';
import { groupHasSpace, reservedMbOf } from './reserved-space.js';
import type { ConnectionCounts, StatCounters } from './stats.js';
import { isGone, type StorageRecord } from './storage-record.js';

const S = StorageStatus;

/** DELETE_STORAGE (93): only a storage that is neither serving nor recovering can be deleted. */
export function deleteStorage(
  model: ClusterModel,
  groupName: string,
  storageId: string,
  now: number,
): Outcome<void> {
  const group = model.group(groupName);
  if (!group) return fail(Errno.ENOENT, `group ${groupName} not found`);
  const record = group.get(storageId);
  if (!record || record.status === S.IP_CHANGED) {
    return fail(Errno.ENOENT, `storage ${storageId} not found in group ${groupName}`);
  }
  if (record.status === S.ONLINE || record.status === S.ACTIVE || record.status === S.RECOVERY) {
    return fail(Errno.EBUSY, `storage ${storageId} is online`);
  }
  if (record.status === S.DELETED) {
    return fail(Errno.EALREADY, `storage ${storageId} is already deleted`);
  }
  for (const other of group.records.values()) {
    if (other.syncSrcId === storageId) other.syncSrcId = '';
  }
  record.clearFields();
  model.setStatus(group, record, S.DELETED);
  const entry = { time: now, groupName, storageId, status: S.DELETED, newId: '' };
  model.changes.appendChangelog(entry);
  model.changelogSize += Buffer.byteLength(formatChangelogLine(entry));
  return ok(undefined);
}

/**
 * DELETE_GROUP (108): succeeds as soon as every member is deleted. The C tracker keeps counting
 * DELETED records until it restarts (§16 #9); we drop them with the group.
 */
export function deleteGroup(model: ClusterModel, groupName: string): Outcome<void> {
  const group = model.group(groupName);
  if (!group) return fail(Errno.ENOENT, `group ${groupName} not found`);
  const live = group.sorted.filter((r) => !isGone(r));
  if (live.length > 0) {
    return fail(Errno.EBUSY, `group ${groupName} still has ${live.length} storage(s)`);
  }
  model.removeGroup(groupName);
  return ok(undefined);
}

/** One `TrackerGroupStat` (§4.2), plus the reserve check that 98 reports. */
export interface GroupStat {
  groupName: string;
  totalMb: number;
  freeMb: number;
  reservedMb: number;
  trunkFreeMb: number;
  /** Every record, whatever its status. */
  storageCount: number;
  storagePort: number;
  readableCount: number;
  writableCount: number;
  currentWriteServer: number;
  storePathCount: number;
  subdirCountPerPath: number;
  /** −1 when use_trunk_file is off (fdfs_monitor detects trunk mode with it). */
  currentTrunkFileId: number;
  /** The group passes the reserved-space check (98 `is_disk_available`). */
  diskAvailable: boolean;
}

export function groupStat(model: ClusterModel, group: GroupRecord): GroupStat {
  const reserved = model.policy.reservedSpace;
  return {
    groupName: group.name,
    totalMb: group.totalMb,
    freeMb: group.freeMb,
    reservedMb: reservedMbOf(reserved, group.totalMb),
    trunkFreeMb: group.trunkFreeMb,
    storageCount: group.records.size,
    storagePort: group.storagePort,
    readableCount: group.readable.length,
    writableCount: group.writable.length,
    currentWriteServer: group.currentWriteServer,
    storePathCount: group.storePathCount,
    subdirCountPerPath: group.subdirCountPerPath,
    currentTrunkFileId: model.policy.useTrunkFile ? group.currentTrunkFileId : -1,
    diskAvailable: groupHasSpace(reserved, group.totalMb, group.freeMb),
  };
}

/** One `TrackerStorageStat` record (§4.4) of LIST_STORAGE, and what 97 reports per storage. */
export interface StorageStat {
  groupName: string;
  id: string;
  /** The address for this requester (§9.10). */
  ip: string;
  port: number;
  status: number;
  rwMode: number;
  srcId: string;
  version: string;
  joinTime: number;
  upTime: number;
  totalMb: number;
  freeMb: number;
  reservedMb: number;
  uploadPriority: number;
  storePathCount: number;
  subdirCountPerPath: number;
  currentWritePath: number;
  connection: ConnectionCounts;
  counters: StatCounters;
  lastSourceUpdate: number;
  lastSyncUpdate: number;
  lastSyncedTimestamp: number;
  lastHeartBeatTime: number;
  isTrunkServer: boolean;
}

export function storageStat(
  model: ClusterModel,
  group: GroupRecord,
  record: StorageRecord,
  requesterIp?: string,
): StorageStat {
  return {
    groupName: group.name,
    id: record.id,
    ip: addressFor(record.ips, requesterIp),
    port: record.port,
    status: record.status,
    rwMode: record.rwMode,
    srcId: record.syncSrcId,
    version: record.version,
    joinTime: record.joinTime,
    upTime: record.upTime,
    totalMb: record.totalMb,
    freeMb: record.freeMb,
    reservedMb: reservedMbOf(model.policy.reservedSpace, record.totalMb),
    uploadPriority: record.uploadPriority,
    storePathCount: record.storePathCount,
    subdirCountPerPath: record.subdirCountPerPath,
    currentWritePath: record.currentWritePath,
    connection: { ...record.connection },
    counters: { ...record.counters },
    lastSourceUpdate: record.lastSourceUpdate,
    lastSyncUpdate: record.lastSyncUpdate,
    lastSyncedTimestamp: record.lastSyncedTimestamp,
    lastHeartBeatTime: record.lastHeartBeatTime,
    isTrunkServer: group.trunkServerId !== '' && group.trunkServerId === record.id,
  };
}

/** LIST_STORAGE (92): the group's storages by id, or only `storageId` (ENOENT if absent). */
export function listStorages(
  model: ClusterModel,
  groupName: string,
  storageId?: string,
  requesterIp?: string,
): Outcome<StorageStat[]> {
  const group = model.group(groupName);
  if (!group) return fail(Errno.ENOENT, `group ${groupName} not found`);
  const records =
    storageId === undefined ? group.sorted : group.sorted.filter((r) => r.id === storageId);
  if (records.length === 0 && storageId !== undefined) {
    return fail(Errno.ENOENT, `storage ${storageId} not found in group ${groupName}`);
  }
  return ok(records.map((r) => storageStat(model, group, r, requesterIp)));
}

/** One `StorageVolumnStatRespBodyPart` (98) without the trunk parts, which are off. */
export interface VolumeStat {
  groupName: string;
  totalMb: number;
  freeMb: number;
  reservedMb: number;
  /** max(0, free − reserved) when the disk is available, else 0. */
  availMb: number;
  trunkFreeMb: number;
  diskAvailable: boolean;
  trunkAvailable: boolean;
}

export function volumeStat(stat: GroupStat): VolumeStat {
  return {
    groupName: stat.groupName,
    totalMb: stat.totalMb,
    freeMb: stat.freeMb,
    reservedMb: stat.reservedMb,
    availMb: stat.diskAvailable ? Math.max(0, stat.freeMb - stat.reservedMb) : 0,
    trunkFreeMb: 0,
    diskAvailable: stat.diskAvailable,
    trunkAvailable: false,
  };
}
