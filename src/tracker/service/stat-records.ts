// The state's group and storage statistics in the wire structs of §4.2 and §4.4.
import type { GroupStat as WireGroupStat } from '../../protocol/structs/group-stat.js';
import {
  STORAGE_STAT_COUNTER_FIELDS,
  type StorageStatBlock,
} from '../../protocol/structs/storage-stat-block.js';
import type { StorageStat as WireStorageStat } from '../../protocol/structs/storage-stat-record.js';
import { STAT_COUNTER_NAMES, type GroupStat, type StorageStat } from '../state/index.js';

export function wireGroupStat(g: GroupStat): WireGroupStat {
  return {
    groupName: g.groupName,
    totalMb: g.totalMb,
    freeMb: g.freeMb,
    reservedMb: g.reservedMb,
    trunkFreeMb: g.trunkFreeMb,
    storageCount: g.storageCount,
    storagePort: g.storagePort,
    readableServerCount: g.readableCount,
    writableServerCount: g.writableCount,
    currentWriteServer: g.currentWriteServer,
    storePathCount: g.storePathCount,
    subdirCountPerPath: g.subdirCountPerPath,
    currentTrunkFileId: g.currentTrunkFileId,
  };
}

/** The 348-byte block of §4.3; counters past 2^53 (never seen) are clamped to fit the codec. */
function statBlock(s: StorageStat): StorageStatBlock {
  const block = { connection: { ...s.connection } } as StorageStatBlock;
  STAT_COUNTER_NAMES.forEach((name, i) => {
    const value = s.counters[name];
    const field = STORAGE_STAT_COUNTER_FIELDS[i]!;
    block[field] =
      value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
  });
  block.lastSourceUpdate = s.lastSourceUpdate;
  block.lastSyncUpdate = s.lastSyncUpdate;
  block.lastSyncedTimestamp = s.lastSyncedTimestamp;
  block.lastHeartBeatTime = s.lastHeartBeatTime;
  return block;
}

export function wireStorageStat(s: StorageStat): WireStorageStat {
  return {
    status: s.status,
    rwMode: s.rwMode,
    id: s.id,
    ipAddr: s.ip,
    srcId: s.srcId,
    version: s.version,
    joinTime: s.joinTime,
    upTime: s.upTime,
    totalMb: s.totalMb,
    freeMb: s.freeMb,
    reservedMb: s.reservedMb,
    uploadPriority: s.uploadPriority,
    storePathCount: s.storePathCount,
    subdirCountPerPath: s.subdirCountPerPath,
    currentWritePath: s.currentWritePath,
    storagePort: s.port,
    stat: statBlock(s),
    ifTrunkServer: s.isTrunkServer ? 1 : 0,
  };
}
