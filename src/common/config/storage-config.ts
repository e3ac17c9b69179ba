// storage.conf (PROTOCOL.md §10.2), plus our key `fsync_binlog`.
import { readAccessLogSettings, type AccessLogSettings } from './log-settings.js';
import { loadIni, parseIni, type IniDocument, type IniSource } from './ini.js';
import { ConfigReader } from './reader.js';
import { readServerCommon, trimPath, type ServerConfigBase } from './server-common.js';
import { readTrackerServers } from './tracker-list.js';
import {
  parseGroupName,
  parseInteger,
  parseServerId,
  type TimeOfDay,
  type TrackerAddress,
} from './values.js';

export interface StorePath {
  /** The index in file ids: `M00` is store_path0 (§7.1). */
  readonly index: number;
  readonly path: string;
  /** store_pathN_readonly: no new uploads to this path. */
  readonly readonly: boolean;
}

export interface StorageConfig extends ServerConfigBase {
  /** Ignored lines and unknown keys, each naming file:line. */
  readonly warnings: readonly string[];
  /** group_name; undefined means "ask the tracker" (cmd 109) */
  readonly groupName: string | undefined;
  /** client_bind: bind outgoing connections to bind_addr */
  readonly clientBind: boolean;
  /** server_id (NAT setups), undefined when absent or empty */
  readonly serverId: string | undefined;
  /** heart_beat_interval (s) */
  readonly heartBeatInterval: number;
  /** stat_report_interval (s) */
  readonly statReportInterval: number;
  readonly diskRwSeparated: boolean;
  readonly diskReaderThreads: number;
  readonly diskWriterThreads: number;
  readonly syncMinThreads: number;
  /** sync_max_threads as written */
  readonly syncMaxThreads: number | 'auto';
  /** Derived: sync_max_threads, `auto` being 2 × store_path_count. */
  readonly effectiveSyncMaxThreads: number;
  /** sync_wait_msec (ms) */
  readonly syncWaitMsec: number;
  /** sync_interval (ms) */
  readonly syncInterval: number;
  readonly syncStartTime: TimeOfDay;
  readonly syncEndTime: TimeOfDay;
  readonly writeMarkFileFreq: number;
  readonly diskRecoveryThreads: number;
  readonly storePathCount: number;
  /** Derived: store_path0..N-1 (store_path0 defaults to base_path) with their read-only flags. */
  readonly storePaths: readonly StorePath[];
  readonly subdirCountPerPath: number;
  /** tracker_server (required) */
  readonly trackerServers: readonly TrackerAddress[];
  /** file_distribute_path_mode: 0 round robin, 1 hash (§7.4) */
  readonly fileDistributePathMode: 0 | 1;
  readonly fileDistributeRotateCount: number;
  /** fsync_after_written_bytes (0 = never) */
  readonly fsyncAfterWrittenBytes: number;
  /** sync_binlog_buff_interval (s) */
  readonly syncBinlogBuffInterval: number;
  /** sync_stat_file_interval (s) */
  readonly syncStatFileInterval: number;
  readonly uploadPriority: number;
  readonly ifAliasPrefix: string;
  /** check_file_duplicate (FastDHT, stored only) */
  readonly checkFileDuplicate: boolean;
  readonly fileSignatureMethod: 'hash' | 'md5';
  readonly keyNamespace: string;
  readonly keepAlive: boolean;
  readonly fileSyncSkipInvalidRecord: boolean;
  readonly compressBinlog: boolean;
  readonly compressBinlogTime: TimeOfDay;
  readonly checkStorePathMark: boolean;
  /** [access-log] */
  readonly accessLog: AccessLogSettings;
  /** Ours: fsync each binlog write (group commit) before answering. */
  readonly fsyncBinlog: boolean;
}

/** Keys of older FastDFS samples, accepted and ignored. */
const LEGACY_KEYS = [
  'use_access_log',
  'rotate_access_log',
  'access_log_rotate_time',
  'compress_old_access_log',
  'compress_access_log_days_before',
  'rotate_error_log',
  'error_log_rotate_time',
  'compress_old_error_log',
  'compress_error_log_days_before',
  'rotate_access_log_size',
  'rotate_error_log_size',
  'http.domain_name',
  'http.server_port',
];

/** One byte of the file id names the path (M00..MFF). */
const MAX_STORE_PATHS = 256;

function readStorePaths(r: ConfigReader, basePath: string, count: number): StorePath[] {
  const paths = new Map<number, string>();
  const readonly = new Map<number, boolean>();
  for (const e of r.matching(/^store_path\d+(_readonly)?$/)) {
    const m = /^store_path(\d+)(_readonly)?$/.exec(e.key)!;
    const index = Number(m[1]);
    if (index >= count) {
      r.warnings.push(
        `${e.file}:${e.line}: ${e.key} is beyond store_path_count = ${count} (ignored)`,
      );
    } else if (m[2]) {
      readonly.set(index, r.bool(e.key, false));
    } else if (e.value !== '') {
      paths.set(index, trimPath(r.entry(e.key)!.value));
    }
  }
  const result: StorePath[] = [];
  for (let index = 0; index < count; index++) {
    const path =
      paths.get(index) ?? (index === 0 ? basePath : r.require(`store_path${index}`).value);
    result.push({ index, path, readonly: readonly.get(index) ?? false });
  }
  return result;
}

