// STORAGE_REPORT_DISK_USAGE (84): per-path space, the group's space and the load-balance group
// (§9.4).
import { Errno } from '../../protocol/errno.js';
import type { GroupRecord } from './group.js';
import type { ClusterModel } from './model.js';
import { fail, ok, type Outcome } from './outcome.js';
import { activate } from './status-rules.js';
import type { StorageRecord } from './storage-record.js';

export interface PathUsage {
  totalMb: number;
  freeMb: number;
}

export function reportDiskUsage(
  model: ClusterModel,
  group: GroupRecord,
  record: StorageRecord,
  paths: readonly PathUsage[],
): Outcome<void> {
  if (paths.length !== group.storePathCount) {
    return fail(
      Errno.EINVAL,
      `${paths.length} store paths reported, the group has ${group.storePathCount}`,
    );
  }
  record.pathTotalMb = paths.map((p) => p.totalMb);
  record.pathFreeMb = paths.map((p) => p.freeMb);
  record.totalMb = record.pathTotalMb.reduce((a, b) => a + b, 0);
  record.freeMb = record.pathFreeMb.reduce((a, b) => a + b, 0);
  if (model.policy.storePath === 2) {
    // The path with the most free space; the current one wins ties.
    let best = record.currentWritePath < paths.length ? record.currentWritePath : 0;
    record.pathFreeMb.forEach((free, i) => {
      if (free > (record.pathFreeMb[best] ?? 0)) best = i;
    });
    record.currentWritePath = best;
  }
  activate(model, group, record);
  group.recomputeSpace();
  if (model.policy.storeLookup === 2) pickLoadBalanceGroup(model);
  return ok(undefined);
}

/** store_lookup 2: the group with writable storages and the most free space (first on ties). */
export function pickLoadBalanceGroup(model: ClusterModel): void {
  let best = -1;
  model.sortedGroups.forEach((g, i) => {
    if (g.writable.length === 0) return;
    if (best < 0 || g.freeMb > model.sortedGroups[best].freeMb) best = i;
  });
  if (best >= 0) model.currentWriteGroup = best;
}
