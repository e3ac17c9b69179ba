// STORAGE_JOIN (81): what the tracker does with a joining storage (§9.1,
// `tracker_mem_add_group_and_storage`). A refused join changes nothing, with one exception kept
// from the C tracker: a known storage's port and path counts are recorded before the group checks.
// That is how a group's settings change: every member rejoins with the new value, each refused
// until the last one, whose join finds them all agreeing.
import { Errno } from '../../protocol/errno.js';
import { RwMode, StorageStatus, type RwModeValue } from '../../protocol/status.js';
import type { GroupRecord } from './group.js';
import type { ClusterModel } from './model.js';
import { fail, ok, type Outcome } from './outcome.js';
import { StorageRecord, isGone } from './storage-record.js';

const S = StorageStatus;
const GROUP_NAME = /^[A-Za-z0-9]{1,16}$/;

/** The decoded join body (§4.7) plus the TCP peer address. */
export interface JoinRequest {
  groupName: string;
  /** The TCP peer address: the storage's identity when storage ids are off (§9.1 step 4). */
  peerIp: string;
  port: number;
  storePathCount: number;
  subdirCountPerPath: number;
  uploadPriority: number;
  joinTime: number;
  upTime: number;
  version: string;
  /** 1 while the storage has not finished its initial sync. */
  initFlag: boolean;
  /** Its own last-known status; −1 when unknown (§4.7). */
  status: number;
  /** The id from the join body ('' when absent). */
  storageId: string;
}

/** The join response (§4.7): `my_status` and `src_id`, plus the id the connection is bound to. */
export interface JoinResult {
  groupName: string;
  storageId: string;
  status: number;
  syncSrcId: string;
}

interface Identity {
  id: string;
  ips: string[];
  rwMode: RwModeValue;
}

function resolveIdentity(model: ClusterModel, req: JoinRequest): Outcome<Identity> {
  if (!model.policy.useStorageId) {
    return ok({ id: req.peerIp, ips: [req.peerIp], rwMode: RwMode.BOTH });
  }
  const byId = model.policy.trustStorageServerId && req.storageId !== '';
  const entry = byId ? model.ids.byId(req.storageId) : model.ids.byAddress(req.peerIp, req.port);
  if (!entry) {
    const what = byId ? `id ${req.storageId}` : `${req.peerIp}:${req.port}`;
    return fail(Errno.ENOENT, `storage ${what} is not in storage_ids.conf`);
  }
  if (entry.groupName !== req.groupName) {
    return fail(
      Errno.EINVAL,
      `storage ${entry.id} belongs to group ${entry.groupName}, not ${req.groupName}`,
    );
  }
  return ok({ id: entry.id, ips: [...entry.ips], rwMode: entry.rwMode });
}

/** The other live members, whose settings a changed group setting must agree with. */
function others(group: GroupRecord | undefined, id: string): StorageRecord[] {
  return group ? group.sorted.filter((r) => r.id !== id && !isGone(r)) : [];
}

/** §9.1 step 5: the group port after this join. */
function groupPortAfter(
  model: ClusterModel,
  group: GroupRecord | undefined,
  req: JoinRequest,
  id: string,
): Outcome<number> {
  const current = group?.storagePort ?? 0;
  if (current === 0 || current === req.port) return ok(req.port);
  if (model.policy.useStorageId && model.policy.idTypeInFilename === 'id') return ok(-1);
  if (others(group, id).every((r) => r.port === req.port)) return ok(req.port);
  return fail(Errno.EINVAL, `port ${req.port} differs from the group's port ${current}`);
}

/** §9.1 step 8: the group's store_path_count after this join. */
function pathCountAfter(group: GroupRecord | undefined, req: JoinRequest, id: string) {
  const current = group?.storePathCount ?? 0;
  const wanted = req.storePathCount;
  if (current === 0 || current === wanted) return ok(wanted);
  if (others(group, id).every((r) => r.storePathCount === wanted)) return ok(wanted);
  if (wanted < current) {
    return fail(Errno.EINVAL, `store_path_count ${wanted} is less than the group's ${current}`);
  }
  return ok(current);
}

