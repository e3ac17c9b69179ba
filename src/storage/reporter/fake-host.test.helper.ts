// A ReporterHost for tests: identity and counters in plain fields, every callback recorded.
// (*.test.helper.ts: compiled, not run.)
import type { TrackerAddress } from '../../common/config/index.js';
import type { StorageIdLine } from '../../protocol/messages/tracker-identity.js';
import type { TrackerParameters } from '../../protocol/messages/tracker-parameters.js';
import type { DiskUsageEntry } from '../../protocol/messages/tracker-reports.js';
import type { StorageBrief } from '../../protocol/structs/storage-brief.js';
import { emptyStorageStatBlock } from '../../protocol/structs/storage-stat-block.js';
import type { SyncBody } from '../../protocol/structs/sync-body.js';
import type {
  ChangelogEntry,
  ReporterHost,
  ReporterIdentity,
  StatsSnapshot,
  SyncSourceCause,
} from './host.js';

export function testIdentity(over: Partial<ReporterIdentity> = {}): ReporterIdentity {
  return {
    groupName: 'group1',
    port: 23000,
    storePathCount: 1,
    subdirCountPerPath: 256,
    uploadPriority: 10,
    joinTime: 1_795_262_797,
    upTime: 1_795_262_797,
    version: '6.16.1',
    syncOldDone: false,
    syncSource: { srcId: '', untilTimestamp: 0 },
    lastIpAddr: '',
    serverId: undefined,
    ...over,
  };
}

export class FakeHost implements ReporterHost {
  ident: ReporterIdentity;
  stats: StatsSnapshot = { version: 0, block: emptyStorageStatBlock() };
  disk: DiskUsageEntry[] = [{ totalMb: 100_000, freeMb: 50_000 }];
  timestamps = new Map<string, number>();
  changing = false;

  groupName: string | undefined;
  params: TrackerParameters | undefined;
  storageIds: readonly StorageIdLine[] | undefined;
  ownAddresses: { ips: readonly string[]; tracker: TrackerAddress }[] = [];
  ownId: string | undefined;
  statuses: { status: number; fromLeader: boolean }[] = [];
  leaders: (StorageBrief | null)[] = [];
  memberLists: (readonly StorageBrief[])[] = [];
  sources: { source: SyncBody; cause: SyncSourceCause }[] = [];
  changelog: ChangelogEntry[] = [];
  trunkServers: (StorageBrief | null)[] = [];

  constructor(identity: Partial<ReporterIdentity> = {}) {
    this.ident = testIdentity(identity);
  }

  identity(): ReporterIdentity {
    return this.ident;
  }
  statsBlock(): StatsSnapshot {
    return this.stats;
  }
  diskUsage(): readonly DiskUsageEntry[] {
    return this.disk;
  }
  syncTimestamps(): ReadonlyMap<string, number> {
    return this.timestamps;
  }
  onGroupName(groupName: string): void {
    this.groupName = groupName;
  }
  onParameters(params: TrackerParameters): void {
    this.params = params;
  }
  onStorageIds(entries: readonly StorageIdLine[]): void {
    this.storageIds = entries;
  }
  onOwnAddress(ips: readonly string[], tracker: TrackerAddress): void {
    this.ownAddresses.push({ ips, tracker });
  }
  onOwnId(id: string): void {
    this.ownId = id;
  }
  onStatus(status: number, fromLeader: boolean): void {
    this.statuses.push({ status, fromLeader });
  }
  onLeader(leader: StorageBrief | null): void {
    this.leaders.push(leader);
  }
  onGroupMembers(members: readonly StorageBrief[]): void {
    this.memberLists.push(members);
  }
  onSyncSource(source: SyncBody, cause: SyncSourceCause): void {
    this.sources.push({ source, cause });
    if (cause === 'assigned') this.ident = { ...this.ident, syncOldDone: true };
    this.ident = { ...this.ident, syncSource: source };
  }
  onChangelog(entries: readonly ChangelogEntry[]): void {
    this.changelog.push(...entries);
  }
  onTrunkServer(trunkServer: StorageBrief | null): void {
    this.trunkServers.push(trunkServer);
  }
  membershipChanging(): boolean {
    return this.changing;
  }

  /** The latest member list, as [id, status] pairs. */
  lastMembers(): [string, number][] | undefined {
    return this.memberLists.at(-1)?.map((b) => [b.id, b.status]);
  }
}
