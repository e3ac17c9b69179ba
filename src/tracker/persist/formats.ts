// Byte-exact writers and readers of the tracker's data files (§9.9, §16 #19), so that they stay
// interchangeable with a C tracker's (and GET_ONE_SYS_FILE copies them byte for byte).
import { formatKeyValues, intValue, parseKeyValues } from '../../common/kv-file.js';
import { formatChangelogLine, type ChangelogEntry } from '../state/changes.js';
import { formatSection, int, parseStateFile, sectionNumber, str } from './state-file.js';

export interface PersistedGroup {
  groupName: string;
  storagePort: number;
  storePathCount: number;
  subdirCountPerPath: number;
  currentTrunkFileId: number;
  trunkServer: string;
  lastTrunkServer: string;
}

/** The counters saved per storage, in file order. Modify/truncate counters are not saved (§16 #11). */
export const SAVED_COUNTERS = [
  'total_upload_count',
  'success_upload_count',
  'total_append_count',
  'success_append_count',
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

export type SavedCounter = (typeof SAVED_COUNTERS)[number];

export interface PersistedStorage {
  /** Present only with use_storage_id (the C tracker writes no `id=` line otherwise). */
  id: string | undefined;
  groupName: string;
  ipAddr: string;
  status: number;
  version: string;
  joinTime: number;
  storagePort: number;
  syncSrcServer: string;
  syncUntilTimestamp: number;
  totalMb: number;
  freeMb: number;
  changelogOffset: number;
  storePathCount: number;
  subdirCountPerPath: number;
  uploadPriority: number;
  /** i64 counters: byte counts can pass 2^53. */
  counters: Record<SavedCounter, bigint>;
  lastSourceUpdate: number;
  lastSyncUpdate: number;
  lastSyncedTimestamp: number;
  lastHeartBeatTime: number;
}

/** One row of storage_sync_timestamp.dat: a source and its timestamp towards each storage. */
export interface SyncTimestampRow {
  groupName: string;
  srcId: string;
  timestamps: number[];
}

export interface TrackerStatusFile {
  upTime: number;
  lastCheckTime: number;
}

export function formatGroupsFile(groups: readonly PersistedGroup[]): string {
  let out = formatSection('Global', [['group_count', groups.length]]) + '\n';
  groups.forEach((g, i) => {
    out += formatSection(
      sectionNumber('Group', i + 1),
      [
        ['group_name', g.groupName],
        ['storage_port', g.storagePort],
        ['store_path_count', g.storePathCount],
        ['subdir_count_per_path', g.subdirCountPerPath],
        ['current_trunk_file_id', g.currentTrunkFileId],
        ['trunk_server', g.trunkServer],
        ['last_trunk_server', g.lastTrunkServer],
      ],
      `group: ${g.groupName}`,
    );
    out += '\n';
  });
  return out;
}

export function parseGroupsFile(text: string): PersistedGroup[] {
  return parseStateFile(text)
    .filter((s) => s.name.startsWith('Group'))
    .map((s) => ({
      groupName: str(s, 'group_name'),
      storagePort: int(s, 'storage_port'),
      storePathCount: int(s, 'store_path_count'),
      subdirCountPerPath: int(s, 'subdir_count_per_path'),
      currentTrunkFileId: int(s, 'current_trunk_file_id'),
      trunkServer: str(s, 'trunk_server'),
      lastTrunkServer: str(s, 'last_trunk_server'),
    }));
}

export function formatServersFile(storages: readonly PersistedStorage[]): string {
  let out = '';
  storages.forEach((st, i) => {
    const entries: [string, string | number][] = [];
    if (st.id !== undefined) entries.push(['id', st.id]);
    entries.push(
      ['group_name', st.groupName],
      ['ip_addr', st.ipAddr],
      ['status', st.status],
      ['version', st.version],
      ['join_time', st.joinTime],
      ['storage_port', st.storagePort],
      ['sync_src_server', st.syncSrcServer],
      ['sync_until_timestamp', st.syncUntilTimestamp],
      ['total_mb', st.totalMb],
      ['free_mb', st.freeMb],
      ['changelog_offset', st.changelogOffset],
      ['store_path_count', st.storePathCount],
      ['subdir_count_per_path', st.subdirCountPerPath],
      ['upload_priority', st.uploadPriority],
    );
    for (const key of SAVED_COUNTERS) entries.push([key, st.counters[key].toString()]);
    entries.push(
      ['last_source_update', st.lastSourceUpdate],
      ['last_sync_update', st.lastSyncUpdate],
      ['last_synced_timestamp', st.lastSyncedTimestamp],
      ['last_heart_beat_time', st.lastHeartBeatTime],
    );
    out += formatSection(
      sectionNumber('Storage', i + 1),
      entries,
      `storage: ${st.ipAddr}:${st.storagePort}`,
    );
    out += '\n';
  });
  return out + '\n' + formatSection('Global', [['storage_count', storages.length]]);
}

export function parseServersFile(text: string): PersistedStorage[] {
  return parseStateFile(text)
    .filter((s) => s.name.startsWith('Storage'))
    .map((s) => {
      const counters = {} as Record<SavedCounter, bigint>;
      for (const key of SAVED_COUNTERS) counters[key] = BigInt(s.values.get(key) || '0');
      return {
        id: s.values.has('id') ? str(s, 'id') : undefined,
        groupName: str(s, 'group_name'),
        ipAddr: str(s, 'ip_addr'),
        status: int(s, 'status'),
        version: str(s, 'version'),
        joinTime: int(s, 'join_time'),
        storagePort: int(s, 'storage_port'),
        syncSrcServer: str(s, 'sync_src_server'),
        syncUntilTimestamp: int(s, 'sync_until_timestamp'),
        totalMb: int(s, 'total_mb'),
        freeMb: int(s, 'free_mb'),
        changelogOffset: int(s, 'changelog_offset'),
        storePathCount: int(s, 'store_path_count'),
        subdirCountPerPath: int(s, 'subdir_count_per_path'),
        uploadPriority: int(s, 'upload_priority'),
        counters,
        lastSourceUpdate: int(s, 'last_source_update'),
        lastSyncUpdate: int(s, 'last_sync_update'),
        lastSyncedTimestamp: int(s, 'last_synced_timestamp'),
        lastHeartBeatTime: int(s, 'last_heart_beat_time'),
      };
    });
}

export function formatSyncTimestampFile(rows: readonly SyncTimestampRow[]): string {
  return rows.map((r) => `${[r.groupName, r.srcId, ...r.timestamps].join(',')}\n`).join('');
}

export function parseSyncTimestampFile(text: string): SyncTimestampRow[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const [groupName = '', srcId = '', ...rest] = line.split(',');
      return { groupName, srcId, timestamps: rest.map((t) => Number(t) || 0) };
    });
}

export function formatTrackerStatus(s: TrackerStatusFile): string {
  return formatKeyValues([
    ['up_time', s.upTime],
    ['last_check_time', s.lastCheckTime],
  ]);
}

export function parseTrackerStatus(text: string): TrackerStatusFile {
  const values = parseKeyValues(text);
  return {
    upTime: intValue(values, 'up_time'),
    lastCheckTime: intValue(values, 'last_check_time'),
  };
}

export { formatChangelogLine, type ChangelogEntry };

export function parseChangelog(text: string): ChangelogEntry[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const [time = '0', groupName = '', storageId = '', status = '0', newId = ''] =
        line.split(' ');
      return { time: Number(time), groupName, storageId, status: Number(status), newId };
    });
}

/** `.tracker_status` is rewritten at wall-clock multiples of 300 s (§9.9). */
export const TRACKER_STATUS_PERIOD_S = 300;

export function nextStatusCheckTime(now: number): number {
  return (Math.floor(now / TRACKER_STATUS_PERIOD_S) + 1) * TRACKER_STATUS_PERIOD_S;
}
