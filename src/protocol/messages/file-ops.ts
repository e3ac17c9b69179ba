// Storage requests on existing files (§6.1): 24 APPEND, 34 MODIFY, 36 TRUNCATE, 38 REGENERATE,
// 12 DELETE / 15 GET_METADATA / 22 QUERY_FILE_INFO and 14 DOWNLOAD. 13 and 20 are in their own files.
// Only lengths are checked here; the content of a file name (Mxx/XX/YY/…) is the file-id module's job.
import { BufferReader, BufferWriter } from '../buffer.js';
import { StorageCommand } from '../commands.js';
import {
  GROUP_NAME_MAX_LEN,
  MAX_FILENAME_LEN,
  NORMAL_LOGIC_FILENAME_LENGTH,
} from '../constants.js';
import {
  badBody,
  checkFilenameLength,
  checkSize,
  type DecodedPrefix,
  type EncodedPrefix,
  type GroupFile,
} from './fields.js';

/** Appender names are at least 44 bytes (10 + 27 + 6 + 1) and fit 128 bytes (§6.1 cmd 24). */
const MIN_APPENDER_NAME = NORMAL_LOGIC_FILENAME_LENGTH;
/** QUERY_FILE_INFO refuses names of 132 bytes or more (§6.1 cmd 22). */
const MAX_QUERY_FILE_INFO_NAME = 131;

export interface AppendPrefix {
  /** Appender file name without the group (no group field in 24/34/36/38). */
  filename: string;
  fileSize: number;
}

export interface ModifyPrefix extends AppendPrefix {
  /** Where the content overwrites the file; ≤ the current size (checked by the storage). */
  offset: number;
}

export interface TruncateRequest {
  filename: string;
  truncatedSize: number;
}

export interface DownloadRequest extends GroupFile {
  offset: number;
  /** Bytes to read; 0 = to the end of the file. */
  length: number;
}

function readAppenderNameLength(r: BufferReader, cmd: number): number {
  const len = r.i64Big('filename_len');
  if (len < BigInt(MIN_APPENDER_NAME) || len > BigInt(MAX_FILENAME_LEN)) {
    throw badBody(cmd, `filename_len ${len}, expected ${MIN_APPENDER_NAME}..${MAX_FILENAME_LEN}`);
  }
  return Number(len);
}

function readContentSize(r: BufferReader, pkgLen: number, before: number, cmd: number): number {
  const size = r.i64Big('file_size');
  if (size < 0n || size !== BigInt(pkgLen) - BigInt(before)) {
    throw badBody(cmd, `file_size ${size} does not match body length ${pkgLen} − ${before}`);
  }
  return Number(size);
}

function readName(r: BufferReader, prefix: Buffer, length: number, cmd: number): string {
  if (prefix.length < r.offset + length) {
    throw badBody(
      cmd,
      `prefix holds ${prefix.length} bytes, the file name needs ${r.offset + length}`,
    );
  }
  return r.string(length, 'filename');
}

/** Prefix of 24: filename_len i64, file_size i64, appender name; `fileSize` content bytes follow. */
export function encodeAppendPrefix(fields: AppendPrefix): EncodedPrefix {
  const cmd = StorageCommand.APPEND_FILE;
  const nameLen = checkFilenameLength(fields.filename, cmd, MIN_APPENDER_NAME);
  checkSize(fields.fileSize, 'file size', cmd);
  const prefix = new BufferWriter(16 + nameLen)
    .i64(nameLen)
    .i64(fields.fileSize)
    .string(fields.filename)
    .finish();
  return { prefix, pkgLen: prefix.length + fields.fileSize };
}

/** Server side of 24: body > 16, 44 ≤ filename_len < 128, file_size = pkg_len − 16 − filename_len. */
export function decodeAppendPrefix(prefix: Buffer, pkgLen: number): DecodedPrefix<AppendPrefix> {
  const cmd = StorageCommand.APPEND_FILE;
  if (pkgLen <= 16 || prefix.length < 16) {
    throw badBody(cmd, `body length ${pkgLen}, expected more than 16`);
  }
  const r = new BufferReader(prefix);
  const nameLen = readAppenderNameLength(r, cmd);
  const fileSize = readContentSize(r, pkgLen, 16 + nameLen, cmd);
  const filename = readName(r, prefix, nameLen, cmd);
  return { filename, fileSize, prefixLength: 16 + nameLen };
}

