// Who copies old files to a new storage (§8.7): SYNC_DEST_REQ (87), SYNC_NOTIFY (88),
// SYNC_SRC_REQ (86) and SYNC_DEST_QUERY (79).
import { Errno } from '../../protocol/errno.js';
import { StorageStatus, storageStatusCaption } from '../../protocol/status.js';
import type { GroupRecord } from './group.js';
import type { ClusterModel } from './model.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { StorageRecord } from './storage-record.js';

const S = StorageStatus;

/** The sync request body (§4.5): the source storage and the timestamp it copies up to. */
export interface SyncSource {
  srcId: string;
  untilTimestamp: number;
}

function isSourceCandidateStatus(status: number): boolean {
  return status === S.OFFLINE || status === S.ONLINE || status === S.ACTIVE;
}

/**
 * SYNC_DEST_REQ (87): a new storage asks who copies old data to it. With nobody to copy from it
 * becomes ONLINE (answer null); otherwise the first writable ACTIVE member by id is its source.
 */
export function syncDestReq(
  model: ClusterModel,
  group: GroupRecord,
  record: StorageRecord,
  now: number,
): Outcome<SyncSource | null> {
  const peers = group.sorted.filter((r) => r !== record && isSourceCandidateStatus(r.status));
  if (peers.length === 0) {
    model.setStatus(group, record, S.ONLINE);
    return ok(null);
  }
  const source = group.writable.find((r) => r !== record);
  if (!source) return fail(Errno.ENOENT, `group ${group.name} has no writable ACTIVE source`);
  record.syncSrcId = source.id;
  record.syncUntilTimestamp = now;
  model.setStatus(group, record, S.WAIT_SYNC);
  model.changes.markStorages();
  return ok({ srcId: source.id, untilTimestamp: now });
}

/**
 * SYNC_NOTIFY (88): the answer another tracker gave to 87, relayed. An empty source means nothing
 * to copy. The source is looked up before anything changes, so an ENOENT changes nothing.
 */
export function syncNotify(
  model: ClusterModel,
  group: GroupRecord,
  record: StorageRecord,
  body: SyncSource,
): Outcome<void> {
  if (body.srcId === '') {
    if (record.status === S.INIT || record.status === S.WAIT_SYNC || record.status === S.SYNCING) {
      model.setStatus(group, record, S.ONLINE);
    }
    return ok(undefined);
  }
  const recordSource = record.syncSrcId === '';
  if (recordSource) {
    const source = group.get(body.srcId);
    if (!source || source.status === S.DELETED || source.status === S.IP_CHANGED) {
      return fail(Errno.ENOENT, `sync source ${body.srcId} does not exist`);
    }
  }
  if (record.status === S.INIT) model.setStatus(group, record, S.WAIT_SYNC);
  if (recordSource) {
    record.syncSrcId = body.srcId;
    record.syncUntilTimestamp = body.untilTimestamp;
    model.changes.markStorages();
  }
  return ok(undefined);
}

/**
 * SYNC_SRC_REQ (86): a storage about to push to `destId` asks for the destination's source. A
 * source that is no longer OFFLINE/ONLINE/ACTIVE/RECOVERY is forgotten.
 */
export function syncSrcReq(
  model: ClusterModel,
  groupName: string,
  destId: string,
): Outcome<SyncSource | null> {
  const group = model.group(groupName);
  if (!group) return fail(Errno.ENOENT, `group ${groupName} not found`);
  const dest = group.get(destId);
  if (!dest) return fail(Errno.ENOENT, `storage ${destId} not found in group ${groupName}`);
  if (dest.status === S.INIT || dest.status === S.DELETED || dest.status === S.IP_CHANGED) {
    const status = storageStatusCaption(dest.status);
    return fail(Errno.ENOENT, `storage ${destId} is ${status}, not a sync destination`);
  }
  if (dest.syncSrcId === '') return ok(null);
  const source = group.get(dest.syncSrcId);
  if (source && (isSourceCandidateStatus(source.status) || source.status === S.RECOVERY)) {
    return ok({ srcId: source.id, untilTimestamp: dest.syncUntilTimestamp });
  }
  dest.syncSrcId = '';
  model.changes.markStorages();
  return ok(null);
}

/** SYNC_DEST_QUERY (79): the requester's recorded source, if any. */
export function syncDestQuery(record: StorageRecord): SyncSource | null {
  if (record.syncSrcId === '') return null;
  return { srcId: record.syncSrcId, untilTimestamp: record.syncUntilTimestamp };
}
