// Storage → storage replication requests (§6.2): 9 REPORT_SERVER_ID, 16/18 SYNC_CREATE/UPDATE,
// 17 SYNC_DELETE, 25/35 SYNC_APPEND/MODIFY, 37 SYNC_TRUNCATE, 19 SYNC_CREATE_LINK, 40 SYNC_RENAME.
// Every request carries the source operation timestamp (§8.5). Fixed strings are cut at their
// first NUL: C senders leave junk after it in the group field (§16 #5).
import { BufferReader, BufferWriter } from '../buffer.js';
import { StorageCommand } from '../commands.js';
import { GROUP_NAME_MAX_LEN, MAX_FILENAME_LEN } from '../constants.js';
import {
  badBody,
  checkFilenameLength,
  checkSize,
  invalidArgument,
  type EncodedPrefix,
} from './fields.js';

/** `storage_id` str[16] of REPORT_SERVER_ID (§6.2 cmd 9). */
export const STORAGE_ID_FIELD_SIZE = 16;
/** filename_len i64, file_size i64, timestamp i32, group str[16] (§6.2 cmd 16/18). */
export const SYNC_CREATE_FIXED_SIZE = 8 + 8 + 4 + GROUP_NAME_MAX_LEN;
/** filename_len, start_offset, length i64, timestamp i32, group str[16] (§6.2 cmd 25/35). */
export const SYNC_RANGE_FIXED_SIZE = 3 * 8 + 4 + GROUP_NAME_MAX_LEN;
/** filename_len, old_size, new_size i64, timestamp i32, group str[16] (§6.2 cmd 37). */
export const SYNC_TRUNCATE_FIXED_SIZE = 3 * 8 + 4 + GROUP_NAME_MAX_LEN;
/** Two i64 name lengths, timestamp i32, group str[16] (§6.2 cmd 19/40). */
export const SYNC_PAIR_FIXED_SIZE = 2 * 8 + 4 + GROUP_NAME_MAX_LEN;
/** timestamp i32, group str[16] (§6.2 cmd 17). */
export const SYNC_DELETE_FIXED_SIZE = 4 + GROUP_NAME_MAX_LEN;

/** The header status a C sender puts on a create whose content it leaves out (§8.6, §16 #18). */
export const SYNC_CREATE_NO_CONTENT_STATUS = 17;

interface SyncBase {
  /** Source operation time, unix seconds (§8.5). */
  timestamp: number;
  groupName: string;
  filename: string;
}

/** 16 / 18: `fileSize` content bytes follow the prefix, unless the header status is 17. */
export interface SyncCreatePrefix extends SyncBase {
  fileSize: number;
}

/** 25 / 35: `length` content bytes follow the prefix. */
export interface SyncRangePrefix extends SyncBase {
  offset: number;
  length: number;
}

export interface SyncTruncateRequest extends SyncBase {
  oldSize: number;
  newSize: number;
}

export type SyncDeleteRequest = SyncBase;

/** 19: filename = the link, srcFilename = its target. 40: filename = new name, srcFilename = old. */
export interface SyncPairRequest extends SyncBase {
  srcFilename: string;
}

export type Decoded<T> = T & { prefixLength: number };

function checkTimestamp(ts: number, cmd: number): void {
  if (!Number.isSafeInteger(ts) || ts < 0 || ts > 0x7fffffff) {
    throw invalidArgument(`timestamp ${ts} does not fit an i32`, cmd);
  }
}

function readNameLength(r: BufferReader, cmd: number, what: string): number {
  const v = r.i64Big(what);
  if (v < 1n || v > BigInt(MAX_FILENAME_LEN)) {
    throw badBody(cmd, `${what} ${v}, expected 1..${MAX_FILENAME_LEN}`);
  }
  return Number(v);
}

function readNonNegative(r: BufferReader, cmd: number, what: string): number {
  const v = r.i64Big(what);
  if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER))
    throw badBody(cmd, `${what} ${v} out of range`);
  return Number(v);
}

function need(buf: Buffer, n: number, cmd: number): void {
  if (buf.length < n) throw badBody(cmd, `body holds ${buf.length} bytes, expected ${n}`);
}

// ---- 9 REPORT_SERVER_ID

export function encodeReportServerId(storageId: string): Buffer {
  const cmd = StorageCommand.REPORT_SERVER_ID;
  if (storageId === '' || Buffer.byteLength(storageId) > STORAGE_ID_FIELD_SIZE) {
    throw invalidArgument(`storage id "${storageId}" must be 1..16 bytes`, cmd);
  }
  return new BufferWriter(STORAGE_ID_FIELD_SIZE)
    .fixedString(STORAGE_ID_FIELD_SIZE, storageId)
    .finish();
}