function subdirCountAfter(group: GroupRecord | undefined, req: JoinRequest, id: string) {
  const current = group?.subdirCountPerPath ?? 0;
  const wanted = req.subdirCountPerPath;
  if (current === 0 || current === wanted) return ok(wanted);
  if (others(group, id).every((r) => r.subdirCountPerPath === wanted)) return ok(wanted);
  return fail(Errno.EINVAL, `subdir_count_per_path ${wanted} differs from the group's ${current}`);
}

function checkFields(req: JoinRequest): Outcome<void> {
  if (!GROUP_NAME.test(req.groupName)) {
    return fail(Errno.EINVAL, `invalid group name "${req.groupName}"`);
  }
  if (!(req.port > 0)) return fail(Errno.EINVAL, `invalid port ${req.port}`);
  if (!(req.storePathCount >= 1 && req.storePathCount <= 256)) {
    return fail(Errno.EINVAL, `invalid store_path_count ${req.storePathCount}`);
  }
  if (!(req.subdirCountPerPath >= 1 && req.subdirCountPerPath <= 256)) {
    return fail(Errno.EINVAL, `invalid subdir_count_per_path ${req.subdirCountPerPath}`);
  }
  return ok(undefined);
}

/** §9.1 step 6: a storage never seen before cannot claim to have been deleted. */
function impossibleStatus(req: JoinRequest): boolean {
  if (req.initFlag) return false;
  const s = req.status;
  return s < 0 || s === S.DELETED || s === S.IP_CHANGED || s === S.NONE;
}

export function joinStorage(model: ClusterModel, req: JoinRequest): Outcome<JoinResult> {
  const fields = checkFields(req);
  if (!fields.ok) return fields;
  const identity = resolveIdentity(model, req);
  if (!identity.ok) return identity;
  const { id } = identity.value;
  const existingGroup = model.group(req.groupName);
  const existing = existingGroup?.get(id);
  if (
    existing &&
    (existing.port !== req.port ||
      existing.storePathCount !== req.storePathCount ||
      existing.subdirCountPerPath !== req.subdirCountPerPath)
  ) {
    existing.port = req.port;
    existing.storePathCount = req.storePathCount;
    existing.subdirCountPerPath = req.subdirCountPerPath;
    model.changes.markStorages();
  }

  const port = groupPortAfter(model, existingGroup, req, id);
  if (!port.ok) return port;
  if (!existing && impossibleStatus(req)) {
    return fail(Errno.EFAULT, `new storage ${id} joins with impossible status ${req.status}`);
  }
  const pathCount = pathCountAfter(existingGroup, req, id);
  if (!pathCount.ok) return pathCount;
  const subdirCount = subdirCountAfter(existingGroup, req, id);
  if (!subdirCount.ok) return subdirCount;

  const group = existingGroup ?? model.addGroup(req.groupName);
  if (
    group.storagePort !== port.value ||
    group.storePathCount !== pathCount.value ||
    group.subdirCountPerPath !== subdirCount.value
  ) {
    group.storagePort = port.value;
    group.storePathCount = pathCount.value;
    group.subdirCountPerPath = subdirCount.value;
    model.changes.markGroups();
  }

  const record = existing ?? new StorageRecord(id, group.name, identity.value.ips);
  record.ips = identity.value.ips;
  record.ipIndex = Math.max(0, record.ips.indexOf(req.peerIp));
  record.rwMode = identity.value.rwMode;
  record.port = req.port;
  record.storePathCount = req.storePathCount;
  record.subdirCountPerPath = req.subdirCountPerPath;
  record.uploadPriority = req.uploadPriority;
  record.joinTime = req.joinTime;
  record.upTime = req.upTime;
  record.version = req.version;

  if (!existing) {
    group.add(record);
    // §9.1 step 7: a storage that knows its status keeps it (ACTIVE only after its next beat).
    if (!req.initFlag && req.status > 0) {
      record.status = req.status === S.ACTIVE ? S.ONLINE : req.status;
    }
  } else if (isGone(record)) {
    model.setStatus(group, record, S.INIT);
  }

  // §9.1 step 9.
  if (record.status === S.OFFLINE || record.status === S.RECOVERY) {
    model.setStatus(group, record, S.ONLINE);
  } else if (record.status === S.INIT) {
    record.changelogOffset = model.changelogSize;
  }
  model.refreshLists(group);
  model.touch(group);
  model.changes.markStorages();
  return ok({
    groupName: group.name,
    storageId: id,
    status: record.status,
    syncSrcId: record.syncSrcId,
  });
}
