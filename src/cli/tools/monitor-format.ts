// fdfs_monitor's group and storage blocks (§12, exact layout of fdfs_monitor-as-monitor-list.txt,
// the `stotal_download_bytes` typo included, §16 #15).
import type { GroupStat, StorageStat } from '../../protocol/structs/index.js';
import { RwMode } from '../../protocol/status.js';
import { storageStatusCaption } from '../../protocol/status.js';
import { delayText, formatDateTime, humanSize, pad7 } from './c-format.js';

const RW_CAPTIONS: Record<number, string> = {
  [RwMode.NONE]: 'none (disabled)',
  [RwMode.READ]: 'readonly',
  [RwMode.WRITE]: 'writeonly',
  [RwMode.BOTH]: 'both (normal)',
};

function spaceLines(indent: string, total: number, free: number, reserved: number): string[] {
  const avail = Math.max(0, free - reserved);
  return [
    `${indent}disk total space     = ${pad7(humanSize(total))}`,
    `${indent}disk free space      = ${pad7(humanSize(free))}`,
    `${indent}disk reserved space  = ${pad7(humanSize(reserved))}`,
    `${indent}disk available space = ${pad7(humanSize(avail))}`,
  ];
}

/** The group block, ending with its blank line. */
export function groupBlock(g: GroupStat, storages: readonly StorageStat[]): string {
  const trunk = g.currentTrunkFileId >= 0;
  const lines = [
    `group name = ${g.groupName}`,
    ...spaceLines('', g.totalMb, g.freeMb, g.reservedMb),
    ...(trunk ? [`trunk free space = ${pad7(humanSize(g.trunkFreeMb))}`] : []),
    `storage server count = ${g.storageCount}`,
    `readable server count = ${g.readableServerCount}`,
    `writable server count = ${g.writableServerCount}`,
    `storage server port = ${g.storagePort}`,
    `store path count = ${g.storePathCount}`,
    `subdir count per path = ${g.subdirCountPerPath}`,
    `current write server index = ${g.currentWriteServer}`,
  ];
  const trunkServer = trunk ? storages.find((s) => s.ifTrunkServer) : undefined;
  if (trunkServer) {
    lines.push(
      `current trunk server = ${trunkServer.id} (${trunkServer.ipAddr})`,
      `current trunk file id = ${g.currentTrunkFileId}`,
    );
  }
  return `${lines.join('\n')}\n\n`;
}

/** " (N delay)", "(never synced)" or "" (no other storage has a source update). */
function syncedDelay(s: StorageStat, all: readonly StorageStat[]): string {
  let maxSourceUpdate = 0;
  for (const p of all) {
    if (p !== s && p.stat.lastSourceUpdate > maxSourceUpdate) {
      maxSourceUpdate = p.stat.lastSourceUpdate;
    }
  }
  if (maxSourceUpdate === 0) return '';
  if (s.stat.lastSyncedTimestamp === 0) return '(never synced)';
  return `(${delayText(maxSourceUpdate - s.stat.lastSyncedTimestamp)} delay)`;
}

const COUNTERS: [label: string, key: keyof StorageStat['stat']][] = [
  ['total_upload_count', 'totalUploadCount'],
  ['success_upload_count', 'successUploadCount'],
  ['total_append_count', 'totalAppendCount'],
  ['success_append_count', 'successAppendCount'],
  ['total_modify_count', 'totalModifyCount'],
  ['success_modify_count', 'successModifyCount'],
  ['total_truncate_count', 'totalTruncateCount'],
  ['success_truncate_count', 'successTruncateCount'],
  ['total_set_meta_count', 'totalSetMetaCount'],
  ['success_set_meta_count', 'successSetMetaCount'],
  ['total_delete_count', 'totalDeleteCount'],
  ['success_delete_count', 'successDeleteCount'],
  ['total_download_count', 'totalDownloadCount'],
  ['success_download_count', 'successDownloadCount'],
  ['total_get_meta_count', 'totalGetMetaCount'],
  ['success_get_meta_count', 'successGetMetaCount'],
  ['total_create_link_count', 'totalCreateLinkCount'],
  ['success_create_link_count', 'successCreateLinkCount'],
  ['total_delete_link_count', 'totalDeleteLinkCount'],
  ['success_delete_link_count', 'successDeleteLinkCount'],
  ['total_upload_bytes', 'totalUploadBytes'],
  ['success_upload_bytes', 'successUploadBytes'],
  ['total_append_bytes', 'totalAppendBytes'],
  ['success_append_bytes', 'successAppendBytes'],
  ['total_modify_bytes', 'totalModifyBytes'],
  ['success_modify_bytes', 'successModifyBytes'],
  ['stotal_download_bytes', 'totalDownloadBytes'],
  ['success_download_bytes', 'successDownloadBytes'],
  ['total_sync_in_bytes', 'totalSyncInBytes'],
  ['success_sync_in_bytes', 'successSyncInBytes'],
  ['total_sync_out_bytes', 'totalSyncOutBytes'],
  ['success_sync_out_bytes', 'successSyncOutBytes'],
  ['total_file_open_count', 'totalFileOpenCount'],
  ['success_file_open_count', 'successFileOpenCount'],
  ['total_file_read_count', 'totalFileReadCount'],
  ['success_file_read_count', 'successFileReadCount'],
  ['total_file_write_count', 'totalFileWriteCount'],
  ['success_file_write_count', 'successFileWriteCount'],
];

/** The `\tStorage k:` block of one storage of `all`. */
export function storageBlock(k: number, s: StorageStat, all: readonly StorageStat[]): string {
  const st = s.stat;
  const lines = [
    `Storage ${k}:`,
    `\tid = ${s.id}`,
    `\thost = ${s.ipAddr}:${s.storagePort}  ${storageStatusCaption(s.status)}`,
    `\tread write mode = ${RW_CAPTIONS[s.rwMode] ?? 'unknown'}`,
    `\tversion = ${s.version}`,
    `\tjoin time = ${formatDateTime(s.joinTime)}`,
    `\tup time = ${s.upTime === 0 ? '' : formatDateTime(s.upTime)}`,
    ...spaceLines('\t', s.totalMb, s.freeMb, s.reservedMb),
    `\tupload priority = ${s.uploadPriority}`,
    `\tstore_path_count = ${s.storePathCount}`,
    `\tsubdir_count_per_path = ${s.subdirCountPerPath}`,
    `\tcurrent_write_path = ${s.currentWritePath}`,
    `\tsource storage id = ${s.srcId}`,
    `\tif_trunk_server = ${s.ifTrunkServer}`,
    `\tconnection.alloc_count = ${st.connection.allocCount}`,
    `\tconnection.current_count = ${st.connection.currentCount}`,
    `\tconnection.max_count = ${st.connection.maxCount}`,
    ...COUNTERS.map(([label, key]) => `\t${label} = ${String(st[key])}`),
    `\tlast_heart_beat_time = ${formatDateTime(st.lastHeartBeatTime)}`,
    `\tlast_source_update = ${formatDateTime(st.lastSourceUpdate)}`,
    `\tlast_sync_update = ${formatDateTime(st.lastSyncUpdate)}`,
    `\tlast_synced_timestamp = ${formatDateTime(st.lastSyncedTimestamp)} ${syncedDelay(s, all)}`,
  ];
  return lines.map((l) => `\t${l}\n`).join('');
}
