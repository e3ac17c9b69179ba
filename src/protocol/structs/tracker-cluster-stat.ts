// SERVER_TRACKER_CLUSTER_STAT (96, since 6.16.0; §4.8, §5.2): the 3-byte TrackerStatFilter request
// and the reply: count u8, then count × 90-byte TrackerClusterStatRespBodyPart.
import { BufferReader, BufferWriter } from '../buffer.js';
import { MAX_IP_PORT_SIZE, VERSION_SIZE } from '../constants.js';
import { FdfsError } from '../errors.js';
import { expectLength, writeU8 } from './fields.js';
import {
  readConnectionCounters,
  writeConnectionCounters,
  type ConnectionCounters,
} from './storage-stat-block.js';

export const TRACKER_STAT_FILTER_SIZE = 3;
export const TRACKER_CLUSTER_STAT_SIZE = 90;

/** `filterBy` bits (§3.5): 1 = compare is_active, 2 = compare is_leader. */
export interface TrackerStatFilter {
  filterBy: number;
  isActive: number;
  isLeader: number;
}

export interface TrackerClusterStat extends ConnectionCounters {
  /** "ip:port" */
  host: string;
  isLeader: number;
  isActive: number;
  version: string;
  upTime: number;
  lastHeartbeatTime: number;
}

export function encodeTrackerStatFilter(v: TrackerStatFilter): Buffer {
  const w = new BufferWriter(TRACKER_STAT_FILTER_SIZE);
  writeU8(w, v.filterBy, 'filter_by');
  writeU8(w, v.isActive, 'is_active');
  writeU8(w, v.isLeader, 'is_leader');
  return w.finish();
}

export function decodeTrackerStatFilter(buf: Buffer): TrackerStatFilter {
  expectLength(buf, TRACKER_STAT_FILTER_SIZE, 'tracker stat filter');
  const r = new BufferReader(buf);
  return { filterBy: r.u8('filter_by'), isActive: r.u8('is_active'), isLeader: r.u8('is_leader') };
}

export function encodeTrackerClusterStatReply(list: readonly TrackerClusterStat[]): Buffer {
  if (list.length > 0xff) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', `${list.length} trackers do not fit a u8 count`);
  }
  const w = new BufferWriter(1 + list.length * TRACKER_CLUSTER_STAT_SIZE);
  w.u8(list.length);
  for (const v of list) {
    w.fixedString(MAX_IP_PORT_SIZE, v.host);
    writeU8(w, v.isLeader, 'is_leader');
    writeU8(w, v.isActive, 'is_active');
    writeConnectionCounters(w, v);
    w.fixedString(VERSION_SIZE, v.version).i64(v.upTime).i64(v.lastHeartbeatTime);
  }
  return w.finish();
}

export function decodeTrackerClusterStatReply(buf: Buffer): TrackerClusterStat[] {
  const r = new BufferReader(buf);
  const count = r.u8('count');
  expectLength(
    buf,
    1 + count * TRACKER_CLUSTER_STAT_SIZE,
    `tracker cluster stat (${count} trackers)`,
  );
  const out: TrackerClusterStat[] = [];
  for (let i = 0; i < count; i++) {
    const host = r.fixedString(MAX_IP_PORT_SIZE, 'host');
    const isLeader = r.u8('is_leader');
    const isActive = r.u8('is_active');
    const counters = readConnectionCounters(r);
    out.push({
      host,
      isLeader,
      isActive,
      ...counters,
      version: r.fixedString(VERSION_SIZE, 'version'),
      upTime: r.i64('up_time'),
      lastHeartbeatTime: r.i64('last_heartbeat_time'),
    });
  }
  return out;
}
