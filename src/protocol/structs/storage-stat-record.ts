// Storage stat record of LIST_STORAGE (92): §4.4 (487 bytes with 16-byte IPs, 517 with 46) and the
// ≤ 6.10 record of §14.5 (612 bytes: domain_name[128], version[6], storage_http_port, and no
// rw_mode / reserved_mb). A reply holds N records; the record size is told by the body length.
import { BufferReader, BufferWriter } from '../buffer.js';
import { DOMAIN_NAME_MAX_SIZE, STORAGE_ID_MAX_SIZE, VERSION_SIZE } from '../constants.js';
import { FdfsError } from '../errors.js';
import { RwMode } from '../status.js';
import { expectLength, joinRecords, splitRecords, writeU8 } from './fields.js';
import {
  readStorageStatBlock,
  writeStorageStatBlock,
  type StorageStatBlock,
} from './storage-stat-block.js';

/** 'ip16' / 'ip46': §4.4 with S = 16 / 46 (6.13.1+); '6.10': the §14.5 record of 6.10 and earlier. */
export type StorageStatLayout = 'ip16' | 'ip46' | '6.10';

export const STORAGE_STAT_SIZES: Readonly<Record<StorageStatLayout, number>> = {
  ip16: 487,
  ip46: 517,
  '6.10': 612,
};

const LEGACY_VERSION_SIZE = 6;
const LEGACY_IP_SIZE = 16;

export interface StorageStat {
  /** §3.3 */
  status: number;
  /** 0 / 2 / 4 / 6 (§3.4); RwMode.BOTH when read from a ≤ 6.10 record, which has no such field. */
  rwMode: number;
  id: string;
  /** The address as seen from the requester (§9.10). */
  ipAddr: string;
  /** Sync source storage id, or empty. */
  srcId: string;
  version: string;
  joinTime: number;
  /** 0 once the storage has gone offline. */
  upTime: number;
  totalMb: number;
  freeMb: number;
  /** 0 when read from a ≤ 6.10 record. */
  reservedMb: number;
  uploadPriority: number;
  storePathCount: number;
  subdirCountPerPath: number;
  currentWritePath: number;
  storagePort: number;
  stat: StorageStatBlock;
  /** 1 if this storage is its group's trunk server. */
  ifTrunkServer: number;
  /** Only in the ≤ 6.10 record (written as "" when absent). */
  domainName?: string;
  /** Only in the ≤ 6.10 record (written as 0 when absent). */
  storageHttpPort?: number;
}

export interface StorageStatOptions {
  layout: StorageStatLayout;
}

/** The layout of a LIST_STORAGE body: a multiple of 487, of 517, then of 612 (the first that fits). */
export function storageStatLayoutOf(bodyLength: number): StorageStatLayout {
  // A length that is a multiple of two sizes needs hundreds of records (lcm 487×517 = 251779),
  // far beyond the 32 storages of a group, so the order below never matters in practice.
  for (const layout of ['ip16', 'ip46', '6.10'] as const) {
    if (bodyLength > 0 && bodyLength % STORAGE_STAT_SIZES[layout] === 0) return layout;
  }
  throw new FdfsError(
    'ERR_BAD_BODY',
    `storage stat list: body length ${bodyLength} is not a multiple of 487, 517 or 612`,
  );
}

function writeStorageStat(w: BufferWriter, v: StorageStat, layout: StorageStatLayout): void {
  const legacy = layout === '6.10';
  writeU8(w, v.status, 'storage stat status');
  if (!legacy) writeU8(w, v.rwMode, 'storage stat rw_mode');
  w.fixedString(STORAGE_ID_MAX_SIZE, v.id);
  w.fixedString(layout === 'ip46' ? 46 : LEGACY_IP_SIZE, v.ipAddr);
  if (legacy) w.fixedString(DOMAIN_NAME_MAX_SIZE, v.domainName ?? '');
  w.fixedString(STORAGE_ID_MAX_SIZE, v.srcId);
  w.fixedString(legacy ? LEGACY_VERSION_SIZE : VERSION_SIZE, v.version);
  w.i64(v.joinTime).i64(v.upTime).i64(v.totalMb).i64(v.freeMb);
  if (!legacy) w.i64(v.reservedMb);
  w.i64(v.uploadPriority).i64(v.storePathCount).i64(v.subdirCountPerPath);
  w.i64(v.currentWritePath).i64(v.storagePort);
  if (legacy) w.i64(v.storageHttpPort ?? 0);
  writeStorageStatBlock(w, v.stat);
  writeU8(w, v.ifTrunkServer, 'storage stat if_trunk_server');
}

