// The storage statistics a storage reports in its beat (§4.3) and the tracker keeps per record.

/**
 * The i64 counters of the statistics block, in wire order (§4.3). The names are the keys of
 * storage_servers_new.dat (§9.9), so the persistence code can write them as they are.
 */
export const STAT_COUNTER_NAMES = [
  'total_upload_count',
  'success_upload_count',
  'total_append_count',
  'success_append_count',
  'total_modify_count',
  'success_modify_count',
  'total_truncate_count',
  'success_truncate_count',
  'total_set_meta_count',
  'success_set_meta_count',
  'total_delete_count',
  'success_delete_count',
  'total_download_count',
  'success_download_count',
  'total_get_meta_count',
  'success_get_meta_count',
  'total_create_link_count',
  'success_create_link_count',
  'total_delete_link_count',
  'success_delete_link_count',
  'total_upload_bytes',
  'success_upload_bytes',
  'total_append_bytes',
  'success_append_bytes',
  'total_modify_bytes',
  'success_modify_bytes',
  'total_download_bytes',
  'success_download_bytes',
  'total_sync_in_bytes',
  'success_sync_in_bytes',
  'total_sync_out_bytes',
  'success_sync_out_bytes',
  'total_file_open_count',
  'success_file_open_count',
  'total_file_read_count',
  'success_file_read_count',
  'total_file_write_count',
  'success_file_write_count',
] as const;

export type StatCounterName = (typeof STAT_COUNTER_NAMES)[number];

/** i64 on the wire: bigint, since byte counters can pass 2^53. */
export type StatCounters = Record<StatCounterName, bigint>;

export function emptyCounters(): StatCounters {
  const counters = {} as StatCounters;
  for (const name of STAT_COUNTER_NAMES) counters[name] = 0n;
  return counters;
}

export interface ConnectionCounts {
  allocCount: number;
  currentCount: number;
  maxCount: number;
}

/**
 * What a beat carries (cmd 83): the block of §4.3 without its last two fields, which the tracker
 * computes itself (last_synced_timestamp, last_heart_beat_time).
 */
export interface StorageStatReport {
  connection: ConnectionCounts;
  counters: StatCounters;
  lastSourceUpdate: number;
  lastSyncUpdate: number;
}
