// The small state files of replication: mark files (§8.4) and binlog_index.dat (§8.3).
import { formatKeyValues, intValue, parseKeyValues } from '../../common/kv-file.js';

export interface SyncMark {
  binlogIndex: number;
  /** Offset of the next record to read; always at a line start. */
  binlogOffset: number;
  /** This storage is the designated full-copy source for that peer (§8.7). */
  needSyncOld: boolean;
  syncOldDone: boolean;
  untilTimestamp: number;
  scanRowCount: number;
  syncRowCount: number;
}

export function formatMarkFile(m: SyncMark): string {
  return formatKeyValues([
    ['binlog_index', m.binlogIndex],
    ['binlog_offset', m.binlogOffset],
    ['need_sync_old', m.needSyncOld ? 1 : 0],
    ['sync_old_done', m.syncOldDone ? 1 : 0],
    ['until_timestamp', m.untilTimestamp],
    ['scan_row_count', m.scanRowCount],
    ['sync_row_count', m.syncRowCount],
  ]);
}

export function parseMarkFile(text: string): SyncMark {
  const v = parseKeyValues(text);
  return {
    binlogIndex: intValue(v, 'binlog_index'),
    binlogOffset: intValue(v, 'binlog_offset'),
    needSyncOld: intValue(v, 'need_sync_old') === 1,
    syncOldDone: intValue(v, 'sync_old_done') === 1,
    untilTimestamp: intValue(v, 'until_timestamp'),
    scanRowCount: intValue(v, 'scan_row_count'),
    syncRowCount: intValue(v, 'sync_row_count'),
  };
}

/** `<peer_id>.mark` with storage ids, else `<peer_ip>_<my_port>.mark` (§8.4). */
export function markFileName(
  peer: { id: string; ip: string },
  useStorageId: boolean,
  myPort: number,
): string {
  return useStorageId ? `${peer.id}.mark` : `${peer.ip}_${myPort}.mark`;
}

export interface BinlogIndex {
  currentWrite: number;
  currentCompress: number;
}

export function formatBinlogIndex(b: BinlogIndex): string {
  return formatKeyValues([
    ['current_write', b.currentWrite],
    ['current_compress', b.currentCompress],
  ]);
}

/** Also reads the older one-integer `binlog.index` form (§8.1). */
export function parseBinlogIndex(text: string): BinlogIndex {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { currentWrite: Number(trimmed), currentCompress: 0 };
  const v = parseKeyValues(text);
  return {
    currentWrite: intValue(v, 'current_write'),
    currentCompress: intValue(v, 'current_compress'),
  };
}
