// SERVER_STORAGE_CLUSTER_STAT (97, since 6.16.0; §4.8, §5.2): the 4-byte StorageStatFilter request
// and the reply: a 6-byte header (use_storage_id u8, use_trunk_file u8, count i32), then count ×
// 106-byte StorageClusterStatRespBodyPart covering every storage of every group.
import { BufferReader, BufferWriter } from '../buffer.js';
import { MAX_IP_PORT_SIZE, STORAGE_ID_MAX_SIZE, VERSION_SIZE } from '../constants.js';
import { FdfsError } from '../errors.js';
import { expectLength, writeU8 } from './fields.js';
import {
  readConnectionCounters,
  writeConnectionCounters,
  type ConnectionCounters,
} from './storage-stat-block.js';

export const STORAGE_STAT_FILTER_SIZE = 4;
export const STORAGE_CLUSTER_STAT_HEADER_SIZE = 6;
export const STORAGE_CLUSTER_STAT_SIZE = 106;

/** `filterBy` bits (§3.5): 1 = compare is_trunk_server, 2 = compare status with `opType`. */
export interface StorageStatFilter {
  filterBy: number;
  /** '=' (0x3D) or '!' (0x21), as a byte. */
  opType: number;
  status: number;
  isTrunkServer: number;
}

export interface StorageClusterStat extends ConnectionCounters {
  id: string;
  /** "ip:port" */
  host: string;
  isTrunkServer: number;
  status: number;
  version: string;
  upTime: number;
  lastHeartbeatTime: number;
}

export interface StorageClusterStatReply {
  useStorageId: number;
  useTrunkFile: number;
  storages: StorageClusterStat[];
}

export function encodeStorageStatFilter(v: StorageStatFilter): Buffer {
  const w = new BufferWriter(STORAGE_STAT_FILTER_SIZE);
  writeU8(w, v.filterBy, 'filter_by');
  writeU8(w, v.opType, 'op_type');
  writeU8(w, v.status, 'status');
  writeU8(w, v.isTrunkServer, 'is_trunk_server');
  return w.finish();
}

export function decodeStorageStatFilter(buf: Buffer): StorageStatFilter {
  expectLength(buf, STORAGE_STAT_FILTER_SIZE, 'storage stat filter');
  const r = new BufferReader(buf);
  return {
    filterBy: r.u8('filter_by'),
    opType: r.u8('op_type'),
    status: r.u8('status'),
    isTrunkServer: r.u8('is_trunk_server'),
  };
}

export function encodeStorageClusterStatReply(v: StorageClusterStatReply): Buffer {
  const count = v.storages.length;
  const w = new BufferWriter(STORAGE_CLUSTER_STAT_HEADER_SIZE + count * STORAGE_CLUSTER_STAT_SIZE);
  writeU8(w, v.useStorageId, 'use_storage_id');
  writeU8(w, v.useTrunkFile, 'use_trunk_file');
  w.i32(count);
  for (const s of v.storages) {
    w.fixedString(STORAGE_ID_MAX_SIZE, s.id).fixedString(MAX_IP_PORT_SIZE, s.host);
    writeU8(w, s.isTrunkServer, 'is_trunk_server');
    writeU8(w, s.status, 'status');
    writeConnectionCounters(w, s);
    w.fixedString(VERSION_SIZE, s.version).i64(s.upTime).i64(s.lastHeartbeatTime);
  }
  return w.finish();
}

export function decodeStorageClusterStatReply(buf: Buffer): StorageClusterStatReply {
  const r = new BufferReader(buf);
  const useStorageId = r.u8('use_storage_id');
  const useTrunkFile = r.u8('use_trunk_file');
  const count = r.i32('count');
  if (count < 0) throw new FdfsError('ERR_BAD_BODY', `storage cluster stat: count ${count}`);
  expectLength(
    buf,
    STORAGE_CLUSTER_STAT_HEADER_SIZE + count * STORAGE_CLUSTER_STAT_SIZE,
    `storage cluster stat (${count} storages)`,
  );
  const storages: StorageClusterStat[] = [];
  for (let i = 0; i < count; i++) {
    const id = r.fixedString(STORAGE_ID_MAX_SIZE, 'id');
    const host = r.fixedString(MAX_IP_PORT_SIZE, 'host');
    const isTrunkServer = r.u8('is_trunk_server');
    const status = r.u8('status');
    const counters = readConnectionCounters(r);
    storages.push({
      id,
      host,
      isTrunkServer,
      status,
      ...counters,
      version: r.fixedString(VERSION_SIZE, 'version'),
      upTime: r.i64('up_time'),
      lastHeartbeatTime: r.i64('last_heartbeat_time'),
    });
  }
  return { useStorageId, useTrunkFile, storages };
}
