// STORAGE_JOIN (81): the 145-byte fixed part of TrackerStorageJoinBody (§4.7, 6.13.0+) followed by
// tracker_count lines "ip:port\n", and the 17-byte join response (TrackerStorageJoinBodyResp).
import { BufferReader, BufferWriter } from '../buffer.js';
import {
  GROUP_NAME_STRUCT_SIZE,
  IP_ADDRESS_SIZE,
  MAX_MULTI_IP_PORT_SIZE,
  MAX_TRACKERS,
  STORAGE_ID_MAX_SIZE,
  VERSION_SIZE,
} from '../constants.js';
import { FdfsError } from '../errors.js';
import { expectLength, writeGroupName, writeI8, writeU8 } from './fields.js';

export const STORAGE_JOIN_FIXED_SIZE = 145;
export const STORAGE_JOIN_RESPONSE_SIZE = 17;

export interface StorageJoinBody {
  groupName: string;
  storagePort: number;
  /** 1..256 */
  storePathCount: number;
  /** 1..256 */
  subdirCountPerPath: number;
  uploadPriority: number;
  /** First-start time, from .data_init_flag. */
  joinTime: number;
  /** Process start time. */
  upTime: number;
  version: string;
  /** 1 while the storage has not finished its initial sync, else 0. */
  initFlag: number;
  /** The storage's last-known status (signed): 0 if none, −1 while some tracker has not answered. */
  status: number;
  /** Own id with use_storage_id, else "". */
  storageId: string;
  /** IP of the tracker this connection goes to. */
  currentTrackerIp: string;
  /** One line per configured tracker, without its "\n": "ip:port", "ip1,ip2:port", "[ipv6]:port". */
  trackers: string[];
}

export interface StorageJoinResponse {
  /** The tracker's current status for this storage (§3.3). */
  myStatus: number;
  /** The storage's sync source, or "". */
  srcId: string;
}

const NEWLINE = 0x0a;

/** tracker_count must be 1..16 and the body no longer than 145 + tracker_count × 100 (§5.3 cmd 81). */
function checkTrackerCount(
  count: number,
  bodyLength: number,
  err: 'ERR_BAD_BODY' | 'ERR_INVALID_ARGUMENT',
): void {
  if (count < 1 || count > MAX_TRACKERS) {
    throw new FdfsError(err, `storage join: tracker_count ${count} is outside 1..${MAX_TRACKERS}`);
  }
  const max = STORAGE_JOIN_FIXED_SIZE + count * MAX_MULTI_IP_PORT_SIZE;
  if (bodyLength > max) {
    throw new FdfsError(
      err,
      `storage join: body of ${bodyLength} bytes exceeds ${max} for ${count} trackers`,
    );
  }
}

export function encodeStorageJoinBody(v: StorageJoinBody): Buffer {
  const lines = v.trackers.map((t) => {
    if (t.includes('\n')) {
      throw new FdfsError(
        'ERR_INVALID_ARGUMENT',
        `storage join: tracker line "${t}" holds a newline`,
      );
    }
    return `${t}\n`;
  });
  const linesLength = lines.reduce((n, l) => n + Buffer.byteLength(l, 'utf8'), 0);
  const size = STORAGE_JOIN_FIXED_SIZE + linesLength;
  checkTrackerCount(lines.length, size, 'ERR_INVALID_ARGUMENT');
  const w = new BufferWriter(size);
  writeGroupName(w, GROUP_NAME_STRUCT_SIZE, v.groupName);
  w.i64(v.storagePort).i64(v.storePathCount).i64(v.subdirCountPerPath).i64(v.uploadPriority);
  w.i64(v.joinTime).i64(v.upTime).fixedString(VERSION_SIZE, v.version);
  writeU8(w, v.initFlag, 'join init_flag');
  writeI8(w, v.status, 'join status');
  w.fixedString(STORAGE_ID_MAX_SIZE, v.storageId).fixedString(IP_ADDRESS_SIZE, v.currentTrackerIp);
  w.i64(lines.length);
  for (const line of lines) w.string(line);
  return w.finish();
}

export function decodeStorageJoinBody(buf: Buffer): StorageJoinBody {
  const r = new BufferReader(buf);
  const fixed = {
    groupName: r.fixedString(GROUP_NAME_STRUCT_SIZE, 'group_name'),
    storagePort: r.i64('storage_port'),
    storePathCount: r.i64('store_path_count'),
    subdirCountPerPath: r.i64('subdir_count_per_path'),
    uploadPriority: r.i64('upload_priority'),
    joinTime: r.i64('join_time'),
    upTime: r.i64('up_time'),
    version: r.fixedString(VERSION_SIZE, 'version'),
    initFlag: r.u8('init_flag'),
    status: r.i8('status'),
    storageId: r.fixedString(STORAGE_ID_MAX_SIZE, 'storage_id'),
    currentTrackerIp: r.fixedString(IP_ADDRESS_SIZE, 'current_tracker_ip'),
  };
  const count = r.i64('tracker_count');
  checkTrackerCount(count, buf.length, 'ERR_BAD_BODY');
  const trackers: string[] = [];
  for (let i = 0; i < count; i++) {
    const nl = buf.indexOf(NEWLINE, r.offset);
    if (nl < 0) {
      throw new FdfsError(
        'ERR_BAD_BODY',
        `storage join: tracker line ${i + 1} of ${count} has no "\\n"`,
      );
    }
    trackers.push(r.string(nl - r.offset, 'tracker line'));
    r.offset++;
  }
  r.end('storage join body');
  return { ...fixed, trackers };
}

export function encodeStorageJoinResponse(v: StorageJoinResponse): Buffer {
  const w = new BufferWriter(STORAGE_JOIN_RESPONSE_SIZE);
  writeU8(w, v.myStatus, 'join my_status');
  w.fixedString(STORAGE_ID_MAX_SIZE, v.srcId);
  return w.finish();
}

export function decodeStorageJoinResponse(buf: Buffer): StorageJoinResponse {
  expectLength(buf, STORAGE_JOIN_RESPONSE_SIZE, 'storage join response');
  const r = new BufferReader(buf);
  return { myStatus: r.u8('my_status'), srcId: r.fixedString(STORAGE_ID_MAX_SIZE, 'src_id') };
}
