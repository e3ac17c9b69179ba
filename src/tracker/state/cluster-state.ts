// The tracker's cluster state as one pure state machine (STYLE §1): no sockets, timers, files or
// clock. A command handler decodes a request, calls one method here and encodes the result; time
// comes in as `now` (unix seconds).
import { Errno } from '../../protocol/errno.js';
import {
  deleteGroup,
  deleteStorage,
  groupStat,
  listStorages,
  storageStat,
  volumeStat,
  type GroupStat,
  type StorageStat,
  type VolumeStat,
} from './admin.js';
import type { PendingSaves } from './changes.js';
import { reportDiskUsage, type PathUsage } from './disk-usage.js';
import {
  selectFetch,
  selectFetchAll,
  selectUpdate,
  type FileSource,
} from './download-selection.js';
import type { GroupRecord } from './group.js';
import { addressFor } from '../../common/ip-class.js';
import { reportIpChanged, type IpChange } from './ip-changed.js';
import { joinStorage, type JoinRequest, type JoinResult } from './join.js';
import { ClusterModel } from './model.js';
import { DONE, fail, ok, type Outcome } from './outcome.js';
import { DEFAULT_POLICY, type TrackerPolicy } from './policy.js';
import { restoreSnapshot, takeSnapshot, type StateSnapshot } from './snapshot.js';
import type { StorageStatReport } from './stats.js';
import {
  activate,
  changeStatus,
  disconnect,
  expireStale,
  reportStatus,
  type StorageBrief,
  type StorageKey,
} from './status-rules.js';
import {
  briefByAddress,
  changelogRange,
  findMember,
  type ChangelogRange,
} from './storage-lookups.js';
import type { StorageRecord } from './storage-record.js';
import {
  syncDestQuery,
  syncDestReq,
  syncNotify,
  syncSrcReq,
  type SyncSource,
} from './sync-source.js';
import { syncReport, type SyncReportEntry } from './sync-timestamps.js';
import { selectStore } from './upload-selection.js';
import {
  groupView,
  type GroupView,
  type StorageAddress,
  type StorageView,
  type StoreQuery,
  type StoreTarget,
} from './views.js';

export type { GroupView, StorageAddress, StorageView, StoreQuery, StoreTarget } from './views.js';

/** Beats with a stat block are saved every 1000 (§9.9). */
const SAVE_STATS_EVERY = 1000;

export class ClusterState {
  private readonly model: ClusterModel;

  constructor(policy: TrackerPolicy = DEFAULT_POLICY) {
    this.model = new ClusterModel(policy);
  }

  get policy(): TrackerPolicy {
    return this.model.policy;
  }

  private bound(ref: StorageKey): Outcome<{ group: GroupRecord; record: StorageRecord }> {
    const group = this.model.group(ref.groupName);
    const record = group?.get(ref.storageId);
    if (!group || !record) {
      return fail(Errno.ENOENT, `storage ${ref.groupName}/${ref.storageId} is no longer known`);
    }
    return ok({ group, record });
  }

  private address(record: StorageRecord, requesterIp?: string): StorageAddress {
    return { id: record.id, ip: addressFor(record.ips, requesterIp), port: record.port };
  }

  // ---- storage → tracker (§5.3) ----

  /** STORAGE_JOIN (81, §9.1). The connection is then bound to `{ groupName, storageId }`. */
  join(req: JoinRequest): Outcome<JoinResult> {
    return joinStorage(this.model, req);
  }

  /** STORAGE_BEAT (83): keeps the stats, stamps the beat, and makes the storage ACTIVE (§9.2). */
  beat(ref: StorageKey, stats: StorageStatReport | null, now: number): Outcome<void> {
    const found = this.bound(ref);
    if (!found.ok) return found;
    const { group, record } = found.value;
    if (stats) {
      record.connection = { ...stats.connection };
      record.counters = { ...stats.counters };
      record.lastSourceUpdate = stats.lastSourceUpdate;
      record.lastSyncUpdate = stats.lastSyncUpdate;
      if (++this.model.statBeatCount % SAVE_STATS_EVERY === 0) this.model.changes.markStorages();
    }
    record.lastHeartBeatTime = now;
    activate(this.model, group, record);
    return DONE;
  }

  /** STORAGE_REPORT_DISK_USAGE (84, §9.4): one (total, free) per store path. */
  reportDiskUsage(ref: StorageKey, paths: readonly PathUsage[]): Outcome<void> {
    const found = this.bound(ref);
    if (!found.ok) return found;
    return reportDiskUsage(this.model, found.value.group, found.value.record, paths);
  }

