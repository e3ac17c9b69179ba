// The tracker's files under <base_path>/data (§9.9): load a snapshot at start, save what the state
// says is out of date right after each change (every status change at once, §16 #11). Saves are
// serialised, and each file is replaced atomically, so a SIGKILL leaves readable state.
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-file.js';
import { StorageStatus } from '../../protocol/status.js';
import type { PendingSaves } from '../state/changes.js';
import type { GroupSnapshot, StateSnapshot, StorageSnapshot } from '../state/snapshot.js';
import { emptyCounters } from '../state/stats.js';
import {
  SAVED_COUNTERS,
  formatChangelogLine,
  formatGroupsFile,
  formatServersFile,
  formatSyncTimestampFile,
  formatTrackerStatus,
  parseGroupsFile,
  parseServersFile,
  parseSyncTimestampFile,
  parseTrackerStatus,
  type PersistedStorage,
  type SyncTimestampRow,
  type TrackerStatusFile,
} from './formats.js';

export const TRACKER_FILES = {
  groups: 'storage_groups_new.dat',
  storages: 'storage_servers_new.dat',
  syncTimestamps: 'storage_sync_timestamp.dat',
  changelog: 'storage_changelog.dat',
  status: '.tracker_status',
} as const;

/** The four files copied between trackers by GET_ONE_SYS_FILE, in index order (§5.4 cmd 63). */
export const SYS_FILES = [
  TRACKER_FILES.groups,
  TRACKER_FILES.storages,
  TRACKER_FILES.syncTimestamps,
  TRACKER_FILES.changelog,
];

/** DELETED and IP_CHANGED records are not saved (§9.9). */
function isSaved(s: StorageSnapshot): boolean {
  return s.status !== StorageStatus.DELETED && s.status !== StorageStatus.IP_CHANGED;
}

