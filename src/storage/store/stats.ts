// The storage's counters (§4.3): every operation bumps its total and success counts and bytes,
// and a change made here as the source sets last_source_update. They go to the trackers in each
// BEAT and to storage_stat.dat every sync_stat_file_interval when they changed (§8.10).
import {
  STORAGE_STAT_COUNTER_FIELDS,
  type ConnectionCounters,
  type StorageStatBlock,
  type StorageStatCounterName,
} from '../../protocol/structs/storage-stat-block.js';
import type { RoundRobinState } from '../../protocol/file-id/subdir.js';
import { STORAGE_STAT_KEYS, type StorageStatFile, type StorageStatKey } from './state-files.js';

/** Operations with a total/success pair of counters. */
export type StatOperation =
  | 'upload'
  | 'append'
  | 'modify'
  | 'truncate'
  | 'setMeta'
  | 'delete'
  | 'download'
  | 'getMeta'
  | 'createLink'
  | 'deleteLink';

const OPERATION_COUNTERS: Record<
  StatOperation,
  {
    total: StorageStatCounterName;
    success: StorageStatCounterName;
    bytes?: [StorageStatCounterName, StorageStatCounterName];
  }
> = {
  upload: {
    total: 'totalUploadCount',
    success: 'successUploadCount',
    bytes: ['totalUploadBytes', 'successUploadBytes'],
  },
  append: {
    total: 'totalAppendCount',
    success: 'successAppendCount',
    bytes: ['totalAppendBytes', 'successAppendBytes'],
  },
  modify: {
    total: 'totalModifyCount',
    success: 'successModifyCount',
    bytes: ['totalModifyBytes', 'successModifyBytes'],
  },
  truncate: { total: 'totalTruncateCount', success: 'successTruncateCount' },
  setMeta: { total: 'totalSetMetaCount', success: 'successSetMetaCount' },
  delete: { total: 'totalDeleteCount', success: 'successDeleteCount' },
  download: {
    total: 'totalDownloadCount',
    success: 'successDownloadCount',
    bytes: ['totalDownloadBytes', 'successDownloadBytes'],
  },
  getMeta: { total: 'totalGetMetaCount', success: 'successGetMetaCount' },
  createLink: { total: 'totalCreateLinkCount', success: 'successCreateLinkCount' },
  deleteLink: { total: 'totalDeleteLinkCount', success: 'successDeleteLinkCount' },
};

/** Operations that change files, so that success moves last_source_update. */
const SOURCE_CHANGES = new Set<StatOperation>([
  'upload',
  'append',
  'modify',
  'truncate',
  'setMeta',
  'delete',
  'createLink',
  'deleteLink',
]);

/** storage_stat.dat key → counter name: "total_upload_count" → "totalUploadCount". */
function counterOfKey(key: StorageStatKey): StorageStatCounterName | undefined {
  const name = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return (STORAGE_STAT_COUNTER_FIELDS as readonly string[]).includes(name)
    ? (name as StorageStatCounterName)
    : undefined;
}

export class StoreStats {
  readonly counters: Record<StorageStatCounterName, number>;
  private changes = 0;
  private savedChanges = 0;

  constructor(file?: StorageStatFile) {
    this.counters = Object.fromEntries(STORAGE_STAT_COUNTER_FIELDS.map((f) => [f, 0])) as Record<
      StorageStatCounterName,
      number
    >;
    if (file) {
      for (const key of STORAGE_STAT_KEYS) {
        const name = counterOfKey(key);
        if (name) this.counters[name] = file[key];
      }
    }
  }

  /** Count one operation: its total, its success when `ok`, and its bytes. */
  record(op: StatOperation, ok: boolean, bytes = 0, now?: number): void {
    const c = OPERATION_COUNTERS[op];
    this.counters[c.total]++;
    if (ok) this.counters[c.success]++;
    if (c.bytes && bytes > 0) {
      this.counters[c.bytes[0]] += bytes;
      if (ok) this.counters[c.bytes[1]] += bytes;
    }
    if (ok && now !== undefined && SOURCE_CHANGES.has(op)) this.counters.lastSourceUpdate = now;
    this.changes++;
  }

  /** Add to any counter (file open/read/write counts, sync bytes, last_sync_update...). */
  add(name: StorageStatCounterName, by = 1): void {
    this.counters[name] += by;
    this.changes++;
  }

  set(name: StorageStatCounterName, value: number): void {
    if (this.counters[name] === value) return;
    this.counters[name] = value;
    this.changes++;
  }

  /** Something changed since the last `markSaved`. */
  get dirty(): boolean {
    return this.changes !== this.savedChanges;
  }

  /** The change count to pass to `markSaved` once a save of `toFile()` succeeded. */
  get changeCount(): number {
    return this.changes;
  }

  markSaved(changeCount: number): void {
    this.savedChanges = changeCount;
  }

  /** Mark a change that is not a counter (the round-robin state moved). */
  touch(): void {
    this.changes++;
  }

  /** storage_stat.dat's 43 values, with the round-robin counters (§8.10). */
  toFile(roundRobin: RoundRobinState): StorageStatFile {
    const out = {} as StorageStatFile;
    for (const key of STORAGE_STAT_KEYS) {
      const name = counterOfKey(key);
      out[key] = name ? this.counters[name] : 0;
    }
    out.dist_path_index_high = roundRobin.high;
    out.dist_path_index_low = roundRobin.low;
    out.dist_write_file_count = roundRobin.count;
    return out;
  }

  /** The BEAT block (§4.3); the tracker fills the last two fields, so they go as 0. */
  block(connection: ConnectionCounters): StorageStatBlock {
    return { ...this.counters, lastSyncedTimestamp: 0, lastHeartBeatTime: 0, connection };
  }
}