  /** STORAGE_SYNC_REPORT (89). */
  syncReport(ref: StorageKey, entries: readonly SyncReportEntry[]): Outcome<void> {
    const found = this.bound(ref);
    if (!found.ok) return found;
    return syncReport(this.model, found.value.group, found.value.record, entries);
  }

  /** STORAGE_CHANGE_STATUS (59); the value is the status now recorded. */
  changeStatus(ref: StorageKey, status: number): Outcome<number> {
    const found = this.bound(ref);
    if (!found.ok) return found;
    return changeStatus(this.model, found.value.group, found.value.record, status);
  }

  /** STORAGE_REPORT_STATUS (76): one brief about a member of `groupName`. */
  reportStatus(groupName: string, brief: StorageBrief): Outcome<void> {
    return reportStatus(this.model, groupName, [brief]);
  }

  /** STORAGE_REPLICA_CHG (85): merged like 76. The leader ignores it, so only followers call this. */
  replicaChange(groupName: string, briefs: readonly StorageBrief[]): Outcome<void> {
    return reportStatus(this.model, groupName, briefs);
  }

  /** STORAGE_SYNC_SRC_REQ (86): the destination's source, or null for an empty answer. */
  syncSrcReq(groupName: string, destId: string): Outcome<SyncSource | null> {
    return syncSrcReq(this.model, groupName, destId);
  }

  /** STORAGE_SYNC_DEST_REQ (87): null means "nothing to copy" (the storage is now ONLINE). */
  syncDestReq(ref: StorageKey, now: number): Outcome<SyncSource | null> {
    const found = this.bound(ref);
    if (!found.ok) return found;
    return syncDestReq(this.model, found.value.group, found.value.record, now);
  }

  /** STORAGE_SYNC_NOTIFY (88); an empty `srcId` means "nothing to copy". */
  syncNotify(ref: StorageKey, body: SyncSource): Outcome<void> {
    const found = this.bound(ref);
    if (!found.ok) return found;
    return syncNotify(this.model, found.value.group, found.value.record, body);
  }

  /** STORAGE_SYNC_DEST_QUERY (79). */
  syncDestQuery(ref: StorageKey): Outcome<SyncSource | null> {
    const found = this.bound(ref);
    if (!found.ok) return found;
    return ok(syncDestQuery(found.value.record));
  }

  /** STORAGE_REPORT_IP_CHANGED (78): the record moves to the new IP (storage ids off). */
  reportIpChanged(change: IpChange, now: number): Outcome<void> {
    return reportIpChanged(this.model, change, now);
  }

  /** CHANGELOG_REQ (77): the part of storage_changelog.dat the storage reads next. */
  changelogRange(groupName: string, storageId: string): Outcome<ChangelogRange> {
    const found = findMember(this.model, groupName, storageId);
    return found.ok ? ok(changelogRange(this.model, found.value.record)) : found;
  }

  /** The storage has been sent `length` more changelog bytes; its offset is saved (§9.9). */
  advanceChangelog(groupName: string, storageId: string, length: number): void {
    const found = findMember(this.model, groupName, storageId);
    if (!found.ok || length <= 0) return;
    found.value.record.changelogOffset += length;
    this.model.changes.markStorages();
  }

  /** STORAGE_GET_STATUS (71): the member with this address and port. */
  storageStatus(groupName: string, ip: string, port: number): Outcome<StorageBrief> {
    return briefByAddress(this.model, groupName, ip, port);
  }

  /** The joined connection closed (QUIT or TCP close, §9.3). */
  disconnect(ref: StorageKey): void {
    const found = this.bound(ref);
    if (found.ok) disconnect(this.model, found.value.group, found.value.record);
  }

  /** The periodic check of §9.3 (every check_active_interval): returns the storages now OFFLINE. */
  checkHeartbeats(now: number): StorageKey[] {
    return expireStale(this.model, now, true);
  }

  // ---- client queries (§5.1); each first retires storages whose beats stopped ----

  /** QUERY_STORE 101/104/106/107 (§9.5). */
  queryStore(query: StoreQuery, now: number): Outcome<StoreTarget> {
    expireStale(this.model, now, false);
    const chosen = selectStore(this.model, query.groupName, query.all === true);
    if (!chosen.ok) return chosen;
    return ok({
      groupName: chosen.value.group.name,
      storages: chosen.value.storages.map((r) => this.address(r, query.requesterIp)),
      storePathIndex: chosen.value.storePathIndex,
    });
  }

  /** QUERY_FETCH_ONE (102, §9.7). */
  queryFetch(
    groupName: string,
    file: FileSource,
    now: number,
    requesterIp?: string,
  ): Outcome<StorageAddress> {
    expireStale(this.model, now, false);
    const chosen = selectFetch(this.model, groupName, file, now);
    return chosen.ok ? ok(this.address(chosen.value, requesterIp)) : chosen;
  }

