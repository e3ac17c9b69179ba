// The storage server's side of the tracker conversation (§9.13): the ReporterHost the tracker
// reporters run against. It answers from the store (identity from `.data_init_flag`, the §4.3
// counters, the free space of each store path) and applies what the trackers say: the
// PARAMETER_REQ settings, the storage ids, our own address and id (which go into new file
// names, §7.2), our status, and the sync source, saved in `.data_init_flag`.
import type { StorageConfig, TrackerAddress } from '../common/config/index.js';
import type { Logger } from '../common/logger.js';
import { StorageStatus, storageStatusCaption } from '../protocol/status.js';
import type { StorageIdLine } from '../protocol/messages/tracker-identity.js';
import type { TrackerParameters } from '../protocol/messages/tracker-parameters.js';
import type { DiskUsageEntry } from '../protocol/messages/tracker-reports.js';
import type { StorageBrief } from '../protocol/structs/storage-brief.js';
import type { SyncBody } from '../protocol/structs/sync-body.js';
import {
  reporterIdentityFromConfig,
  type ChangelogEntry,
  type ReporterHost,
  type ReporterIdentity,
  type StatsSnapshot,
  type SyncSourceCause,
} from './reporter/index.js';
import type { StorageRuntime } from './service/context.js';
import type { DataInitFlag } from './store/state-files.js';
import type { Store } from './store/index.js';

export interface StorageHostOptions {
  config: StorageConfig;
  store: Store;
  runtime: StorageRuntime;
  /** The port we listen on (storage.conf's, or the one the system chose for port 0). */
  port: () => number;
  /** This process found no `.data_init_flag`: last_ip_addr is reported as "" (§9.13 step 6). */
  firstStart: boolean;
  /** Process start (unix seconds). */
  upTime: number;
  logger: Logger;
  /** Our status at a tracker changed (for StorageServer's 'status' event). */
  onStatusChange?: (status: number, fromLeader: boolean) => void;
  /** The leader's member list arrived (push replication starts and stops its tasks, §8.6). */
  onMembers?: (members: readonly StorageBrief[]) => void;
  /** A peer of the group is not ACTIVE yet (faster beats, issue 5). */
  membershipChanging?: () => boolean;
  /** Changelog lines for our group (77): replication renames or removes marks (§8.4). */
  onChangelog?: (entries: readonly ChangelogEntry[]) => void;
}

export class StorageHost implements ReporterHost {
  /** Our address as the trackers see it (GET_MY_IP), the first answer. */
  ownIps: readonly string[] = [];
  /** Our storage id (the IP text with storage ids off). */
  ownId: string | undefined;
  params: TrackerParameters | undefined;
  /** Our status as the leader (or, before it is known, any tracker) sees it. */
  status: number | undefined;
  leader: StorageBrief | null = null;
  members: readonly StorageBrief[] = [];
  private flagWrites: Promise<void> = Promise.resolve();

  constructor(private readonly options: StorageHostOptions) {}

  private get store(): Store {
    return this.options.store;
  }

  identity(): ReporterIdentity {
    const { config, runtime, firstStart, upTime } = this.options;
    const flag = this.store.initFlag;
    return reporterIdentityFromConfig(
      {
        ...config,
        groupName: runtime.groupName === '' ? config.groupName : runtime.groupName,
        port: this.options.port(),
      },
      {
        joinTime: flag.storageJoinTime,
        syncOldDone: flag.syncOldDone,
        syncSource: { srcId: flag.syncSrcServer, untilTimestamp: flag.syncUntilTimestamp },
        lastIpAddr: firstStart ? '' : flag.lastIpAddr,
      },
      upTime,
    );
  }

  statsBlock(): StatsSnapshot {
    const { runtime } = this.options;
    return {
      version: this.store.stats.changeCount + runtime.connectionChanges,
      block: this.store.statBlock({ ...runtime.connections }),
    };
  }

  async diskUsage(): Promise<readonly DiskUsageEntry[]> {
    const spaces = await this.store.refreshDiskUsage();
    return spaces.map((s) => ({ totalMb: s.totalMb, freeMb: s.freeMb }));
  }

