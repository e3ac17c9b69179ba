// What a storage reports to a tracker (§5.3): CHANGE_STATUS (59), REPORT_STATUS (76),
// CHANGELOG_REQ (77), REPORT_IP_CHANGED (78), REPORT_DISK_USAGE (84) and SYNC_REPORT (89).
// Beats (83), joins (81) and REPLICA_CHG (85) are plain structs (structs/).
import { BufferReader, BufferWriter } from '../buffer.js';
import { TrackerCommand } from '../commands.js';
import {
  GROUP_NAME_MAX_LEN,
  IP_ADDRESS_SIZE,
  MAX_SERVERS_EACH_GROUP,
  STORAGE_ID_MAX_SIZE,
} from '../constants.js';
import {
  readStorageBrief,
  storageBriefSize,
  writeStorageBrief,
  type StorageBrief,
} from '../structs/storage-brief.js';
import { badBody, invalidArgument } from './fields.js';
import { expectBody, readGroup, writeGroup } from './tracker-fields.js';

const C = TrackerCommand;
const BRIEF_SIZE = storageBriefSize(46);
/** One (total_mb, free_mb) entry of 84. */
export const DISK_USAGE_ENTRY_SIZE = 16;
/** One (src_id, timestamp) entry of 89. */
export const SYNC_REPORT_ENTRY_SIZE = STORAGE_ID_MAX_SIZE + 4;
/** store_path_count is at most 256 (§4.7). */
const MAX_STORE_PATHS = 256;

/** 84: one store path's space, in MB. */
export interface DiskUsageEntry {
  totalMb: number;
  freeMb: number;
}

/** 89: "I have every change of `srcId` up to `timestamp`". */
export interface SyncReportEntry {
  srcId: string;
  timestamp: number;
}

/** 76: a storage's view of one member of a group. */
export interface ReportStatusRequest {
  groupName: string;
  brief: StorageBrief;
}

/** 78: a storage (ids off) moved from `oldIp` to `newIp`. */
export interface IpChangedRequest {
  groupName: string;
  oldIp: string;
  newIp: string;
}

/** 77: empty on a joined connection, or the storage named explicitly. */
export type ChangelogRequest = { groupName: string; storageId: string } | null;

// ---- 59 ----------------------------------------------------------------------------------

export function encodeChangeStatusRequest(status: number): Buffer {
  if (!Number.isInteger(status) || status < 0 || status > 0xff) {
    throw invalidArgument(`status ${status} does not fit a byte`, C.STORAGE_CHANGE_STATUS);
  }
  return Buffer.from([status]);
}

export function decodeChangeStatusRequest(body: Buffer): number {
  expectBody(C.STORAGE_CHANGE_STATUS, body, 1);
  return body[0]!;
}

// ---- 76 ----------------------------------------------------------------------------------

export function encodeReportStatusRequest(v: ReportStatusRequest): Buffer {
  const w = new BufferWriter(GROUP_NAME_MAX_LEN + BRIEF_SIZE);
  writeGroup(w, v.groupName, C.STORAGE_REPORT_STATUS);
  writeStorageBrief(w, v.brief, 46);
  return w.finish();
}

export function decodeReportStatusRequest(body: Buffer): ReportStatusRequest {
  expectBody(C.STORAGE_REPORT_STATUS, body, GROUP_NAME_MAX_LEN + BRIEF_SIZE);
  const r = new BufferReader(body, GROUP_NAME_MAX_LEN);
  return { groupName: readGroup(body), brief: readStorageBrief(r, 46) };
}

/** 85: 1..32 briefs (§5.3); the list codec is in structs/storage-brief.ts, this is the count check. */
export function checkReplicaChangeLength(body: Buffer): number {
  const n = body.length / BRIEF_SIZE;
  if (body.length === 0 || !Number.isInteger(n) || n > MAX_SERVERS_EACH_GROUP) {
    throw badBody(
      C.STORAGE_REPLICA_CHG,
      `body length ${body.length}, expected 1..${MAX_SERVERS_EACH_GROUP} × ${BRIEF_SIZE}`,
    );
  }
  return n;
}

// ---- 77 ----------------------------------------------------------------------------------

export function encodeChangelogRequest(v: ChangelogRequest): Buffer {
  if (v === null) return Buffer.alloc(0);
  const w = new BufferWriter(GROUP_NAME_MAX_LEN + STORAGE_ID_MAX_SIZE);
  writeGroup(w, v.groupName, C.STORAGE_CHANGELOG_REQ);
  return w.fixedString(STORAGE_ID_MAX_SIZE, v.storageId).finish();
}