  /** QUERY_UPDATE (103, §9.7). */
  queryUpdate(
    groupName: string,
    file: FileSource,
    now: number,
    requesterIp?: string,
  ): Outcome<StorageAddress> {
    expireStale(this.model, now, false);
    const chosen = selectUpdate(this.model, groupName, file);
    return chosen.ok ? ok(this.address(chosen.value, requesterIp)) : chosen;
  }

  /** QUERY_FETCH_ALL (105, §9.7). */
  queryFetchAll(
    groupName: string,
    file: FileSource,
    now: number,
    requesterIp?: string,
  ): Outcome<StorageAddress[]> {
    expireStale(this.model, now, false);
    const chosen = selectFetchAll(this.model, groupName, file, now);
    return chosen.ok ? ok(chosen.value.map((r) => this.address(r, requesterIp))) : chosen;
  }

  // ---- administration (§5.2) ----

  /** SERVER_DELETE_STORAGE (93). */
  deleteStorage(groupName: string, storageId: string, now: number): Outcome<void> {
    return deleteStorage(this.model, groupName, storageId, now);
  }

  /** SERVER_DELETE_GROUP (108): OK as soon as no member is left but deleted ones (§16 #9). */
  deleteGroup(groupName: string): Outcome<void> {
    return deleteGroup(this.model, groupName);
  }

  /** SERVER_LIST_ALL_GROUPS (91), sorted by name. */
  listGroups(): GroupStat[] {
    return this.model.sortedGroups.map((g) => groupStat(this.model, g));
  }

  /** SERVER_LIST_ONE_GROUP (90). */
  listGroup(groupName: string): Outcome<GroupStat> {
    const group = this.model.group(groupName);
    if (!group) return fail(Errno.ENOENT, `group ${groupName} not found`);
    return ok(groupStat(this.model, group));
  }

  /** SERVER_LIST_STORAGE (92), sorted by id. */
  listStorages(
    groupName: string,
    storageId?: string,
    requesterIp?: string,
  ): Outcome<StorageStat[]> {
    return listStorages(this.model, groupName, storageId, requesterIp);
  }

  /** Every storage of every group (97 SERVER_STORAGE_CLUSTER_STAT). */
  listAllStorages(requesterIp?: string): StorageStat[] {
    return this.model.sortedGroups.flatMap((g) =>
      g.sorted.map((r) => storageStat(this.model, g, r, requesterIp)),
    );
  }

  /** One entry per group (98 SERVER_STORAGE_VOLUMN_STAT). */
  volumeStats(): VolumeStat[] {
    return this.listGroups().map(volumeStat);
  }

  /** GET_STATUS (64) answers ENOENT while this is false. */
  get hasGroups(): boolean {
    return this.model.sortedGroups.length > 0;
  }

  // ---- beat responses (§5.3 "sync response") ----

  /** Raised by every membership or status change in the group (flag bit2). 0 for no group. */
  groupChangeCount(groupName: string): number {
    return this.model.group(groupName)?.changeCount ?? 0;
  }

  /** Raised by noteLeaderChange() (flag bit1 of the beat response). */
  get leaderChangeCount(): number {
    return this.model.leaderChangeCount;
  }

  noteLeaderChange(): void {
    this.model.leaderChangeCount++;
  }

  /** The group's members as 67-byte briefs describe them, sorted by id. */
  memberBriefs(groupName: string): StorageBrief[] {
    const group = this.model.group(groupName);
    if (!group) return [];
    return group.sorted.map((r) => ({ id: r.id, ip: r.currentIp, port: r.port, status: r.status }));
  }

  // ---- inspection ----

  groups(): GroupView[] {
    return this.model.sortedGroups.map(groupView);
  }

  group(groupName: string): GroupView | undefined {
    const group = this.model.group(groupName);
    return group ? groupView(group) : undefined;
  }

  storage(groupName: string, storageId: string): StorageView | undefined {
    return this.model.group(groupName)?.get(storageId);
  }

  // ---- persistence (§9.9) ----

  snapshot(): StateSnapshot {
    return takeSnapshot(this.model);
  }

  /** Replaces everything with a saved state; records come back OFFLINE unless mid-sync. */
  restore(snapshot: StateSnapshot): void {
    restoreSnapshot(this.model, snapshot);
  }

  /** True when something must be saved now. */
  get hasPendingSaves(): boolean {
    return this.model.changes.hasPending;
  }

  /** What to save now (every status change is in it, §16 #11); forgets it once returned. */
  takePendingSaves(): PendingSaves {
    return this.model.changes.take();
  }
}
