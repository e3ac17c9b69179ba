// The cluster's memory (`g_groups`): groups by name, the global counters and the pending saves.
// Every status change goes through setStatus(), which keeps the lists and counters right.
import { StorageStatus } from '../../protocol/status.js';
import { ChangeTracker } from './changes.js';
import { GroupRecord } from './group.js';
import type { TrackerPolicy } from './policy.js';
import { StorageIdTable } from './storage-ids.js';
import type { StorageRecord } from './storage-record.js';

export class ClusterModel {
  readonly ids: StorageIdTable;
  readonly changes = new ChangeTracker();
  private readonly groupsByName = new Map<string, GroupRecord>();
  /** Groups sorted by name: the list the group round robin walks (§9.5). */
  sortedGroups: GroupRecord[] = [];
  currentWriteGroup = 0;
  /** Source of the groups' change counters, so that they only grow, even across a group delete. */
  private changeSeq = 0;
  leaderChangeCount = 0;
  /** Bytes in storage_changelog.dat: a new storage starts reading there (§9.1 step 9). */
  changelogSize = 0;
  /** Beats with a stat block and sync reports since start; every 1000th is saved (§9.9). */
  statBeatCount = 0;
  syncReportCount = 0;
  /** No ACTIVE storage can have timed out before this time (a cheap guard for expireStale). */
  earliestBeatDeadline = Number.POSITIVE_INFINITY;

  constructor(readonly policy: TrackerPolicy) {
    this.ids = new StorageIdTable(policy.storageIds);
  }

  group(name: string): GroupRecord | undefined {
    return this.groupsByName.get(name);
  }

  addGroup(name: string): GroupRecord {
    const group = new GroupRecord(name);
    this.groupsByName.set(name, group);
    this.sortedGroups = [...this.groupsByName.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    this.touch(group);
    this.changes.markGroups();
    return group;
  }

  removeGroup(name: string): void {
    this.groupsByName.delete(name);
    this.sortedGroups = this.sortedGroups.filter((g) => g.name !== name);
    this.changes.markGroups();
    this.changes.markStorages();
    this.changes.markSyncTimestamps();
  }

  clear(): void {
    this.groupsByName.clear();
    this.sortedGroups = [];
    this.currentWriteGroup = 0;
    this.earliestBeatDeadline = Number.POSITIVE_INFINITY;
  }

  /** Raises the group's change counter (beat-response flag bit2, §5.3). */
  touch(group: GroupRecord): void {
    group.changeCount = ++this.changeSeq;
  }

  /** Sets a status; a change is saved at once (§16 #11) and announced to the group's members. */
  setStatus(group: GroupRecord, record: StorageRecord, status: number): void {
    if (record.status === status) return;
    const wasActive = record.status === StorageStatus.ACTIVE;
    record.status = status;
    if (status === StorageStatus.ACTIVE) {
      const deadline = record.lastHeartBeatTime + this.policy.checkActiveInterval;
      if (deadline < this.earliestBeatDeadline) this.earliestBeatDeadline = deadline;
    }
    if (wasActive || status === StorageStatus.ACTIVE) this.refreshLists(group);
    this.touch(group);
    this.changes.markStorages();
  }

  refreshLists(group: GroupRecord): void {
    group.refreshLists(this.policy.storeServer === 2);
  }
}