export function decodeReportServerId(body: Buffer): string {
  const cmd = StorageCommand.REPORT_SERVER_ID;
  if (body.length !== STORAGE_ID_FIELD_SIZE) {
    throw badBody(cmd, `body length ${body.length}, expected ${STORAGE_ID_FIELD_SIZE}`);
  }
  const id = new BufferReader(body).fixedString(STORAGE_ID_FIELD_SIZE, 'storage_id');
  if (id === '') throw badBody(cmd, 'empty storage id');
  return id;
}

// ---- 16 SYNC_CREATE_FILE / 18 SYNC_UPDATE_FILE

/** `withContent = false` gives the 17-status form: pkg_len = prefix only (§16 #18). */
export function encodeSyncCreatePrefix(
  cmd: typeof StorageCommand.SYNC_CREATE_FILE | typeof StorageCommand.SYNC_UPDATE_FILE,
  p: SyncCreatePrefix,
  withContent = true,
): EncodedPrefix {
  const nameLen = checkFilenameLength(p.filename, cmd);
  checkSize(p.fileSize, 'file size', cmd);
  checkTimestamp(p.timestamp, cmd);
  const prefix = new BufferWriter(SYNC_CREATE_FIXED_SIZE + nameLen)
    .i64(nameLen)
    .i64(p.fileSize)
    .i32(p.timestamp)
    .fixedString(GROUP_NAME_MAX_LEN, p.groupName)
    .string(p.filename)
    .finish();
  return { prefix, pkgLen: prefix.length + (withContent ? p.fileSize : 0) };
}

/**
 * Receiver side. With `withContent`, pkg_len must be prefix + file_size; with the 17 status it
 * must be the prefix alone.
 */
export function decodeSyncCreatePrefix(
  cmd: number,
  prefix: Buffer,
  pkgLen: number,
  withContent = true,
): Decoded<SyncCreatePrefix> {
  need(prefix, SYNC_CREATE_FIXED_SIZE, cmd);
  const r = new BufferReader(prefix);
  const nameLen = readNameLength(r, cmd, 'filename_len');
  const fileSize = readNonNegative(r, cmd, 'file_size');
  const timestamp = r.i32('timestamp');
  const groupName = r.fixedString(GROUP_NAME_MAX_LEN, 'group_name');
  const prefixLength = SYNC_CREATE_FIXED_SIZE + nameLen;
  const expected = prefixLength + (withContent ? fileSize : 0);
  if (pkgLen !== expected) {
    throw badBody(cmd, `body length ${pkgLen}, expected ${expected}`);
  }
  need(prefix, prefixLength, cmd);
  const filename = r.string(nameLen, 'filename');
  return { timestamp, groupName, filename, fileSize, prefixLength };
}

// ---- 25 SYNC_APPEND_FILE / 35 SYNC_MODIFY_FILE

export function encodeSyncRangePrefix(
  cmd: typeof StorageCommand.SYNC_APPEND_FILE | typeof StorageCommand.SYNC_MODIFY_FILE,
  p: SyncRangePrefix,
): EncodedPrefix {
  const nameLen = checkFilenameLength(p.filename, cmd);
  checkSize(p.offset, 'start offset', cmd);
  checkSize(p.length, 'length', cmd);
  checkTimestamp(p.timestamp, cmd);
  const prefix = new BufferWriter(SYNC_RANGE_FIXED_SIZE + nameLen)
    .i64(nameLen)
    .i64(p.offset)
    .i64(p.length)
    .i32(p.timestamp)
    .fixedString(GROUP_NAME_MAX_LEN, p.groupName)
    .string(p.filename)
    .finish();
  return { prefix, pkgLen: prefix.length + p.length };
}

export function decodeSyncRangePrefix(
  cmd: number,
  prefix: Buffer,
  pkgLen: number,
): Decoded<SyncRangePrefix> {
  need(prefix, SYNC_RANGE_FIXED_SIZE, cmd);
  const r = new BufferReader(prefix);
  const nameLen = readNameLength(r, cmd, 'filename_len');
  const offset = readNonNegative(r, cmd, 'start_offset');
  const length = readNonNegative(r, cmd, 'length');
  const timestamp = r.i32('timestamp');
  const groupName = r.fixedString(GROUP_NAME_MAX_LEN, 'group_name');
  const prefixLength = SYNC_RANGE_FIXED_SIZE + nameLen;
  if (pkgLen !== prefixLength + length) {
    throw badBody(cmd, `body length ${pkgLen}, expected ${prefixLength} + ${length}`);
  }
  need(prefix, prefixLength, cmd);
  const filename = r.string(nameLen, 'filename');
  return { timestamp, groupName, filename, offset, length, prefixLength };
}

// ---- 37 SYNC_TRUNCATE_FILE

