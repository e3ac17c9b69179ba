// The storage's own state files (§8.10): `.data_init_flag` and `storage_stat.dat`, written with
// exactly the C storage's keys in its order, so either implementation can read the other's.
import { formatKeyValues, intValue, parseKeyValues } from '../../common/kv-file.js';

export interface DataInitFlag {
  storageJoinTime: number;
  syncOldDone: boolean;
  syncSrcServer: string;
  syncUntilTimestamp: number;
  lastIpAddr: string;
  lastServerPort: number;
  currentTrunkFileId: number;
  trunkLastCompressTime: number;
  trunkBinlogCompressStage: number;
  /** store_path_mark<i> per store path (present when check_store_path_mark is on). */
  storePathMarks: string[];
}

export function formatDataInitFlag(f: DataInitFlag): string {
  return formatKeyValues([
    ['storage_join_time', f.storageJoinTime],
    ['sync_old_done', f.syncOldDone ? 1 : 0],
    ['sync_src_server', f.syncSrcServer],
    ['sync_until_timestamp', f.syncUntilTimestamp],
    ['last_ip_addr', f.lastIpAddr],
    ['last_server_port', f.lastServerPort],
    ['current_trunk_file_id', f.currentTrunkFileId],
    ['trunk_last_compress_time', f.trunkLastCompressTime],
    ['trunk_binlog_compress_stage', f.trunkBinlogCompressStage],
    ...f.storePathMarks.map((m, i) => [`store_path_mark${i}`, m] as const),
  ]);
}

export function parseDataInitFlag(text: string): DataInitFlag {
  const v = parseKeyValues(text);
  const marks: string[] = [];
  for (let i = 0; v.has(`store_path_mark${i}`); i++) marks.push(v.get(`store_path_mark${i}`)!);
  return {
    storageJoinTime: intValue(v, 'storage_join_time'),
    syncOldDone: intValue(v, 'sync_old_done') === 1,
    syncSrcServer: v.get('sync_src_server') ?? '',
    syncUntilTimestamp: intValue(v, 'sync_until_timestamp'),
    lastIpAddr: v.get('last_ip_addr') ?? '',
    lastServerPort: intValue(v, 'last_server_port'),
    currentTrunkFileId: intValue(v, 'current_trunk_file_id'),
    trunkLastCompressTime: intValue(v, 'trunk_last_compress_time'),
    trunkBinlogCompressStage: intValue(v, 'trunk_binlog_compress_stage'),
    storePathMarks: marks,
  };
}

/** The 43 keys of storage_stat.dat in the C storage's order (§8.10, §16 #19). */
export const STORAGE_STAT_KEYS = [
  'total_upload_count',
  'success_upload_count',
  'total_append_count',
  'success_append_count',
  'total_modify_count',
  'success_modify_count',
  'total_truncate_count',
  'success_truncate_count',
  'total_download_count',
  'success_download_count',
  'last_source_update',
  'last_sync_update',
  'total_set_meta_count',
  'success_set_meta_count',
  'total_delete_count',
  'success_delete_count',
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
  'dist_path_index_high',
  'dist_path_index_low',
  'dist_write_file_count',
] as const;

export type StorageStatKey = (typeof STORAGE_STAT_KEYS)[number];
export type StorageStatFile = Record<StorageStatKey, number>;

export function formatStorageStatFile(stats: StorageStatFile): string {
  return formatKeyValues(STORAGE_STAT_KEYS.map((k) => [k, stats[k]] as const));
}

export function parseStorageStatFile(text: string): StorageStatFile {
  const v = parseKeyValues(text);
  const out = {} as StorageStatFile;
  for (const k of STORAGE_STAT_KEYS) out[k] = intValue(v, k);
  return out;
}
