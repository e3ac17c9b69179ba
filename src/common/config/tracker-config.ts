// tracker.conf (PROTOCOL.md §10.1), plus our keys `wire_compat` and `tracker_server`.
import { isIPv6 } from 'node:net';
import { resolve } from 'node:path';
import { IPV4_ADDRESS_SIZE, IPV6_ADDRESS_SIZE } from '../../protocol/constants.js';
import { loadIni, parseIni, type IniDocument, type IniSource } from './ini.js';
import { ConfigReader } from './reader.js';
import { readServerCommon, type ServerConfigBase } from './server-common.js';
import type { StorageIdConfigEntry } from './storage-ids.js';
import { readTrackerServers } from './tracker-list.js';
import {
  parseEnum,
  parseGroupName,
  parseReservedSpace,
  type ReservedSpace,
  type TimeOfDay,
  type TrackerAddress,
} from './values.js';

/** Our key `wire_compat`: which FastDFS release's reply layouts to send. */
export type WireCompat = '6.16' | '6.15' | '6.10';
/** `response_ip_addr_size` as configured: auto, or a fixed 16 / 46 (§10.1). */
export type ResponseIpAddrSizeMode = 'auto' | 16 | 46;
export type IdType = 'ip' | 'id';

export interface TrackerConfig extends ServerConfigBase {
  /** Ignored lines and unknown keys, each naming file:line. */
  readonly warnings: readonly string[];
  /** response_ip_addr_size: `auto`, `IPv4`/`16` → 16, `IPv6`/`46` → 46 */
  readonly responseIpAddrSize: ResponseIpAddrSizeMode;
  /** store_lookup (§3.4): 0 round robin, 1 store_group, 2 most free space */
  readonly storeLookup: 0 | 1 | 2;
  /** store_group (required when store_lookup = 1) */
  readonly storeGroup: string | undefined;
  /** store_server as written (§3.4) */
  readonly storeServer: 0 | 1 | 2;
  /** Derived: store_server, with 0 forced to 1 when use_trunk_file (as FastDFS does). */
  readonly effectiveStoreServer: 0 | 1 | 2;
  /** store_path: 0 round robin, 2 most free space */
  readonly storePath: 0 | 2;
  /** download_server: 0 round robin, 1 source first */
  readonly downloadServer: 0 | 1;
  /** reserved_storage_space (§9.6) */
  readonly reservedStorageSpace: ReservedSpace;
  /** check_active_interval (s) */
  readonly checkActiveInterval: number;
  readonly storageIpChangedAutoAdjust: boolean;
  /** storage_sync_file_max_delay (s) */
  readonly storageSyncFileMaxDelay: number;
  /** storage_sync_file_max_time (s) */
  readonly storageSyncFileMaxTime: number;
  readonly useTrunkFile: boolean;
  /** slot_min_size (bytes) */
  readonly slotMinSize: number;
  /** slot_max_size (bytes; default trunk_file_size / 8) */
  readonly slotMaxSize: number;
  readonly trunkAllocAlignmentSize: number;
  readonly trunkFreeSpaceMerge: boolean;
  readonly deleteUnusedTrunkFiles: boolean;
  /** trunk_file_size (bytes) */
  readonly trunkFileSize: number;
  readonly trunkCreateFileAdvance: boolean;
  readonly trunkCreateFileTimeBase: TimeOfDay;
  /** trunk_create_file_interval (s) */
  readonly trunkCreateFileInterval: number;
  /** trunk_create_file_space_threshold (bytes) */
  readonly trunkCreateFileSpaceThreshold: number;
  readonly trunkInitCheckOccupying: boolean;
  readonly trunkInitReloadFromBinlog: boolean;
  readonly trunkCompressBinlogMinInterval: number;
  readonly trunkCompressBinlogInterval: number;
  readonly trunkCompressBinlogTimeBase: TimeOfDay;
  readonly trunkBinlogMaxBackups: number;
  readonly useStorageId: boolean;
  /** storage_ids_filename resolved against the config file's directory (required with ids on) */
  readonly storageIdsFilename: string | undefined;
  /** id_type_in_filename as written */
  readonly idTypeInFilename: IdType;
  /** Derived: the id type really used in file names (`ip` whenever use_storage_id is off). */
  readonly effectiveIdType: IdType;
  readonly trustStorageServerId: boolean;
  readonly storeSlaveFileUseLink: boolean;
  /** Ours: reply layouts of this FastDFS release (default 6.16). */
  readonly wireCompat: WireCompat;
  /** Ours, tracker_server: the peer trackers of this tracker's cluster (may be empty). */
  readonly trackerServers: readonly TrackerAddress[];
}

