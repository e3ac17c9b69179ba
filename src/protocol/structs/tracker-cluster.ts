// Tracker-to-tracker bodies (§4.8, §5.4) and the GET_STATUS reply (§5.2 cmd 64):
// TrackerJoinLeaderBody (58, 24 bytes), TrackerPingLeaderBody (65, 12 bytes), the 65 reply
// (N × 32: group + trunk server id) and TrackerRunningStatus (64, 17 bytes).
import { BufferReader, BufferWriter } from '../buffer.js';
import { GROUP_NAME_MAX_LEN, STORAGE_ID_MAX_SIZE, VERSION_SIZE } from '../constants.js';
import { expectLength, joinRecords, splitRecords, writeGroupName, writeU8 } from './fields.js';
import {
  readConnectionCounters,
  writeConnectionCounters,
  type ConnectionCounters,
} from './storage-stat-block.js';

export const TRACKER_JOIN_LEADER_SIZE = 24;
export const TRACKER_PING_LEADER_SIZE = 12;
export const TRUNK_SERVER_ASSIGNMENT_SIZE = 32;
export const TRACKER_STATUS_SIZE = 17;

/** JOIN_LEADER (58) request: the follower's start time, version and own tracker port. */
export interface TrackerJoinLeaderBody {
  upTime: number;
  version: string;
  serverPort: number;
}

/** PING_LEADER (65) request since 6.15.5: the follower's connection counters. */
export type TrackerPingLeaderBody = ConnectionCounters;

/** One entry of the PING_LEADER reply: a group and its trunk server ("" = none). */
export interface TrunkServerAssignment {
  groupName: string;
  trunkServerId: string;
}

/** GET_STATUS (64) reply. Both times are in seconds, rounded down to multiples of 300. */
export interface TrackerStatus {
  /** 1 if this tracker is the leader. */
  ifLeader: number;
  runningTime: number;
  restartInterval: number;
}

export function encodeTrackerJoinLeaderBody(v: TrackerJoinLeaderBody): Buffer {
  return new BufferWriter(TRACKER_JOIN_LEADER_SIZE)
    .i64(v.upTime)
    .fixedString(VERSION_SIZE, v.version)
    .i64(v.serverPort)
    .finish();
}

export function decodeTrackerJoinLeaderBody(buf: Buffer): TrackerJoinLeaderBody {
  expectLength(buf, TRACKER_JOIN_LEADER_SIZE, 'join leader body');
  const r = new BufferReader(buf);
  return {
    upTime: r.i64('up_time'),
    version: r.fixedString(VERSION_SIZE, 'version'),
    serverPort: r.i64('server_port'),
  };
}

export function encodeTrackerPingLeaderBody(v: TrackerPingLeaderBody): Buffer {
  const w = new BufferWriter(TRACKER_PING_LEADER_SIZE);
  writeConnectionCounters(w, v);
  return w.finish();
}

export function decodeTrackerPingLeaderBody(buf: Buffer): TrackerPingLeaderBody {
  expectLength(buf, TRACKER_PING_LEADER_SIZE, 'ping leader body');
  return readConnectionCounters(new BufferReader(buf));
}

/** The PING_LEADER reply: empty when nothing changed, else one entry per group (§5.4). */
export function encodeTrackerPingLeaderReply(list: readonly TrunkServerAssignment[]): Buffer {
  return joinRecords(list, TRUNK_SERVER_ASSIGNMENT_SIZE, (w, v) => {
    writeGroupName(w, GROUP_NAME_MAX_LEN, v.groupName);
    w.fixedString(STORAGE_ID_MAX_SIZE, v.trunkServerId);
  });
}

export function decodeTrackerPingLeaderReply(buf: Buffer): TrunkServerAssignment[] {
  return splitRecords(buf, TRUNK_SERVER_ASSIGNMENT_SIZE, 'ping leader reply').map((rec) => {
    const r = new BufferReader(rec);
    return {
      groupName: r.fixedString(GROUP_NAME_MAX_LEN, 'group_name'),
      trunkServerId: r.fixedString(STORAGE_ID_MAX_SIZE, 'trunk_server_id'),
    };
  });
}

export function encodeTrackerStatus(v: TrackerStatus): Buffer {
  const w = new BufferWriter(TRACKER_STATUS_SIZE);
  writeU8(w, v.ifLeader, 'if_leader');
  return w.i64(v.runningTime).i64(v.restartInterval).finish();
}

export function decodeTrackerStatus(buf: Buffer): TrackerStatus {
  expectLength(buf, TRACKER_STATUS_SIZE, 'tracker status');
  const r = new BufferReader(buf);
  return {
    ifLeader: r.u8('if_leader'),
    runningTime: r.i64('running_time'),
    restartInterval: r.i64('restart_interval'),
  };
}
