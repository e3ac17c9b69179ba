// What every command handler works with: the state and its store, the configuration and the wire
// dialect it implies, the clock, what this tracker knows about the leader, and the logger.
import type { StorageIdConfigEntry, TrackerConfig, WireCompat } from '../../common/config/index.js';
import type { Logger } from '../../common/logger.js';
import type { FetchAllForm } from '../../protocol/messages/addresses.js';
import type { IpPort } from '../../protocol/messages/tracker-fields.js';
import type { GroupStatLayout } from '../../protocol/structs/group-stat.js';
import type { StorageStatLayout } from '../../protocol/structs/storage-stat-record.js';
import type { TrackerStatus } from '../../protocol/structs/tracker-cluster.js';
import type { TrackerStore } from '../persist/store.js';
import type { Leadership, Named } from '../relation/leadership.js';
import type { TrackerPeers } from '../relation/peers.js';
import type { SysFileLock } from './sys-files.js';
import { makePolicy, type ClusterState, type TrackerPolicy } from '../state/index.js';

/** The client-facing reply layouts of the emulated release (issue 3, "Wire layouts"). */
export interface Dialect {
  wireCompat: WireCompat;
  /** IP field size S of query replies, storage records and 75 (§10.1). */
  ipSize: 16 | 46;
  fetchAllForm: FetchAllForm;
  groupStatLayout: GroupStatLayout;
  storageStatLayout: StorageStatLayout;
  /** The version string of wire fields the tracker writes itself (§14). */
  version: string;
}

const WIRE_VERSIONS: Readonly<Record<WireCompat, string>> = {
  '6.16': '6.16.1',
  '6.15': '6.15.5',
  '6.10': '6.10',
};

/** The dialect of `wire_compat` and the IP size `response_ip_addr_size` gives (§10.1, §16 #21). */
export function dialectOf(wireCompat: WireCompat, ipSize: 16 | 46): Dialect {
  const legacy = wireCompat === '6.10';
  return {
    wireCompat,
    ipSize: legacy ? 16 : ipSize,
    fetchAllForm: wireCompat === '6.16' ? '6.16' : 'legacy',
    groupStatLayout: legacy ? '6.12' : '6.13.1',
    storageStatLayout: legacy ? '6.10' : ipSize === 46 ? 'ip46' : 'ip16',
    version: WIRE_VERSIONS[wireCompat],
  };
}

/** What this tracker knows about the tracker leader (§9.12). */
export interface LeaderView {
  readonly isLeader: boolean;
  /**
   * The leader's address for GET_LEADER (95): this tracker's own at `localIp`, or the followed
   * leader's (the address of the requester's IP class, §9.10); undefined when none is known.
   */
  leaderAddress(requesterIp: string, localIp: string): IpPort | undefined;
  /** GET_STATUS (64): if_leader, running time and restart interval (rounded to 300 s). */
  status(): TrackerStatus;
}

/** Connection counters reported by SERVER_TRACKER_CLUSTER_STAT (96). */
export interface ConnectionStats {
  current: number;
  max: number;
}

export interface TrackerContext {
  readonly state: ClusterState;
  readonly store: TrackerStore;
  readonly config: TrackerConfig;
  readonly policy: TrackerPolicy;
  readonly storageIds: readonly StorageIdConfigEntry[];
  readonly dialect: Dialect;
  readonly leader: LeaderView;
  readonly peers: TrackerPeers;
  /** Who leads and the followers (§9.12), shared with the leader driver. */
  readonly relation: Leadership;
  /** The tracker of the list (or this one) an "ip:port" of 66/67 names; undefined if none. */
  nameTracker(ip: string, port: number): Named;
  readonly connections: ConnectionStats;
  readonly logger: Logger;
  /** Unix seconds. */
  now(): number;
  /** When this tracker started (unix seconds): 96 up_time. */
  readonly startTime: number;
  /** The port this tracker listens on (the bound one when configured as 0). */
  port(): number;
  /** A storage's join made the cluster's trackers known, or added one: run an election round. */
  clusterChanged(): void;
  /** The system-file copy served to one peer at a time (§5.4 cmds 61/62). */
  readonly sysFileLock: SysFileLock;
  /**
   * Before a join (§9.1 step 1): copies the system files from the best peer when this tracker
   * needs it; false when that failed (the join answers EAGAIN).
   */
  beforeJoin(): Promise<boolean> | true;
}

/** The state rules' options from tracker.conf (§10.1) and storage_ids.conf. */
export function policyOf(
  config: TrackerConfig,
  storageIds: readonly StorageIdConfigEntry[],
): TrackerPolicy {
  return makePolicy({
    storeLookup: config.storeLookup,
    storeGroup: config.storeGroup ?? '',
    storeServer: config.effectiveStoreServer,
    storePath: config.storePath,
    downloadServer: config.downloadServer,
    reservedSpace: config.reservedStorageSpace,
    checkActiveInterval: config.checkActiveInterval,
    storageSyncFileMaxDelay: config.storageSyncFileMaxDelay,
    storageSyncFileMaxTime: config.storageSyncFileMaxTime,
    useStorageId: config.useStorageId,
    idTypeInFilename: config.effectiveIdType,
    trustStorageServerId: config.trustStorageServerId,
    storageIds: storageIds.map((e) => ({ ...e, ips: [...e.ips] })),
  });
}