export function encodeSyncTruncateRequest(p: SyncTruncateRequest): Buffer {
  const cmd = StorageCommand.SYNC_TRUNCATE_FILE;
  const nameLen = checkFilenameLength(p.filename, cmd);
  checkSize(p.oldSize, 'old size', cmd);
  checkSize(p.newSize, 'new size', cmd);
  checkTimestamp(p.timestamp, cmd);
  return new BufferWriter(SYNC_TRUNCATE_FIXED_SIZE + nameLen)
    .i64(nameLen)
    .i64(p.oldSize)
    .i64(p.newSize)
    .i32(p.timestamp)
    .fixedString(GROUP_NAME_MAX_LEN, p.groupName)
    .string(p.filename)
    .finish();
}

export function decodeSyncTruncateRequest(body: Buffer): SyncTruncateRequest {
  const cmd = StorageCommand.SYNC_TRUNCATE_FILE;
  need(body, SYNC_TRUNCATE_FIXED_SIZE, cmd);
  const r = new BufferReader(body);
  const nameLen = readNameLength(r, cmd, 'filename_len');
  const oldSize = readNonNegative(r, cmd, 'old_size');
  const newSize = readNonNegative(r, cmd, 'new_size');
  const timestamp = r.i32('timestamp');
  const groupName = r.fixedString(GROUP_NAME_MAX_LEN, 'group_name');
  if (body.length !== SYNC_TRUNCATE_FIXED_SIZE + nameLen) {
    throw badBody(
      cmd,
      `body length ${body.length}, expected ${SYNC_TRUNCATE_FIXED_SIZE + nameLen}`,
    );
  }
  return { timestamp, groupName, filename: r.string(nameLen, 'filename'), oldSize, newSize };
}

// ---- 17 SYNC_DELETE_FILE

export function encodeSyncDeleteRequest(p: SyncDeleteRequest): Buffer {
  const cmd = StorageCommand.SYNC_DELETE_FILE;
  const nameLen = checkFilenameLength(p.filename, cmd);
  checkTimestamp(p.timestamp, cmd);
  return new BufferWriter(SYNC_DELETE_FIXED_SIZE + nameLen)
    .i32(p.timestamp)
    .fixedString(GROUP_NAME_MAX_LEN, p.groupName)
    .string(p.filename)
    .finish();
}

export function decodeSyncDeleteRequest(body: Buffer): SyncDeleteRequest {
  const cmd = StorageCommand.SYNC_DELETE_FILE;
  const nameLen = body.length - SYNC_DELETE_FIXED_SIZE;
  if (nameLen < 1 || nameLen > MAX_FILENAME_LEN) {
    throw badBody(cmd, `body length ${body.length}, expected ${SYNC_DELETE_FIXED_SIZE} + 1..128`);
  }
  const r = new BufferReader(body);
  const timestamp = r.i32('timestamp');
  const groupName = r.fixedString(GROUP_NAME_MAX_LEN, 'group_name');
  return { timestamp, groupName, filename: r.string(nameLen, 'filename') };
}

// ---- 19 SYNC_CREATE_LINK / 40 SYNC_RENAME_FILE (first name, then the source / old name)

export function encodeSyncPairRequest(
  cmd: typeof StorageCommand.SYNC_CREATE_LINK | typeof StorageCommand.SYNC_RENAME_FILE,
  p: SyncPairRequest,
): Buffer {
  const firstLen = checkFilenameLength(p.filename, cmd);
  const secondLen = checkFilenameLength(p.srcFilename, cmd);
  checkTimestamp(p.timestamp, cmd);
  return new BufferWriter(SYNC_PAIR_FIXED_SIZE + firstLen + secondLen)
    .i64(firstLen)
    .i64(secondLen)
    .i32(p.timestamp)
    .fixedString(GROUP_NAME_MAX_LEN, p.groupName)
    .string(p.filename)
    .string(p.srcFilename)
    .finish();
}

export function decodeSyncPairRequest(cmd: number, body: Buffer): SyncPairRequest {
  need(body, SYNC_PAIR_FIXED_SIZE, cmd);
  const r = new BufferReader(body);
  const firstLen = readNameLength(r, cmd, 'dest_filename_len');
  const secondLen = readNameLength(r, cmd, 'src_filename_len');
  const timestamp = r.i32('timestamp');
  const groupName = r.fixedString(GROUP_NAME_MAX_LEN, 'group_name');
  if (body.length !== SYNC_PAIR_FIXED_SIZE + firstLen + secondLen) {
    throw badBody(
      cmd,
      `body length ${body.length}, expected ${SYNC_PAIR_FIXED_SIZE} + ${firstLen} + ${secondLen}`,
    );
  }
  const filename = r.string(firstLen, 'filename');
  return { timestamp, groupName, filename, srcFilename: r.string(secondLen, 'src filename') };
}

/**
 * A sender's check of the reply to 40: ours is empty, the real 6.16.1 echoes the request body
 * (§16 #1). Anything else is a protocol error.
 */
export function isAcceptedRenameReply(requestBody: Buffer, replyBody: Buffer): boolean {
  return replyBody.length === 0 || replyBody.equals(requestBody);
}
