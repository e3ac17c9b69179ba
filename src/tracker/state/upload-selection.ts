// QUERY_STORE (101/104/106/107): which group, which storage and which store path an upload goes
// to (§9.5, `tracker_deal_service_query_storage`).
import { Errno } from '../../protocol/errno.js';
import type { GroupRecord } from './group.js';
import type { ClusterModel } from './model.js';
import { fail, ok, type Outcome } from './outcome.js';
import { groupHasSpace, pathHasSpace, pathReserveMb } from './reserved-space.js';
import type { StorageRecord } from './storage-record.js';

export interface StoreSelection {
  group: GroupRecord;
  /** One storage for the ONE variants; every writable storage (by id) for the ALL variants. */
  storages: StorageRecord[];
  /** The store path the client puts in its upload request. */
  storePathIndex: number;
}

function hasSpace(model: ClusterModel, group: GroupRecord): boolean {
  return groupHasSpace(model.policy.reservedSpace, group.totalMb, group.freeMb);
}

/** A named group (104/107, or store_lookup 1): it must exist, be writable and have space. */
function namedGroup(model: ClusterModel, name: string): Outcome<GroupRecord> {
  const group = model.group(name);
  if (!group) return fail(Errno.ENOENT, `group ${name} not found`);
  if (group.writable.length === 0) {
    return fail(Errno.ENOENT, `group ${name} has no writable ACTIVE storage`);
  }
  if (!hasSpace(model, group)) return fail(Errno.ENOSPC, `group ${name} is under its reserve`);
  return ok(group);
}

/** store_lookup 0/2: from current_write_group on, the first writable group with space. */
function nextGroup(model: ClusterModel): Outcome<GroupRecord> {
  const groups = model.sortedGroups;
  const start = model.currentWriteGroup < groups.length ? model.currentWriteGroup : 0;
  let anyWritable = false;
  let chosen: GroupRecord | undefined;
  for (let k = 0; k < groups.length && !chosen; k++) {
    const index = (start + k) % groups.length;
    const group = groups[index];
    if (group.writable.length === 0) continue;
    anyWritable = true;
    if (!hasSpace(model, group)) continue;
    chosen = group;
    // Only a group found by the scan becomes current; the first one already is.
    if (k > 0) model.currentWriteGroup = index;
  }
  if (!chosen) {
    if (!anyWritable) return fail(Errno.ENOENT, 'no group has a writable ACTIVE storage');
    return fail(Errno.ENOSPC, 'every writable group is under its reserve');
  }
  if (model.policy.storeLookup === 0) {
    const next = model.currentWriteGroup + 1;
    model.currentWriteGroup = next >= groups.length ? 0 : next;
  }
  return ok(chosen);
}

function chooseGroup(model: ClusterModel, groupName: string | undefined): Outcome<GroupRecord> {
  if (model.sortedGroups.length === 0) return fail(Errno.ENOENT, 'no group exists yet');
  if (groupName !== undefined) return namedGroup(model, groupName);
  if (model.policy.storeLookup === 1) return namedGroup(model, model.policy.storeGroup);
  return nextGroup(model);
}

/** `tracker_get_writable_storage`: round robin, or the group's store server (store_server 1/2). */
export function pickWritableStorage(model: ClusterModel, group: GroupRecord): StorageRecord | null {
  const list = group.writable;
  if (list.length === 0) return null;
  if (model.policy.storeServer !== 0) return group.storeServer;
  // Exactly as the C tracker moves the index, also when the list has just shrunk.
  const index = group.currentWriteServer < list.length ? group.currentWriteServer : 0;
  group.currentWriteServer =
    group.currentWriteServer + 1 >= list.length ? 0 : group.currentWriteServer + 1;
  return list[index];
}

/** §9.5 store path: the current path, or the next one above its reserve (ENOSPC if none). */
function choosePath(model: ClusterModel, count: number, storage: StorageRecord): Outcome<number> {
  const reserved = model.policy.reservedSpace;
  const reserveMb = pathReserveMb(reserved, count);
  const passes = (i: number) =>
    pathHasSpace(reserved, storage.pathTotalMb[i] ?? 0, storage.pathFreeMb[i] ?? 0, reserveMb);
  let index = storage.currentWritePath < count ? storage.currentWritePath : 0;
  if (!passes(index)) {
    let found = -1;
    for (let k = 1; k < count && found < 0; k++) {
      if (passes((index + k) % count)) found = (index + k) % count;
    }
    if (found < 0) {
      return fail(Errno.ENOSPC, `every store path of ${storage.id} is under its reserve`);
    }
    index = found;
    storage.currentWritePath = found;
  }
  if (model.policy.storePath === 0) {
    storage.currentWritePath =
      storage.currentWritePath + 1 >= count ? 0 : storage.currentWritePath + 1;
  }
  return ok(index);
}

export function selectStore(
  model: ClusterModel,
  groupName: string | undefined,
  all: boolean,
): Outcome<StoreSelection> {
  const chosen = chooseGroup(model, groupName);
  if (!chosen.ok) return chosen;
  const group = chosen.value;
  if (group.storePathCount <= 0) return fail(Errno.ENOENT, `group ${group.name} has no store path`);
  const storage = all ? group.writable[0] : pickWritableStorage(model, group);
  if (!storage) return fail(Errno.ENOENT, `group ${group.name} has no writable ACTIVE storage`);
  const path = choosePath(model, group.storePathCount, storage);
  if (!path.ok) return path;
  return ok({ group, storages: all ? [...group.writable] : [storage], storePathIndex: path.value });
}