/** Prefix of 34: filename_len, file_offset, file_size (i64 each), appender name; content follows. */
export function encodeModifyPrefix(fields: ModifyPrefix): EncodedPrefix {
  const cmd = StorageCommand.MODIFY_FILE;
  const nameLen = checkFilenameLength(fields.filename, cmd, MIN_APPENDER_NAME);
  checkSize(fields.offset, 'file offset', cmd);
  checkSize(fields.fileSize, 'file size', cmd);
  const prefix = new BufferWriter(24 + nameLen)
    .i64(nameLen)
    .i64(fields.offset)
    .i64(fields.fileSize)
    .string(fields.filename)
    .finish();
  return { prefix, pkgLen: prefix.length + fields.fileSize };
}

/** Server side of 34: body > 24, name length, file_offset ≥ 0, file_size = pkg_len − 24 − name. */
export function decodeModifyPrefix(prefix: Buffer, pkgLen: number): DecodedPrefix<ModifyPrefix> {
  const cmd = StorageCommand.MODIFY_FILE;
  if (pkgLen <= 24 || prefix.length < 24) {
    throw badBody(cmd, `body length ${pkgLen}, expected more than 24`);
  }
  const r = new BufferReader(prefix);
  const nameLen = readAppenderNameLength(r, cmd);
  const offset = r.i64Big('file_offset');
  if (offset < 0n) throw badBody(cmd, `file_offset ${offset} is negative`);
  const fileSize = readContentSize(r, pkgLen, 24 + nameLen, cmd);
  const filename = readName(r, prefix, nameLen, cmd);
  return {
    filename,
    offset: safeNumber(offset, 'file_offset', cmd),
    fileSize,
    prefixLength: 24 + nameLen,
  };
}

/** Body of 36: filename_len i64, truncated_file_size i64, appender name. */
export function encodeTruncateRequest(req: TruncateRequest): Buffer {
  const cmd = StorageCommand.TRUNCATE_FILE;
  const nameLen = checkFilenameLength(req.filename, cmd, MIN_APPENDER_NAME);
  checkSize(req.truncatedSize, 'truncated file size', cmd);
  return new BufferWriter(16 + nameLen)
    .i64(nameLen)
    .i64(req.truncatedSize)
    .string(req.filename)
    .finish();
}

/**
 * Server side of 36: body > 16, name length, size ≥ 0, then the body must end with the name.
 * (The C storage does not check for trailing bytes; we refuse them.)
 */
export function decodeTruncateRequest(body: Buffer): TruncateRequest {
  const cmd = StorageCommand.TRUNCATE_FILE;
  if (body.length <= 16) throw badBody(cmd, `body length ${body.length}, expected more than 16`);
  const r = new BufferReader(body);
  const nameLen = readAppenderNameLength(r, cmd);
  const size = r.i64Big('truncated_file_size');
  if (size < 0n) throw badBody(cmd, `truncated_file_size ${size} is negative`);
  if (body.length !== 16 + nameLen) {
    throw badBody(cmd, `body length ${body.length}, expected 16 + filename_len ${nameLen}`);
  }
  return { filename: r.string(nameLen, 'filename'), truncatedSize: Number(size) };
}

/** Body of 38: the appender name only. */
export function encodeRegenerateRequest(filename: string): Buffer {
  checkFilenameLength(filename, StorageCommand.REGENERATE_APPENDER_FILENAME, MIN_APPENDER_NAME);
  return Buffer.from(filename, 'utf8');
}

/** Server side of 38: 44 ≤ length < 128. The reply is the file-id reply of upload.ts. */
export function decodeRegenerateRequest(body: Buffer): { filename: string } {
  const cmd = StorageCommand.REGENERATE_APPENDER_FILENAME;
  if (body.length < MIN_APPENDER_NAME || body.length > MAX_FILENAME_LEN) {
    throw badBody(
      cmd,
      `body length ${body.length}, expected ${MIN_APPENDER_NAME}..${MAX_FILENAME_LEN}`,
    );
  }
  return { filename: body.toString('utf8') };
}

