// The tracker's pure cluster state (§9): what command handlers and persistence use.
export { ClusterState } from './cluster-state.js';
export type {
  GroupView,
  StorageAddress,
  StorageView,
  StoreQuery,
  StoreTarget,
} from './cluster-state.js';
export type { GroupStat, StorageStat, VolumeStat } from './admin.js';
export { formatChangelogLine, type ChangelogEntry, type PendingSaves } from './changes.js';
export type { PathUsage } from './disk-usage.js';
export type { FileSource } from './download-selection.js';
export { addressFor, ipClass } from '../../common/ip-class.js';
export type { IpChange } from './ip-changed.js';
export type { JoinRequest, JoinResult } from './join.js';
export type { ChangelogRange } from './storage-lookups.js';
export { DONE, fail, ok, type Failure, type Outcome } from './outcome.js';
export {
  DEFAULT_POLICY,
  makePolicy,
  type ReservedSpace,
  type StorageIdEntry,
  type TrackerPolicy,
} from './policy.js';
export type { GroupSnapshot, StateSnapshot, StorageSnapshot } from './snapshot.js';
export {
  STAT_COUNTER_NAMES,
  emptyCounters,
  type ConnectionCounts,
  type StatCounterName,
  type StatCounters,
  type StorageStatReport,
} from './stats.js';
export type { StorageBrief, StorageKey } from './status-rules.js';
export type { SyncSource } from './sync-source.js';
export type { SyncReportEntry } from './sync-timestamps.js';