const MB = 1024 * 1024;

/** Keys of older FastDFS samples, accepted and ignored. */
const LEGACY_KEYS = [
  'http.server_port',
  'http.check_alive_interval',
  'http.check_alive_type',
  'http.check_alive_uri',
  'rotate_error_log',
  'error_log_rotate_time',
  'rotate_error_log_size',
];

function readResponseIpAddrSize(r: ConfigReader): ResponseIpAddrSizeMode {
  const e = r.entry('response_ip_addr_size');
  if (!e) return 'auto';
  return parseEnum<ResponseIpAddrSizeMode>(e.value, e, {
    auto: 'auto',
    IPv4: 16,
    '16': 16,
    IPv6: 46,
    '46': 46,
  });
}

function readTrunkSizes(r: ConfigReader) {
  const trunkFileSize = r.bytes('trunk_file_size', 64 * MB, { min: 4 * MB });
  const slotMinSize = r.bytes('slot_min_size', 256, { min: 1, max: 64 * 1024 });
  const slotMaxSize = r.bytes('slot_max_size', Math.floor(trunkFileSize / 8), {
    min: slotMinSize + 1,
    max: Math.floor(trunkFileSize / 2),
  });
  return { trunkFileSize, slotMinSize, slotMaxSize };
}

function trackerConfigFrom(doc: IniDocument): TrackerConfig {
  const r = new ConfigReader(doc);
  const common = readServerCommon(r, { port: 22122, threadStackSize: 256 * 1024 });
  const storeLookup = r.oneOf('store_lookup', 0, { '0': 0, '1': 1, '2': 2 } as const);
  const storeGroupEntry = storeLookup === 1 ? r.require('store_group') : r.entry('store_group');
  const storeServer = r.oneOf('store_server', 0, { '0': 0, '1': 1, '2': 2 } as const);
  const useTrunkFile = r.bool('use_trunk_file', false);
  const useStorageId = r.bool('use_storage_id', false);
  const idsEntry = useStorageId
    ? r.require('storage_ids_filename')
    : r.entry('storage_ids_filename');
  const idTypeInFilename = r.oneOf<IdType>('id_type_in_filename', 'ip', { ip: 'ip', id: 'id' });
  const reserved = r.entry('reserved_storage_space');
  r.ignore(...LEGACY_KEYS);
  const config: Omit<TrackerConfig, 'warnings'> = {
    ...common,
    responseIpAddrSize: readResponseIpAddrSize(r),
    storeLookup,
    storeGroup: storeGroupEntry && parseGroupName(storeGroupEntry.value, storeGroupEntry),
    storeServer,
    effectiveStoreServer: useTrunkFile && storeServer === 0 ? 1 : storeServer,
    storePath: r.oneOf('store_path', 0, { '0': 0, '2': 2 } as const),
    downloadServer: r.oneOf('download_server', 0, { '0': 0, '1': 1 } as const),
    reservedStorageSpace: reserved
      ? parseReservedSpace(reserved.value, reserved)
      : { kind: 'mb', mb: 1024 },
    checkActiveInterval: r.int('check_active_interval', 100, { min: 1 }),
    storageIpChangedAutoAdjust: r.bool('storage_ip_changed_auto_adjust', true),
    storageSyncFileMaxDelay: r.int('storage_sync_file_max_delay', 86400, { min: 1 }),
    storageSyncFileMaxTime: r.int('storage_sync_file_max_time', 300, { min: 1 }),
    useTrunkFile,
    ...readTrunkSizes(r),
    trunkAllocAlignmentSize: r.bytes('trunk_alloc_alignment_size', 0),
    trunkFreeSpaceMerge: r.bool('trunk_free_space_merge', false),
    deleteUnusedTrunkFiles: r.bool('delete_unused_trunk_files', false),
    trunkCreateFileAdvance: r.bool('trunk_create_file_advance', false),
    trunkCreateFileTimeBase: r.time('trunk_create_file_time_base', { hour: 2, minute: 0 }),
    trunkCreateFileInterval: r.int('trunk_create_file_interval', 86400, { min: 0 }),
    trunkCreateFileSpaceThreshold: r.bytes('trunk_create_file_space_threshold', 0),
    trunkInitCheckOccupying: r.bool('trunk_init_check_occupying', false),
    trunkInitReloadFromBinlog: r.bool('trunk_init_reload_from_binlog', false),
    trunkCompressBinlogMinInterval: r.int('trunk_compress_binlog_min_interval', 0, { min: 0 }),
    trunkCompressBinlogInterval: r.int('trunk_compress_binlog_interval', 0, { min: 0 }),
    trunkCompressBinlogTimeBase: r.time('trunk_compress_binlog_time_base', { hour: 3, minute: 0 }),
    trunkBinlogMaxBackups: r.int('trunk_binlog_max_backups', 0, { min: 0 }),
    useStorageId,
    storageIdsFilename: idsEntry && resolve(doc.baseDir, idsEntry.value),
    idTypeInFilename,
    effectiveIdType: useStorageId ? idTypeInFilename : 'ip',
    trustStorageServerId: r.bool('trust_storage_server_id', true),
    storeSlaveFileUseLink: r.bool('store_slave_file_use_link', false),
    wireCompat: r.oneOf<WireCompat>('wire_compat', '6.16', {
      '6.16': '6.16',
      '6.15': '6.15',
      '6.10': '6.10',
    }),
    trackerServers: readTrackerServers(r, false),
  };
  const ipv6 = config.addressFamily === 'IPv6' || config.addressFamily === 'both';
  if (ipv6 && config.effectiveIdType !== 'id') {
    r.warnings.push(
      `${doc.file}: address_family = ${config.addressFamily} needs use_storage_id = true and id_type_in_filename = id`,
    );
  }
  return { ...config, warnings: r.finish() };
}