function readSyncMaxThreads(r: ConfigReader, min: number): number | 'auto' {
  const e = r.entry('sync_max_threads');
  if (!e || e.value.toLowerCase() === 'auto') return 'auto';
  return parseInteger(e.value, e, { min });
}

function readServerId(r: ConfigReader): string | undefined {
  const e = r.entry('server_id');
  return e && parseServerId(e.value, e);
}

function storageConfigFrom(doc: IniDocument): StorageConfig {
  const r = new ConfigReader(doc);
  const common = readServerCommon(r, { port: 23000, threadStackSize: 512 * 1024 });
  const groupEntry = r.entry('group_name');
  const storePathCount = r.int('store_path_count', 1, { min: 1, max: MAX_STORE_PATHS });
  const syncMinThreads = r.int('sync_min_threads', 1, { min: 1 });
  const syncMaxThreads = readSyncMaxThreads(r, syncMinThreads);
  const checkFileDuplicate = r.bool('check_file_duplicate', false);
  r.ignore(...LEGACY_KEYS);
  const config: Omit<StorageConfig, 'warnings'> = {
    ...common,
    groupName: groupEntry && parseGroupName(groupEntry.value, groupEntry),
    clientBind: r.bool('client_bind', true),
    serverId: readServerId(r),
    heartBeatInterval: r.int('heart_beat_interval', 30, { min: 1 }),
    statReportInterval: r.int('stat_report_interval', 300, { min: 1 }),
    diskRwSeparated: r.bool('disk_rw_separated', true),
    diskReaderThreads: r.int('disk_reader_threads', 1, { min: 0 }),
    diskWriterThreads: r.int('disk_writer_threads', 1, { min: 0 }),
    syncMinThreads,
    syncMaxThreads,
    effectiveSyncMaxThreads: syncMaxThreads === 'auto' ? 2 * storePathCount : syncMaxThreads,
    syncWaitMsec: r.int('sync_wait_msec', 100, { min: 1 }),
    syncInterval: r.int('sync_interval', 0, { min: 0 }),
    syncStartTime: r.time('sync_start_time', { hour: 0, minute: 0 }),
    syncEndTime: r.time('sync_end_time', { hour: 23, minute: 59 }),
    writeMarkFileFreq: r.int('write_mark_file_freq', 500, { min: 1 }),
    diskRecoveryThreads: r.int('disk_recovery_threads', 1, { min: 1 }),
    storePathCount,
    storePaths: readStorePaths(r, common.basePath, storePathCount),
    subdirCountPerPath: r.int('subdir_count_per_path', 256, { min: 1, max: 256 }),
    trackerServers: readTrackerServers(r, true),
    fileDistributePathMode: r.oneOf('file_distribute_path_mode', 0, { '0': 0, '1': 1 } as const),
    fileDistributeRotateCount: r.int('file_distribute_rotate_count', 100, { min: 1 }),
    fsyncAfterWrittenBytes: r.bytes('fsync_after_written_bytes', 0),
    syncBinlogBuffInterval: r.int('sync_binlog_buff_interval', 60, { min: 0 }),
    syncStatFileInterval: r.int('sync_stat_file_interval', 60, { min: 1 }),
    uploadPriority: r.int('upload_priority', 10),
    ifAliasPrefix: r.string('if_alias_prefix', ''),
    checkFileDuplicate,
    fileSignatureMethod: r.oneOf('file_signature_method', 'hash', { hash: 'hash', md5: 'md5' }),
    keyNamespace: r.string('key_namespace', ''),
    keepAlive: r.bool('keep_alive', false),
    fileSyncSkipInvalidRecord: r.bool('file_sync_skip_invalid_record', false),
    compressBinlog: r.bool('compress_binlog', false),
    compressBinlogTime: r.time('compress_binlog_time', { hour: 1, minute: 30 }),
    checkStorePathMark: r.bool('check_store_path_mark', true),
    accessLog: readAccessLogSettings(r, common.log),
    fsyncBinlog: r.bool('fsync_binlog', false),
  };
  if (checkFileDuplicate) {
    r.warnings.push(`${doc.file}: check_file_duplicate (FastDHT) is not supported and is ignored`);
  }
  return { ...config, warnings: r.finish() };
}

/** Parse storage.conf text (tests, embedded configs). */
export function parseStorageConfig(text: string, source: IniSource): StorageConfig {
  return storageConfigFrom(parseIni(text, source));
}

/** Read storage.conf and the files it includes (start-up only). */
export async function loadStorageConfig(path: string): Promise<StorageConfig> {
  return storageConfigFrom(await loadIni(path));
}
