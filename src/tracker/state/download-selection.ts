// QUERY_FETCH_ONE (102), QUERY_UPDATE (103), QUERY_FETCH_ALL (105): which storages may serve an
// existing file, judged from the file's source and creation time and the sync progress (§9.7).
import { Errno } from '../../protocol/errno.js';
import type { GroupRecord } from './group.js';
import type { ClusterModel } from './model.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { StorageRecord } from './storage-record.js';
import { pickWritableStorage } from './upload-selection.js';

/** What the tracker reads from a file name (§7.8). */
export interface FileSource {
  /** The source storage: a server id ("100001") or an IPv4 address; '' when unknown. */
  source: string;
  /** Creation time from the name (unix seconds). */
  timestamp: number;
  /** Only normal files are replicated to every peer by the time rules; appenders and slaves are not. */
  kind: 'normal' | 'appender' | 'slave';
}

/** The name's source: same id, or (names that carry an IP) one of the storage's addresses. */
export function isSourceOf(record: StorageRecord, file: FileSource): boolean {
  return file.source !== '' && (record.id === file.source || record.ips.includes(file.source));
}

/** §9.7: the four ways a readable storage is known to have the file. */
export function hasFile(
  model: ClusterModel,
  record: StorageRecord,
  file: FileSource,
  now: number,
): boolean {
  const { storageSyncFileMaxDelay, storageSyncFileMaxTime } = model.policy;
  const synced = record.lastSyncedTimestamp;
  return (
    isSourceOf(record, file) ||
    file.timestamp < now - storageSyncFileMaxDelay ||
    synced > file.timestamp ||
    (synced + 1 >= file.timestamp && now - file.timestamp > storageSyncFileMaxTime)
  );
}

function readableGroup(model: ClusterModel, groupName: string): Outcome<GroupRecord> {
  const group = model.group(groupName);
  if (!group) return fail(Errno.ENOENT, `group ${groupName} not found`);
  if (group.readable.length === 0) {
    return fail(Errno.ENOENT, `group ${groupName} has no readable ACTIVE storage`);
  }
  return ok(group);
}

/** The group's store server when it may be read from: the last resort of 102 and 105. */
function fallback(group: GroupRecord): Outcome<StorageRecord> {
  const store = group.storeServer;
  if (store && group.readable.includes(store)) return ok(store);
  return fail(Errno.ENOENT, `no storage of group ${group.name} is known to have the file`);
}

export function selectFetch(
  model: ClusterModel,
  groupName: string,
  file: FileSource,
  now: number,
): Outcome<StorageRecord> {
  const found = readableGroup(model, groupName);
  if (!found.ok) return found;
  const group = found.value;
  const normal = file.kind === 'normal';
  if (model.policy.downloadServer === 1 || !normal) {
    const source = group.readable.find((r) => isSourceOf(r, file));
    if (source) return ok(source);
  }
  if (normal) {
    // Round robin: start at current_read_server, which moves on by one per query.
    const list = group.readable;
    const current = group.currentReadServer;
    const start = current < list.length ? current : 0;
    group.currentReadServer = current + 1 >= list.length ? 0 : current + 1;
    for (let k = 0; k < list.length; k++) {
      const candidate = list[(start + k) % list.length];
      if (hasFile(model, candidate, file, now)) return ok(candidate);
    }
  }
  return fallback(group);
}

/** 103: the source if it is writable and ACTIVE, otherwise a writable storage as for uploads. */
export function selectUpdate(
  model: ClusterModel,
  groupName: string,
  file: FileSource,
): Outcome<StorageRecord> {
  const group = model.group(groupName);
  if (!group) return fail(Errno.ENOENT, `group ${groupName} not found`);
  const source = group.writable.find((r) => isSourceOf(r, file));
  if (source) return ok(source);
  const storage = pickWritableStorage(model, group);
  if (!storage) return fail(Errno.ENOENT, `group ${groupName} has no writable ACTIVE storage`);
  return ok(storage);
}

export function selectFetchAll(
  model: ClusterModel,
  groupName: string,
  file: FileSource,
  now: number,
): Outcome<StorageRecord[]> {
  const found = readableGroup(model, groupName);
  if (!found.ok) return found;
  const group = found.value;
  const list =
    file.kind === 'normal'
      ? group.readable.filter((r) => hasFile(model, r, file, now))
      : group.readable.filter((r) => isSourceOf(r, file)).slice(0, 1);
  if (list.length > 0) return ok(list);
  const store = fallback(group);
  return store.ok ? ok([store.value]) : store;
}