  /** Per source, the newest record timestamp applied from it (§8.5 last_sync_src_timestamp). */
  syncTimestamps(): ReadonlyMap<string, number> {
    return this.options.runtime.syncedFrom;
  }

  membershipChanging(): boolean {
    return this.options.membershipChanging?.() === true;
  }

  onGroupName(groupName: string): void {
    this.options.runtime.groupName = groupName;
    this.options.logger.info({ groupName }, 'group name from the tracker');
  }

  onParameters(params: TrackerParameters): void {
    this.params = params;
    this.options.runtime.ipSize = params.responseIpAddrSize === 46 ? 46 : 16;
    this.store.updateSettings({
      storePathMode: params.storePath === 2 ? 2 : 0,
      reservedSpace: params.reservedStorageSpace,
      storeSlaveFileUseLink: params.storeSlaveFileUseLink,
    });
    this.updateNameSource();
  }

  onStorageIds(entries: readonly StorageIdLine[]): void {
    this.store.updateSettings({ storageIds: entries });
  }

  onOwnAddress(ips: readonly string[], tracker: TrackerAddress): void {
    if (this.ownIps.length === 0 && ips.length > 0) {
      this.ownIps = ips;
      this.options.logger.info({ ips, tracker: tracker.hosts[0] }, 'own address');
      this.updateNameSource();
    }
  }

  onOwnId(id: string): void {
    this.ownId = id;
    this.updateNameSource();
  }

  /**
   * New names carry our numeric id with `use_storage_id` and `id_type_in_filename = id`, and
   * our IPv4 address otherwise (§7.2). Until both are known uploads answer EAGAIN.
   */
  private updateNameSource(): void {
    const params = this.params;
    if (!params) return;
    const byId = params.useStorageId && params.idTypeInFilename === 'id';
    const source = byId ? this.ownId : params.useStorageId ? this.ownIps[0] : this.ownId;
    if (source !== undefined && source !== '') this.store.updateSettings({ nameSource: source });
  }

  onStatus(status: number, fromLeader: boolean): void {
    if (this.status !== status) {
      this.options.logger.info(
        { status: storageStatusCaption(status), fromLeader },
        'status at the tracker',
      );
    }
    this.status = status;
    this.options.onStatusChange?.(status, fromLeader);
  }

  onLeader(leader: StorageBrief | null): void {
    this.leader = leader;
  }

  onGroupMembers(members: readonly StorageBrief[]): void {
    this.members = members;
    this.options.onMembers?.(members);
  }

  /** §8.7: the source (or none) of our initial copy; saved in `.data_init_flag` before we go on. */
  onSyncSource(source: SyncBody, cause: SyncSourceCause): Promise<void> {
    this.options.logger.info({ source, cause }, 'sync source');
    return this.updateInitFlag({
      syncSrcServer: source.srcId,
      syncUntilTimestamp: source.untilTimestamp,
      ...(cause === 'assigned' ? { syncOldDone: true } : {}),
      ...(cause === 'restart' ? { syncOldDone: false } : {}),
    });
  }

  onChangelog(entries: readonly ChangelogEntry[]): void {
    this.options.logger.info({ entries: entries.length }, 'tracker changelog for our group');
    this.options.onChangelog?.(entries);
  }

  onTrunkServer(trunkServer: StorageBrief | null): void {
    if (trunkServer) this.options.logger.info({ trunkServer: trunkServer.id }, 'trunk server');
  }

  /** True once a tracker told us we are ACTIVE. */
  get active(): boolean {
    return this.status === StorageStatus.ACTIVE;
  }

  /** Change `.data_init_flag`, one write at a time. */
  updateInitFlag(patch: Partial<DataInitFlag>): Promise<void> {
    const write = this.flagWrites.then(() => this.store.updateInitFlag(patch));
    this.flagWrites = write.catch(() => undefined);
    return write;
  }

  /** Resolves once every `.data_init_flag` write asked for so far is done. */
  flushed(): Promise<void> {
    return this.flagWrites;
  }
}
