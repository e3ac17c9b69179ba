// STORAGE_REPORT_IP_CHANGED (78, §5.3, `tracker_mem_storage_ip_changed`): a storage known by its IP
// (storage ids off) comes back with another one. Its record moves to the new IP, keeping its place
// in the group and its data; a ghost under the old IP is left IP_CHANGED, and a changelog line
// tells the other storages to rename their sync marks.
import { Buffer } from 'node:buffer';
import { Errno } from '../../protocol/errno.js';
import { StorageStatus } from '../../protocol/status.js';
import { formatChangelogLine } from './changes.js';
import type { ClusterModel } from './model.js';
import { fail, ok, type Outcome } from './outcome.js';
import { StorageRecord } from './storage-record.js';

const S = StorageStatus;

export interface IpChange {
  groupName: string;
  oldIp: string;
  newIp: string;
  /** The TCP peer: the new IP must be the address the report comes from. */
  peerIp: string;
}

/** A copy of `from` under another id and address; everything else is kept. */
function moved(from: StorageRecord, id: string): StorageRecord {
  const to = new StorageRecord(id, from.groupName, [id]);
  return Object.assign(to, from, { id, ips: [id], ipIndex: 0 });
}

export function reportIpChanged(model: ClusterModel, change: IpChange, now: number): Outcome<void> {
  const { groupName, oldIp, newIp } = change;
  if (model.policy.useStorageId) {
    return fail(Errno.EOPNOTSUPP, 'storages are identified by id, not by IP');
  }
  const group = model.group(groupName);
  if (!group) return fail(Errno.ENOENT, `group ${groupName} not found`);
  if (newIp !== change.peerIp) {
    return fail(Errno.EINVAL, `new IP ${newIp} is not the reporting address ${change.peerIp}`);
  }
  const old = group.get(oldIp);
  if (!old || old.status === S.DELETED) {
    return fail(Errno.ENOENT, `storage ${oldIp} not found in group ${groupName}`);
  }
  if (old.status === S.ONLINE || old.status === S.ACTIVE || old.status === S.RECOVERY) {
    return fail(Errno.EBUSY, `storage ${oldIp} is online`);
  }
  if (old.status === S.IP_CHANGED) {
    return fail(Errno.EALREADY, `storage ${oldIp} has already changed its IP`);
  }
  if (group.get(newIp)) return fail(Errno.EEXIST, `storage ${newIp} already exists`);

  const ghost = new StorageRecord(oldIp, groupName, [oldIp]);
  ghost.port = old.port;
  ghost.status = S.IP_CHANGED;
  group.replace(oldIp, moved(old, newIp));
  group.add(ghost);
  const row = group.syncTimestamps.get(oldIp);
  if (row) {
    group.syncTimestamps.delete(oldIp);
    group.syncTimestamps.set(newIp, row);
  }
  for (const dests of group.syncTimestamps.values()) {
    const ts = dests.get(oldIp);
    if (ts !== undefined) {
      dests.delete(oldIp);
      dests.set(newIp, ts);
    }
  }
  for (const r of group.records.values()) if (r.syncSrcId === oldIp) r.syncSrcId = newIp;
  model.refreshLists(group);
  model.touch(group);
  const entry = { time: now, groupName, storageId: oldIp, status: S.IP_CHANGED, newId: newIp };
  model.changes.appendChangelog(entry);
  model.changelogSize += Buffer.byteLength(formatChangelogLine(entry));
  // The C tracker rewrites all its files here.
  model.changes.markGroups();
  model.changes.markStorages();
  model.changes.markSyncTimestamps();
  return ok(undefined);
}
