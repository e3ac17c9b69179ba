// Storage statistics block (FDFSStorageStatBuff, §4.3): 348 bytes, the body of STORAGE_BEAT (83)
// and part of every LIST_STORAGE record (§4.4). Three i32 connection counters, then 42 i64 fields
// in the order below. Counters are numbers: readInt64 refuses anything past 2^53, which they never reach.
import { BufferReader, BufferWriter } from '../buffer.js';
import { expectLength, writeI32 } from './fields.js';

/** The i64 fields from offset 12 on, in wire order (§4.3). */
export const STORAGE_STAT_COUNTER_FIELDS = [
  'totalUploadCount',
  'successUploadCount',
  'totalAppendCount',
  'successAppendCount',
  'totalModifyCount',
  'successModifyCount',
  'totalTruncateCount',
  'successTruncateCount',
  'totalSetMetaCount',
  'successSetMetaCount',
  'totalDeleteCount',
  'successDeleteCount',
  'totalDownloadCount',
  'successDownloadCount',
  'totalGetMetaCount',
  'successGetMetaCount',
  'totalCreateLinkCount',
  'successCreateLinkCount',
  'totalDeleteLinkCount',
  'successDeleteLinkCount',
  'totalUploadBytes',
  'successUploadBytes',
  'totalAppendBytes',
  'successAppendBytes',
  'totalModifyBytes',
  'successModifyBytes',
  'totalDownloadBytes',
  'successDownloadBytes',
  'totalSyncInBytes',
  'successSyncInBytes',
  'totalSyncOutBytes',
  'successSyncOutBytes',
  'totalFileOpenCount',
  'successFileOpenCount',
  'totalFileReadCount',
  'successFileReadCount',
  'totalFileWriteCount',
  'successFileWriteCount',
  /** Unix time of the last change made as the source storage. */
  'lastSourceUpdate',
  /** Unix time of the last change received from a peer. */
  'lastSyncUpdate',
  /** Computed by the tracker; a storage sends 0. */
  'lastSyncedTimestamp',
  /** Set by the tracker; a storage sends 0. */
  'lastHeartBeatTime',
] as const;

export type StorageStatCounterName = (typeof STORAGE_STAT_COUNTER_FIELDS)[number];

/** Connection counters of a server: allocated, current and peak connections. */
export interface ConnectionCounters {
  allocCount: number;
  currentCount: number;
  maxCount: number;
}

export interface StorageStatBlock extends Record<StorageStatCounterName, number> {
  connection: ConnectionCounters;
}

export const STORAGE_STAT_BLOCK_SIZE = 3 * 4 + STORAGE_STAT_COUNTER_FIELDS.length * 8; // 348

export function writeConnectionCounters(w: BufferWriter, c: ConnectionCounters): void {
  writeI32(w, c.allocCount, 'connection alloc_count');
  writeI32(w, c.currentCount, 'connection current_count');
  writeI32(w, c.maxCount, 'connection max_count');
}

export function readConnectionCounters(r: BufferReader): ConnectionCounters {
  return {
    allocCount: r.i32('alloc_count'),
    currentCount: r.i32('current_count'),
    maxCount: r.i32('max_count'),
  };
}

export function writeStorageStatBlock(w: BufferWriter, v: StorageStatBlock): void {
  writeConnectionCounters(w, v.connection);
  for (const name of STORAGE_STAT_COUNTER_FIELDS) w.i64(v[name]);
}

export function readStorageStatBlock(r: BufferReader): StorageStatBlock {
  const connection = readConnectionCounters(r);
  const counters = {} as Record<StorageStatCounterName, number>;
  for (const name of STORAGE_STAT_COUNTER_FIELDS) counters[name] = r.i64(name);
  return { connection, ...counters };
}

/** A block with every counter at 0 (what a fresh storage reports). */
export function emptyStorageStatBlock(): StorageStatBlock {
  const counters = {} as Record<StorageStatCounterName, number>;
  for (const name of STORAGE_STAT_COUNTER_FIELDS) counters[name] = 0;
  return { connection: { allocCount: 0, currentCount: 0, maxCount: 0 }, ...counters };
}

export function encodeStorageStatBlock(v: StorageStatBlock): Buffer {
  const w = new BufferWriter(STORAGE_STAT_BLOCK_SIZE);
  writeStorageStatBlock(w, v);
  return w.finish();
}

export function decodeStorageStatBlock(buf: Buffer): StorageStatBlock {
  expectLength(buf, STORAGE_STAT_BLOCK_SIZE, 'storage stat block');
  return readStorageStatBlock(new BufferReader(buf));
}
