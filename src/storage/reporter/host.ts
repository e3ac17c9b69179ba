// What the storage server gives the tracker reporters (§9.13) and what they tell it back. The
// reporters never touch the disk: the host owns `.data_init_flag`, the counters and the store paths.
import type { StorageConfig, TrackerAddress } from '../../common/config/index.js';
import { DEFAULT_WIRE_VERSION } from '../../protocol/constants.js';
import type { StorageIdLine } from '../../protocol/messages/tracker-identity.js';
import type { TrackerParameters } from '../../protocol/messages/tracker-parameters.js';
import type { DiskUsageEntry } from '../../protocol/messages/tracker-reports.js';
import type { StorageBrief } from '../../protocol/structs/storage-brief.js';
import type { StorageStatBlock } from '../../protocol/structs/storage-stat-block.js';
import type { SyncBody } from '../../protocol/structs/sync-body.js';

/** What the join (§4.7) and the start-up sequence need to know about this storage. */
export interface ReporterIdentity {
  /** group_name of storage.conf; undefined: asked with GET_GROUP_NAME (109) at start-up. */
  groupName: string | undefined;
  /** The storage's service port. */
  port: number;
  storePathCount: number;
  subdirCountPerPath: number;
  uploadPriority: number;
  /** storage_join_time of `.data_init_flag` (the first start). */
  joinTime: number;
  /** Process start time (unix seconds). */
  upTime: number;
  /** The version sent in the join: the emulated FastDFS release, "6.16.1". */
  version: string;
  /** sync_old_done of `.data_init_flag`; the join's init_flag is its negation. */
  syncOldDone: boolean;
  /** sync_src_server and sync_until_timestamp of `.data_init_flag` (srcId "" when none). */
  syncSource: SyncBody;
  /** last_ip_addr of `.data_init_flag`; "" on the very first start (§9.13 start-up step 6). */
  lastIpAddr: string;
  /** server_id of storage.conf (storage ids only). */
  serverId: string | undefined;
  /** Own status remembered from an earlier run, sent in joins until a tracker tells us better. */
  lastStatus?: number;
}

/** The §4.3 counters and a version the host bumps on every change (BEAT sends the block only then). */
export interface StatsSnapshot {
  /** Starts at 0; any change to a counter bumps it. */
  version: number;
  block: StorageStatBlock;
}

/** One line of the tracker's storage_changelog.dat (§9.9) for our group, as 77 returns it. */
export interface ChangelogEntry {
  timestamp: number;
  groupName: string;
  oldId: string;
  /** DELETED (4) or IP_CHANGED (3). */
  status: number;
  /** The new id of an IP change; "" for a deletion. */
  newId: string;
}

/** Why the sync source changed (§8.7): 87 answered, the source vanished, or it changed its IP. */
export type SyncSourceCause = 'assigned' | 'cleared' | 'renamed' | 'restart';

export interface ReporterHost {
  /** The join's identity and layout; read at start-up and at every join. */
  identity(): ReporterIdentity;
  /** The statistics block (§4.3); the two tracker-owned fields are sent as 0 whatever they hold. */
  statsBlock(): StatsSnapshot;
  /** Total and free MB of every store path, in order (REPORT_DISK_USAGE, 84). */
  diskUsage(): readonly DiskUsageEntry[] | Promise<readonly DiskUsageEntry[]>;
  /** For SYNC_REPORT (89): per source storage id, every change up to this unix time is here. */
  syncTimestamps(): ReadonlyMap<string, number>;

  /** group_name learnt with 109 at start-up. */
  onGroupName?(groupName: string): void;
  /** PARAMETER_REQ (75) answered: apply store_path mode, reserved space, ids, trunk keys... */
  onParameters(params: TrackerParameters): void | Promise<void>;
  /** FETCH_STORAGE_IDS (69) answered (storage ids on). */
  onStorageIds(entries: readonly StorageIdLine[]): void;
  /** GET_MY_IP (60) answered by `tracker` (our address as it sees us); the host may persist last_ip_addr. */
  onOwnAddress(ips: readonly string[], tracker: TrackerAddress): void;
  /** Our storage id is known (server_id, a storage_ids match, GET_SERVER_ID (70), or the IP). */
  onOwnId(id: string): void;
  /** Our status as one tracker sees it (join reply, or our brief in the leader's member list). */
  onStatus(status: number, fromLeader: boolean): void;
  /** The tracker leader changed (null: the leader said there is none). */
  onLeader(leader: StorageBrief | null): void;
  /** The leader's member list: every storage of our group, us included, sorted by id. */
  onGroupMembers(members: readonly StorageBrief[]): void;
  /**
   * 'assigned': SYNC_DEST_REQ (87) answered on our first start (srcId "" = nothing to copy); the
   * host persists it in `.data_init_flag` with sync_old_done = 1 before the reporters go on.
   * 'cleared' / 'renamed': the source was deleted or changed its IP; persist the new value.
   * 'restart': no tracker knows our source and we are still below OFFLINE (§8.7 step 6): the full
   * copy starts over; persist sync_old_done = 0 (87 is asked again).
   */
  onSyncSource(source: SyncBody, cause: SyncSourceCause): void | Promise<void>;
  /** Lines of the tracker's changelog for our group (deleted storages, IP changes: §8.4 marks). */
  onChangelog?(entries: readonly ChangelogEntry[]): void;
  /** The leader named the group's trunk server (null: none). Trunk storage is a later issue. */
  onTrunkServer?(trunkServer: StorageBrief | null): void;
  /** True while replication knows of a membership change in progress (faster beats, issue 5). */
  membershipChanging?(): boolean;
}

/** What `.data_init_flag` holds that the identity needs (§8.10). */
export interface InitFlagState {
  joinTime: number;
  syncOldDone: boolean;
  syncSource: SyncBody;
  lastIpAddr: string;
}

/** The identity from storage.conf, `.data_init_flag` and the process start time. */
export function reporterIdentityFromConfig(
  config: Pick<
    StorageConfig,
    'groupName' | 'port' | 'storePathCount' | 'subdirCountPerPath' | 'uploadPriority' | 'serverId'
  >,
  initFlag: InitFlagState,
  upTime: number,
): ReporterIdentity {
  return {
    groupName: config.groupName,
    port: config.port,
    storePathCount: config.storePathCount,
    subdirCountPerPath: config.subdirCountPerPath,
    uploadPriority: config.uploadPriority,
    joinTime: initFlag.joinTime,
    upTime,
    version: DEFAULT_WIRE_VERSION,
    syncOldDone: initFlag.syncOldDone,
    syncSource: { ...initFlag.syncSource },
    lastIpAddr: initFlag.lastIpAddr,
    serverId: config.serverId,
  };
}
