// System-file copy between trackers (§5.4): GET_SYS_FILES_START (61) and _END (62) have empty
// bodies both ways; GET_ONE_SYS_FILE (63) asks for a chunk of one of the four data files.
import { BufferReader, BufferWriter } from '../buffer.js';
import { TrackerCommand } from '../commands.js';
import { TRACKER_MAX_PACKAGE_SIZE } from '../constants.js';
import { badBody, invalidArgument } from './fields.js';
import { expectBody } from './tracker-fields.js';

const C = TrackerCommand;

/** 0 storage_groups_new.dat, 1 storage_servers_new.dat, 2 storage_sync_timestamp.dat, 3 storage_changelog.dat. */
export const SYS_FILE_COUNT = 4;
/** Content bytes per 63 reply: 8192 − 8 − 10 − 1 (§5.4). */
export const SYS_FILE_CHUNK = TRACKER_MAX_PACKAGE_SIZE - 8 - 10 - 1;

export interface SysFileRequest {
  index: number;
  offset: number;
}

export interface SysFileChunk {
  /** The whole file's size. */
  fileSize: number;
  /** Up to SYS_FILE_CHUNK bytes from the requested offset. */
  content: Buffer;
}

export function encodeSysFileRequest(v: SysFileRequest): Buffer {
  if (!Number.isInteger(v.index) || v.index < 0 || v.index >= SYS_FILE_COUNT) {
    throw invalidArgument(`system file index ${v.index}`, C.TRACKER_GET_ONE_SYS_FILE);
  }
  return new BufferWriter(9).u8(v.index).i64(v.offset).finish();
}

/** 9 bytes; the index range and the offset against the file size are the handler's checks. */
export function decodeSysFileRequest(body: Buffer): SysFileRequest {
  expectBody(C.TRACKER_GET_ONE_SYS_FILE, body, 9);
  const r = new BufferReader(body);
  return { index: r.u8('index'), offset: r.i64('offset') };
}

export function encodeSysFileReply(v: SysFileChunk): Buffer {
  if (v.content.length > SYS_FILE_CHUNK) {
    throw invalidArgument(`chunk of ${v.content.length} bytes`, C.TRACKER_GET_ONE_SYS_FILE);
  }
  return new BufferWriter(8 + v.content.length).i64(v.fileSize).bytes(v.content).finish();
}

export function decodeSysFileReply(body: Buffer): SysFileChunk {
  const r = new BufferReader(body);
  const fileSize = r.i64('file_size');
  const content = r.rest();
  if (fileSize < 0 || content.length > fileSize) {
    throw badBody(C.TRACKER_GET_ONE_SYS_FILE, `file_size ${fileSize} with ${content.length} bytes`);
  }
  return { fileSize, content };
}
