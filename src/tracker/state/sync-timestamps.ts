// STORAGE_SYNC_REPORT (89): how far a storage has caught up with each source, and the
// `last_synced_timestamp` the download rule uses (§9.7).
import { Errno } from '../../protocol/errno.js';
import { StorageStatus } from '../../protocol/status.js';
import type { GroupRecord } from './group.js';
import type { ClusterModel } from './model.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { StorageRecord } from './storage-record.js';

/** One 20-byte entry: "I have every change of `srcId` up to `timestamp`". */
export interface SyncReportEntry {
  srcId: string;
  timestamp: number;
}

/** The matrix file is rewritten every 1000 reports (§9.9). */
const SAVE_EVERY = 1000;

export function syncReport(
  model: ClusterModel,
  group: GroupRecord,
  dest: StorageRecord,
  entries: readonly SyncReportEntry[],
): Outcome<void> {
  if (entries.length === 0) return fail(Errno.EINVAL, 'empty sync report');
  // With one upload target (store_server 1/2) the newest timestamp counts; with round robin every
  // source must have been received, hence the minimum (§9.7).
  const useMinimum = model.policy.storeServer === 0;
  let result = useMinimum ? 0 : dest.lastSyncedTimestamp;
  for (const { srcId, timestamp } of entries) {
    // The sender lists itself with 0 (§16 #6); sources that are not ACTIVE do not count.
    if (timestamp <= 0) continue;
    const source = group.get(srcId);
    if (!source || source === dest || source.status !== StorageStatus.ACTIVE) continue;
    let row = group.syncTimestamps.get(srcId);
    if (!row) group.syncTimestamps.set(srcId, (row = new Map()));
    row.set(dest.id, timestamp);
    if (useMinimum) {
      if (result === 0 || timestamp < result) result = timestamp;
    } else if (timestamp > result) {
      result = timestamp;
    }
  }
  if (result > 0) dest.lastSyncedTimestamp = result;
  if (++model.syncReportCount % SAVE_EVERY === 0) model.changes.markSyncTimestamps();
  return ok(undefined);
}
