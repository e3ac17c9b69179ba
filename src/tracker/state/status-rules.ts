// How a storage's status moves: ACTIVE on beats and disk reports (§9.2), OFFLINE on disconnect and
// heartbeat timeout (§9.3), and the status commands 59, 76 and 85 (§5.3).
import { Errno } from '../../protocol/errno.js';
import { StorageStatus, isAvailableStatus } from '../../protocol/status.js';
import type { GroupRecord } from './group.js';
import type { ClusterModel } from './model.js';
import { fail, ok, type Outcome } from './outcome.js';
import { StorageRecord } from './storage-record.js';

const S = StorageStatus;

/** Statuses of ours that a report never overrides (cmd 76). */
const KEEP_CURRENT = new Set<number>([S.INIT, S.ONLINE, S.ACTIVE, S.RECOVERY]);

/** A storage as other storages describe it (`FDFSStorageBrief`, §4.1). */
export interface StorageBrief {
  id: string;
  ip: string;
  port: number;
  status: number;
}

export interface StorageKey {
  groupName: string;
  storageId: string;
}

/** `tracker_mem_active_store_server` (§9.2). A DELETED record stays deleted until it joins again. */
export function activate(model: ClusterModel, group: GroupRecord, record: StorageRecord): void {
  switch (record.status) {
    case S.WAIT_SYNC:
    case S.SYNCING:
    case S.IP_CHANGED:
    case S.INIT:
    case S.DELETED:
      return;
    default:
      model.setStatus(group, record, S.ACTIVE);
  }
}

/** The storage's joined connection closed (QUIT or TCP close, §9.3). */
export function disconnect(model: ClusterModel, group: GroupRecord, record: StorageRecord): void {
  record.upTime = 0;
  switch (record.status) {
    case S.WAIT_SYNC:
    case S.SYNCING:
    case S.INIT:
    case S.DELETED:
    case S.IP_CHANGED:
    case S.RECOVERY:
      return;
    default:
      model.setStatus(group, record, S.OFFLINE);
  }
}

/**
 * Every ACTIVE storage silent for more than check_active_interval goes OFFLINE (§9.3). Without
 * `force` nothing is scanned before the earliest possible deadline, so queries can call it cheaply.
 */
export function expireStale(model: ClusterModel, now: number, force: boolean): StorageKey[] {
  if (!force && now <= model.earliestBeatDeadline) return [];
  const interval = model.policy.checkActiveInterval;
  const expired: StorageKey[] = [];
  let earliest = Number.POSITIVE_INFINITY;
  for (const group of model.sortedGroups) {
    for (const record of group.sorted) {
      if (record.status !== S.ACTIVE) continue;
      const deadline = record.lastHeartBeatTime + interval;
      if (now > deadline) {
        model.setStatus(group, record, S.OFFLINE);
        expired.push({ groupName: group.name, storageId: record.id });
      } else if (deadline < earliest) {
        earliest = deadline;
      }
    }
  }
  model.earliestBeatDeadline = earliest;
  return expired;
}

/**
 * STORAGE_CHANGE_STATUS (59): a storage aligns a follower with the leader's view. Nothing happens
 * when the status is unchanged or both are "available"; ONLINE and ACTIVE are stored as OFFLINE.
 */
export function changeStatus(
  model: ClusterModel,
  group: GroupRecord,
  record: StorageRecord,
  requested: number,
): Outcome<number> {
  if (requested === record.status) return ok(record.status);
  if (isAvailableStatus(requested) && isAvailableStatus(record.status)) return ok(record.status);
  const status = requested === S.ONLINE || requested === S.ACTIVE ? S.OFFLINE : requested;
  model.setStatus(group, record, status);
  return ok(record.status);
}

/**
 * REPORT_STATUS (76) and REPLICA_CHG (85) merge (`tracker_mem_sync_storages`, §5.3 cmd 76): another
 * storage's view of a member wins only where ours is behind.
 */
export function mergeBrief(model: ClusterModel, group: GroupRecord, brief: StorageBrief): void {
  if (brief.status === S.NONE) return;
  const record = group.get(brief.id);
  if (record) {
    const current = record.status;
    if (current === brief.status || KEEP_CURRENT.has(current)) return;
    if (brief.status === S.DELETED || brief.status === S.IP_CHANGED) {
      model.setStatus(group, record, brief.status);
    } else if (brief.status > record.status) {
      model.setStatus(group, record, brief.status);
    }
    return;
  }
  switch (brief.status) {
    case S.DELETED:
    case S.IP_CHANGED:
    case S.ONLINE:
    case S.ACTIVE:
      return;
  }
  addReportedStorage(model, group, brief);
}

function addReportedStorage(model: ClusterModel, group: GroupRecord, brief: StorageBrief): void {
  let record: StorageRecord;
  if (model.policy.useStorageId) {
    const entry = model.ids.byId(brief.id);
    // An id the tracker cannot place is ignored rather than invented.
    if (!entry || entry.groupName !== group.name) return;
    record = new StorageRecord(brief.id, group.name, [...entry.ips]);
    record.rwMode = entry.rwMode;
  } else {
    if (brief.id !== brief.ip) return;
    record = new StorageRecord(brief.id, group.name, [brief.ip]);
  }
  const ips = record.ips;
  record.ipIndex = Math.max(0, ips.indexOf(brief.ip));
  // The brief inside cmd 76 carries port 0 (§16 #6).
  record.port = brief.port > 0 ? brief.port : Math.max(group.storagePort, 0);
  record.status = brief.status;
  group.add(record);
  model.touch(group);
  model.changes.markStorages();
}

export function reportStatus(
  model: ClusterModel,
  groupName: string,
  briefs: readonly StorageBrief[],
): Outcome<void> {
  const group = model.group(groupName);
  if (!group) return fail(Errno.ENOENT, `group ${groupName} not found`);
  for (const brief of briefs) mergeBrief(model, group, brief);
  return ok(undefined);
}