/** Parse tracker.conf text (tests, embedded configs). */
export function parseTrackerConfig(text: string, source: IniSource): TrackerConfig {
  return trackerConfigFrom(parseIni(text, source));
}

/** Read tracker.conf and the files it includes (start-up only). */
export async function loadTrackerConfig(path: string): Promise<TrackerConfig> {
  return trackerConfigFrom(await loadIni(path));
}

/**
 * The size S of IP fields in replies (§10.1, §4.4): 16 under wire_compat 6.10; else the
 * configured 16 or 46; `auto` gives 46 only when storage ids are on and one of them has an
 * IPv6 address.
 */
export function responseIpSize(
  config: Pick<TrackerConfig, 'wireCompat' | 'responseIpAddrSize' | 'useStorageId'>,
  storageIds: readonly StorageIdConfigEntry[] | undefined,
): 16 | 46 {
  if (config.wireCompat === '6.10') return IPV4_ADDRESS_SIZE;
  if (config.responseIpAddrSize !== 'auto') {
    return config.responseIpAddrSize === 46 ? IPV6_ADDRESS_SIZE : IPV4_ADDRESS_SIZE;
  }
  const anyIPv6 = storageIds?.some((entry) => entry.ips.some((ip) => isIPv6(ip))) ?? false;
  return config.useStorageId && anyIPv6 ? IPV6_ADDRESS_SIZE : IPV4_ADDRESS_SIZE;
}