function maxNameFor(cmd: number): number {
  return cmd === StorageCommand.QUERY_FILE_INFO ? MAX_QUERY_FILE_INFO_NAME : MAX_FILENAME_LEN;
}

/** Body of 12 / 15 / 22: group str[16] + file name. 22 carries its flags in the header status. */
export function encodeGroupFileRequest(cmd: number, req: GroupFile): Buffer {
  const nameLen = checkFilenameLength(req.filename, cmd, 1, maxNameFor(cmd));
  return new BufferWriter(GROUP_NAME_MAX_LEN + nameLen)
    .fixedString(GROUP_NAME_MAX_LEN, req.groupName)
    .string(req.filename)
    .finish();
}

/** Server side of 12 / 15 / 22: body > 16, file name ≤ 127 bytes (≤ 131 for 22). */
export function decodeGroupFileRequest(cmd: number, body: Buffer): GroupFile {
  const max = GROUP_NAME_MAX_LEN + maxNameFor(cmd);
  if (body.length <= GROUP_NAME_MAX_LEN || body.length > max) {
    throw badBody(cmd, `body length ${body.length}, expected ${GROUP_NAME_MAX_LEN + 1}..${max}`);
  }
  const r = new BufferReader(body);
  const groupName = r.fixedString(GROUP_NAME_MAX_LEN, 'group_name');
  return { groupName, filename: r.rest().toString('utf8') };
}

export const encodeDeleteFileRequest = (req: GroupFile): Buffer =>
  encodeGroupFileRequest(StorageCommand.DELETE_FILE, req);
export const decodeDeleteFileRequest = (body: Buffer): GroupFile =>
  decodeGroupFileRequest(StorageCommand.DELETE_FILE, body);
export const encodeGetMetadataRequest = (req: GroupFile): Buffer =>
  encodeGroupFileRequest(StorageCommand.GET_METADATA, req);
export const decodeGetMetadataRequest = (body: Buffer): GroupFile =>
  decodeGroupFileRequest(StorageCommand.GET_METADATA, body);
export const encodeQueryFileInfoRequest = (req: GroupFile): Buffer =>
  encodeGroupFileRequest(StorageCommand.QUERY_FILE_INFO, req);
export const decodeQueryFileInfoRequest = (body: Buffer): GroupFile =>
  decodeGroupFileRequest(StorageCommand.QUERY_FILE_INFO, body);

/** Body of 14: file_offset i64, download_bytes i64, group str[16], file name. */
export function encodeDownloadRequest(req: DownloadRequest): Buffer {
  const cmd = StorageCommand.DOWNLOAD_FILE;
  const nameLen = checkFilenameLength(req.filename, cmd);
  checkSize(req.offset, 'file offset', cmd);
  checkSize(req.length, 'download bytes', cmd);
  return new BufferWriter(32 + nameLen)
    .i64(req.offset)
    .i64(req.length)
    .fixedString(GROUP_NAME_MAX_LEN, req.groupName)
    .string(req.filename)
    .finish();
}

/** Server side of 14: body > 32, file_offset ≥ 0, download_bytes ≥ 0, file name ≤ 127 bytes. */
export function decodeDownloadRequest(body: Buffer): DownloadRequest {
  const cmd = StorageCommand.DOWNLOAD_FILE;
  const fixed = 16 + GROUP_NAME_MAX_LEN;
  if (body.length <= fixed || body.length > fixed + MAX_FILENAME_LEN) {
    throw badBody(
      cmd,
      `body length ${body.length}, expected ${fixed + 1}..${fixed + MAX_FILENAME_LEN}`,
    );
  }
  const r = new BufferReader(body);
  const offset = r.i64Big('file_offset');
  const length = r.i64Big('download_bytes');
  if (offset < 0n) throw badBody(cmd, `file_offset ${offset} is negative`);
  if (length < 0n) throw badBody(cmd, `download_bytes ${length} is negative`);
  const groupName = r.fixedString(GROUP_NAME_MAX_LEN, 'group_name');
  return {
    offset: safeNumber(offset, 'file_offset', cmd),
    length: safeNumber(length, 'download_bytes', cmd),
    groupName,
    filename: r.rest().toString('utf8'),
  };
}

function safeNumber(value: bigint, what: string, cmd: number): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw badBody(cmd, `${what} ${value} is too large`);
  return Number(value);
}