function readStorageStat(r: BufferReader, layout: StorageStatLayout): StorageStat {
  const legacy = layout === '6.10';
  const status = r.u8('status');
  const rwMode = legacy ? RwMode.BOTH : r.u8('rw_mode');
  const id = r.fixedString(STORAGE_ID_MAX_SIZE, 'id');
  const ipAddr = r.fixedString(layout === 'ip46' ? 46 : LEGACY_IP_SIZE, 'ip_addr');
  const domainName = legacy ? r.fixedString(DOMAIN_NAME_MAX_SIZE, 'domain_name') : undefined;
  const srcId = r.fixedString(STORAGE_ID_MAX_SIZE, 'src_id');
  const version = r.fixedString(legacy ? LEGACY_VERSION_SIZE : VERSION_SIZE, 'version');
  const joinTime = r.i64('join_time');
  const upTime = r.i64('up_time');
  const totalMb = r.i64('total_mb');
  const freeMb = r.i64('free_mb');
  const reservedMb = legacy ? 0 : r.i64('reserved_mb');
  const uploadPriority = r.i64('upload_priority');
  const storePathCount = r.i64('store_path_count');
  const subdirCountPerPath = r.i64('subdir_count_per_path');
  const currentWritePath = r.i64('current_write_path');
  const storagePort = r.i64('storage_port');
  const storageHttpPort = legacy ? r.i64('storage_http_port') : undefined;
  const stat = readStorageStatBlock(r);
  const ifTrunkServer = r.u8('if_trunk_server');
  const record: StorageStat = {
    status,
    rwMode,
    id,
    ipAddr,
    srcId,
    version,
    joinTime,
    upTime,
    totalMb,
    freeMb,
    reservedMb,
    uploadPriority,
    storePathCount,
    subdirCountPerPath,
    currentWritePath,
    storagePort,
    stat,
    ifTrunkServer,
  };
  if (legacy) {
    record.domainName = domainName!;
    record.storageHttpPort = storageHttpPort!;
  }
  return record;
}

export function encodeStorageStat(v: StorageStat, options: StorageStatOptions): Buffer {
  const w = new BufferWriter(STORAGE_STAT_SIZES[options.layout]);
  writeStorageStat(w, v, options.layout);
  return w.finish();
}

/** One record; its layout is told by its length (487, 517 or 612). */
export function decodeStorageStat(buf: Buffer): StorageStat {
  const layout = storageStatLayoutOf(buf.length);
  expectLength(buf, STORAGE_STAT_SIZES[layout], 'storage stat record');
  return readStorageStat(new BufferReader(buf), layout);
}

/** The LIST_STORAGE reply body. */
export function encodeStorageStatList(
  list: readonly StorageStat[],
  options: StorageStatOptions,
): Buffer {
  return joinRecords(list, STORAGE_STAT_SIZES[options.layout], (w, v) =>
    writeStorageStat(w, v, options.layout),
  );
}

/** A LIST_STORAGE reply body: N records, all of the layout told by the body length. */
export function decodeStorageStatList(buf: Buffer): StorageStat[] {
  if (buf.length === 0) return [];
  const layout = storageStatLayoutOf(buf.length);
  return splitRecords(buf, STORAGE_STAT_SIZES[layout], 'storage stat list').map((rec) =>
    readStorageStat(new BufferReader(rec), layout),
  );
}
