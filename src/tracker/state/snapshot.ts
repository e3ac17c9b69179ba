// The data the persistence layer saves (§9.9) and loads back. The file formats are written
// elsewhere; this is only the content.
import { StorageStatus } from '../../protocol/status.js';
import type { ClusterModel } from './model.js';
import { emptyCounters, type StatCounters } from './stats.js';
import { StorageRecord } from './storage-record.js';

const S = StorageStatus;

/** A storage record: every field of storage_servers_new.dat, and then some (all counters). */
export interface StorageSnapshot {
  id: string;
  /** `ip_addr`: the address it last joined from. */
  ipAddr: string;
  port: number;
  status: number;
  version: string;
  joinTime: number;
  syncSrcId: string;
  syncUntilTimestamp: number;
  totalMb: number;
  freeMb: number;
  changelogOffset: number;
  storePathCount: number;
  subdirCountPerPath: number;
  uploadPriority: number;
  /** All counters; the .dat file leaves out the modify/truncate ones (§16 #11). */
  counters: StatCounters;
  lastSourceUpdate: number;
  lastSyncUpdate: number;
  lastSyncedTimestamp: number;
  lastHeartBeatTime: number;
}

export interface GroupSnapshot {
  name: string;
  storagePort: number;
  storePathCount: number;
  subdirCountPerPath: number;
  currentTrunkFileId: number;
  trunkServerId: string;
  lastTrunkServerId: string;
  /** In record order. DELETED/IP_CHANGED records are included; the .dat writer skips them (§9.9). */
  storages: StorageSnapshot[];
  /** `syncTimestamps[src][dest]`, both indexes into `storages` (storage_sync_timestamp.dat). */
  syncTimestamps: number[][];
}

export interface StateSnapshot {
  /** Sorted by name. */
  groups: GroupSnapshot[];
  /** Size of storage_changelog.dat in bytes. */
  changelogSize: number;
}

function storageSnapshot(r: StorageRecord): StorageSnapshot {
  return {
    id: r.id,
    ipAddr: r.currentIp,
    port: r.port,
    status: r.status,
    version: r.version,
    joinTime: r.joinTime,
    syncSrcId: r.syncSrcId,
    syncUntilTimestamp: r.syncUntilTimestamp,
    totalMb: r.totalMb,
    freeMb: r.freeMb,
    changelogOffset: r.changelogOffset,
    storePathCount: r.storePathCount,
    subdirCountPerPath: r.subdirCountPerPath,
    uploadPriority: r.uploadPriority,
    counters: { ...r.counters },
    lastSourceUpdate: r.lastSourceUpdate,
    lastSyncUpdate: r.lastSyncUpdate,
    lastSyncedTimestamp: r.lastSyncedTimestamp,
    lastHeartBeatTime: r.lastHeartBeatTime,
  };
}

export function takeSnapshot(model: ClusterModel): StateSnapshot {
  return {
    changelogSize: model.changelogSize,
    groups: model.sortedGroups.map((g) => {
      const records = [...g.records.values()];
      return {
        name: g.name,
        storagePort: g.storagePort,
        storePathCount: g.storePathCount,
        subdirCountPerPath: g.subdirCountPerPath,
        currentTrunkFileId: g.currentTrunkFileId,
        trunkServerId: g.trunkServerId,
        lastTrunkServerId: g.lastTrunkServerId,
        storages: records.map(storageSnapshot),
        syncTimestamps: records.map((src) =>
          records.map((dest) => g.syncTimestamps.get(src.id)?.get(dest.id) ?? 0),
        ),
      };
    }),
  };
}

function restoreRecord(model: ClusterModel, groupName: string, s: StorageSnapshot): StorageRecord {
  const entry = model.policy.useStorageId ? model.ids.byId(s.id) : undefined;
  const record = new StorageRecord(s.id, groupName, entry ? [...entry.ips] : [s.ipAddr]);
  if (entry) record.rwMode = entry.rwMode;
  record.ipIndex = Math.max(0, record.ips.indexOf(s.ipAddr));
  // After a restart nobody is connected: only the sync states survive (`tracker_load_storages_new`).
  const keep = s.status === S.WAIT_SYNC || s.status === S.SYNCING || s.status === S.INIT;
  record.status = keep ? s.status : S.OFFLINE;
  record.port = s.port;
  record.version = s.version;
  record.joinTime = s.joinTime;
  record.syncSrcId = s.syncSrcId;
  record.syncUntilTimestamp = s.syncUntilTimestamp;
  record.totalMb = s.totalMb;
  record.freeMb = s.freeMb;
  // Per-path space is not saved (§9.9). Until the storage's next disk report, assume its saved
  // totals are spread evenly, so that it can be routed to from its first beat after a restart.
  if (s.storePathCount > 0 && s.totalMb > 0) {
    record.pathTotalMb = new Array<number>(s.storePathCount).fill(
      Math.floor(s.totalMb / s.storePathCount),
    );
    record.pathFreeMb = new Array<number>(s.storePathCount).fill(
      Math.floor(s.freeMb / s.storePathCount),
    );
  }
  record.changelogOffset = Math.min(Math.max(0, s.changelogOffset), model.changelogSize);
  record.storePathCount = s.storePathCount;
  record.subdirCountPerPath = s.subdirCountPerPath;
  record.uploadPriority = s.uploadPriority;
  record.counters = { ...emptyCounters(), ...s.counters };
  record.lastSourceUpdate = s.lastSourceUpdate;
  record.lastSyncUpdate = s.lastSyncUpdate;
  record.lastSyncedTimestamp = s.lastSyncedTimestamp;
  record.lastHeartBeatTime = s.lastHeartBeatTime;
  return record;
}

/** Replaces the whole state with a saved one. DELETED/IP_CHANGED records are not restored. */
export function restoreSnapshot(model: ClusterModel, snapshot: StateSnapshot): void {
  model.clear();
  model.changelogSize = snapshot.changelogSize;
  for (const gs of [...snapshot.groups].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const group = model.addGroup(gs.name);
    group.storagePort = gs.storagePort;
    group.storePathCount = gs.storePathCount;
    group.subdirCountPerPath = gs.subdirCountPerPath;
    group.currentTrunkFileId = gs.currentTrunkFileId;
    group.trunkServerId = gs.trunkServerId;
    group.lastTrunkServerId = gs.lastTrunkServerId;
    gs.storages.forEach((s) => {
      if (s.status === S.DELETED || s.status === S.IP_CHANGED) return;
      group.add(restoreRecord(model, gs.name, s));
    });
    gs.storages.forEach((src, i) => {
      gs.storages.forEach((dest, j) => {
        const ts = gs.syncTimestamps[i]?.[j] ?? 0;
        if (ts <= 0 || !group.get(src.id) || !group.get(dest.id)) return;
        let row = group.syncTimestamps.get(src.id);
        if (!row) group.syncTimestamps.set(src.id, (row = new Map()));
        row.set(dest.id, ts);
      });
    });
    // A source that did not survive the restore is forgotten.
    for (const r of group.records.values()) {
      if (r.syncSrcId !== '' && !group.get(r.syncSrcId)) r.syncSrcId = '';
    }
    model.refreshLists(group);
  }
  model.changes.take();
}