/** Empty, or exactly group str[16] + storage id str[16]; anything else is EINVAL. */
export function decodeChangelogRequest(body: Buffer): ChangelogRequest {
  if (body.length === 0) return null;
  expectBody(C.STORAGE_CHANGELOG_REQ, body, GROUP_NAME_MAX_LEN + STORAGE_ID_MAX_SIZE);
  const r = new BufferReader(body, GROUP_NAME_MAX_LEN);
  return { groupName: readGroup(body), storageId: r.fixedString(STORAGE_ID_MAX_SIZE, 'id') };
}

// ---- 78 ----------------------------------------------------------------------------------

export const IP_CHANGED_BODY_SIZE = GROUP_NAME_MAX_LEN + 2 * IP_ADDRESS_SIZE;

export function encodeIpChangedRequest(v: IpChangedRequest): Buffer {
  const w = new BufferWriter(IP_CHANGED_BODY_SIZE);
  writeGroup(w, v.groupName, C.STORAGE_REPORT_IP_CHANGED);
  return w.fixedString(IP_ADDRESS_SIZE, v.oldIp).fixedString(IP_ADDRESS_SIZE, v.newIp).finish();
}

export function decodeIpChangedRequest(body: Buffer): IpChangedRequest {
  expectBody(C.STORAGE_REPORT_IP_CHANGED, body, IP_CHANGED_BODY_SIZE);
  const r = new BufferReader(body, GROUP_NAME_MAX_LEN);
  return {
    groupName: readGroup(body),
    oldIp: r.fixedString(IP_ADDRESS_SIZE, 'old_ip'),
    newIp: r.fixedString(IP_ADDRESS_SIZE, 'new_ip'),
  };
}

// ---- 84 ----------------------------------------------------------------------------------

export function encodeDiskUsageRequest(paths: readonly DiskUsageEntry[]): Buffer {
  if (paths.length < 1 || paths.length > MAX_STORE_PATHS) {
    throw invalidArgument(
      `${paths.length} store paths, expected 1..${MAX_STORE_PATHS}`,
      C.STORAGE_REPORT_DISK_USAGE,
    );
  }
  const w = new BufferWriter(paths.length * DISK_USAGE_ENTRY_SIZE);
  for (const p of paths) w.i64(p.totalMb).i64(p.freeMb);
  return w.finish();
}

/** N × (total_mb i64, free_mb i64); whether N is the group's path count is the state's rule. */
export function decodeDiskUsageRequest(body: Buffer): DiskUsageEntry[] {
  const n = body.length / DISK_USAGE_ENTRY_SIZE;
  if (!Number.isInteger(n) || n < 1 || n > MAX_STORE_PATHS) {
    throw badBody(
      C.STORAGE_REPORT_DISK_USAGE,
      `body length ${body.length}, expected 1..${MAX_STORE_PATHS} × ${DISK_USAGE_ENTRY_SIZE}`,
    );
  }
  const r = new BufferReader(body);
  const out: DiskUsageEntry[] = [];
  for (let i = 0; i < n; i++) out.push({ totalMb: r.i64('total_mb'), freeMb: r.i64('free_mb') });
  return out;
}

// ---- 89 ----------------------------------------------------------------------------------

export function encodeSyncReportRequest(entries: readonly SyncReportEntry[]): Buffer {
  if (entries.length < 1) throw invalidArgument('empty sync report', C.STORAGE_SYNC_REPORT);
  const w = new BufferWriter(entries.length * SYNC_REPORT_ENTRY_SIZE);
  for (const e of entries) w.fixedString(STORAGE_ID_MAX_SIZE, e.srcId).i32(e.timestamp);
  return w.finish();
}

/** N ≥ 1 entries of src_id str[16] + timestamp i32. */
export function decodeSyncReportRequest(body: Buffer): SyncReportEntry[] {
  const n = body.length / SYNC_REPORT_ENTRY_SIZE;
  if (!Number.isInteger(n) || n < 1) {
    throw badBody(
      C.STORAGE_SYNC_REPORT,
      `body length ${body.length}, expected N ≥ 1 × ${SYNC_REPORT_ENTRY_SIZE}`,
    );
  }
  const r = new BufferReader(body);
  const out: SyncReportEntry[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      srcId: r.fixedString(STORAGE_ID_MAX_SIZE, 'src_id'),
      timestamp: r.i32('timestamp'),
    });
  }
  return out;
}