export class TrackerStore {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    /** `<base_path>/data`. */
    readonly dir: string,
    private readonly useStorageId: boolean,
  ) {}

  path(name: string): string {
    return join(this.dir, name);
  }

  /** The saved state, or undefined when this tracker has none yet (a first start). */
  async load(): Promise<{
    snapshot: StateSnapshot | undefined;
    status: TrackerStatusFile | undefined;
  }> {
    await mkdir(this.dir, { recursive: true });
    const groupsText = await readOptional(this.path(TRACKER_FILES.groups));
    const statusText = await readOptional(this.path(TRACKER_FILES.status));
    const status = statusText === undefined ? undefined : parseTrackerStatus(statusText);
    if (groupsText === undefined) return { snapshot: undefined, status };
    const storages = parseServersFile(
      (await readOptional(this.path(TRACKER_FILES.storages))) ?? '',
    );
    const rows = parseSyncTimestampFile(
      (await readOptional(this.path(TRACKER_FILES.syncTimestamps))) ?? '',
    );
    const changelogSize = await sizeOf(this.path(TRACKER_FILES.changelog));
    const groups = parseGroupsFile(groupsText).map((g): GroupSnapshot => {
      const members = storages
        .filter((s) => s.groupName === g.groupName)
        .map((s) => this.toSnapshot(s));
      return {
        name: g.groupName,
        storagePort: g.storagePort,
        storePathCount: g.storePathCount,
        subdirCountPerPath: g.subdirCountPerPath,
        currentTrunkFileId: g.currentTrunkFileId,
        trunkServerId: g.trunkServer,
        lastTrunkServerId: g.lastTrunkServer,
        storages: members,
        syncTimestamps: members.map((src) => {
          const row = rows.find((r) => r.groupName === g.groupName && r.srcId === src.id);
          return members.map((_, i) => row?.timestamps[i] ?? 0);
        }),
      };
    });
    return { snapshot: { groups, changelogSize }, status };
  }

  /** Write what `pending` names; resolves when it is on disk. */
  save(snapshot: StateSnapshot, pending: PendingSaves): Promise<void> {
    const run = async (): Promise<void> => {
      await mkdir(this.dir, { recursive: true });
      if (pending.changelog.length > 0) {
        await appendFile(
          this.path(TRACKER_FILES.changelog),
          pending.changelog.map(formatChangelogLine).join(''),
        );
      }
      if (pending.groups)
        await writeFileAtomic(this.path(TRACKER_FILES.groups), this.groupsText(snapshot));
      if (pending.storages)
        await writeFileAtomic(this.path(TRACKER_FILES.storages), this.storagesText(snapshot));
      if (pending.syncTimestamps) {
        await writeFileAtomic(
          this.path(TRACKER_FILES.syncTimestamps),
          this.syncTimestampsText(snapshot),
        );
      }
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Everything, e.g. at shutdown and before a system-file copy is served (§5.4 cmd 61). */
  saveAll(snapshot: StateSnapshot): Promise<void> {
    return this.save(snapshot, {
      groups: true,
      storages: true,
      syncTimestamps: true,
      changelog: [],
    });
  }

  /** The four files of a system-file copy (SYS_FILES order), each replaced atomically (§5.4). */
  replaceSysFiles(files: readonly Buffer[]): Promise<void> {
    const run = async (): Promise<void> => {
      await mkdir(this.dir, { recursive: true });
      for (const [i, name] of SYS_FILES.entries()) {
        await writeFileAtomic(this.path(name), files[i] ?? Buffer.alloc(0));
      }
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  writeStatus(status: TrackerStatusFile): Promise<void> {
    const run = (): Promise<void> =>
      writeFileAtomic(this.path(TRACKER_FILES.status), formatTrackerStatus(status));
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Wait for every save started so far. */
  flushed(): Promise<void> {
    return this.chain;
  }

  groupsText(snapshot: StateSnapshot): string {
    return formatGroupsFile(
      snapshot.groups.map((g) => ({
        groupName: g.name,
        storagePort: g.storagePort,
        storePathCount: g.storePathCount,
        subdirCountPerPath: g.subdirCountPerPath,
        currentTrunkFileId: g.currentTrunkFileId,
        trunkServer: g.trunkServerId,
        lastTrunkServer: g.lastTrunkServerId,
      })),
    );
  }

  storagesText(snapshot: StateSnapshot): string {
    const records: PersistedStorage[] = [];
    for (const g of snapshot.groups) {
      for (const s of g.storages) if (isSaved(s)) records.push(this.toPersisted(g.name, s));
    }
    return formatServersFile(records);
  }

  /** One row per saved source, one column per saved storage, in record order (§9.9). */
  syncTimestampsText(snapshot: StateSnapshot): string {
    const rows: SyncTimestampRow[] = [];
    for (const g of snapshot.groups) {
      const kept = g.storages.map((s, i) => ({ s, i })).filter(({ s }) => isSaved(s));
      for (const { s: src, i } of kept) {
        rows.push({
          groupName: g.name,
          srcId: src.id,
          timestamps: kept.map(({ i: j }) => g.syncTimestamps[i]?.[j] ?? 0),
        });
      }
    }
    return formatSyncTimestampFile(rows);
  }

  private toPersisted(groupName: string, s: StorageSnapshot): PersistedStorage {
    const counters = {} as PersistedStorage['counters'];
    for (const key of SAVED_COUNTERS) counters[key] = s.counters[key];
    return {
      id: this.useStorageId ? s.id : undefined,
      groupName,
      ipAddr: s.ipAddr,
      status: s.status,
      version: s.version,
      joinTime: s.joinTime,
      storagePort: s.port,
      syncSrcServer: s.syncSrcId,
      syncUntilTimestamp: s.syncUntilTimestamp,
      totalMb: s.totalMb,
      freeMb: s.freeMb,
      changelogOffset: s.changelogOffset,
      storePathCount: s.storePathCount,
      subdirCountPerPath: s.subdirCountPerPath,
      uploadPriority: s.uploadPriority,
      counters,
      lastSourceUpdate: s.lastSourceUpdate,
      lastSyncUpdate: s.lastSyncUpdate,
      lastSyncedTimestamp: s.lastSyncedTimestamp,
      lastHeartBeatTime: s.lastHeartBeatTime,
    };
  }

  private toSnapshot(p: PersistedStorage): StorageSnapshot {
    const counters = emptyCounters();
    for (const key of SAVED_COUNTERS) counters[key] = p.counters[key];
    return {
      id: p.id ?? p.ipAddr,
      ipAddr: p.ipAddr,
      port: p.storagePort,
      status: p.status,
      version: p.version,
      joinTime: p.joinTime,
      syncSrcId: p.syncSrcServer,
      syncUntilTimestamp: p.syncUntilTimestamp,
      totalMb: p.totalMb,
      freeMb: p.freeMb,
      changelogOffset: p.changelogOffset,
      storePathCount: p.storePathCount,
      subdirCountPerPath: p.subdirCountPerPath,
      uploadPriority: p.uploadPriority,
      counters,
      lastSourceUpdate: p.lastSourceUpdate,
      lastSyncUpdate: p.lastSyncUpdate,
      lastSyncedTimestamp: p.lastSyncedTimestamp,
      lastHeartBeatTime: p.lastHeartBeatTime,
    };
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'latin1');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}
