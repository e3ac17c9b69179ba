// Upload requests (§6.1): the streamed prefixes of 11 UPLOAD_FILE / 23 UPLOAD_APPENDER_FILE and
// 21 UPLOAD_SLAVE_FILE, and the "group + file name" reply shared by 11, 21, 23, 38 and 20.
import { BufferReader, BufferWriter } from '../buffer.js';
import { StorageCommand } from '../commands.js';
import {
  FILE_EXT_NAME_MAX_LEN,
  FILE_PREFIX_MAX_LEN,
  GROUP_NAME_MAX_LEN,
  LOGIC_FILE_PATH_LEN,
  MAX_FILENAME_LEN,
} from '../constants.js';
import {
  badBody,
  checkFilenameLength,
  checkNameChars,
  checkSize,
  invalidArgument,
  type DecodedPrefix,
  type EncodedPrefix,
  type GroupFile,
} from './fields.js';

/** store_path_index i8, file_size i64, ext str[6] (§6.1 cmd 11/23). */
export const UPLOAD_PREFIX_SIZE = 1 + 8 + FILE_EXT_NAME_MAX_LEN;
/** master_filename_len i64, file_size i64, prefix str[16], ext str[6]; the master name follows (§6.1 cmd 21). */
export const UPLOAD_SLAVE_FIXED_SIZE = 8 + 8 + FILE_PREFIX_MAX_LEN + FILE_EXT_NAME_MAX_LEN;

/** The storage picks the store path itself (§6.1 cmd 11). */
export const STORE_PATH_ANY = -1;

export interface UploadPrefix {
  /** From the tracker's answer; -1 lets the storage choose (§9.8). */
  storePathIndex: number;
  fileSize: number;
  /** Extension without the dot, 0..6 characters of `A-Z a-z 0-9 - _ .`. */
  ext: string;
}

export interface UploadSlavePrefix {
  masterFilename: string;
  fileSize: number;
  /** Slave prefix (e.g. "_150x150"): required, 1..16 characters of `A-Z a-z 0-9 - _ .`. */
  prefixName: string;
  /** Extension of the slave; empty = the slave has no extension. */
  ext: string;
}

function checkExt(ext: string, cmd: number): void {
  checkNameChars(ext, FILE_EXT_NAME_MAX_LEN, 'extension', cmd);
}

/** Prefix of 11/23; send `fileSize` content bytes after it. */
export function encodeUploadPrefix(
  fields: UploadPrefix,
  cmd: number = StorageCommand.UPLOAD_FILE,
): EncodedPrefix {
  const { storePathIndex, fileSize, ext } = fields;
  if (!Number.isInteger(storePathIndex) || storePathIndex < -1 || storePathIndex > 127) {
    throw invalidArgument(`store_path_index ${storePathIndex} out of range -1..127`, cmd);
  }
  checkSize(fileSize, 'file size', cmd);
  checkExt(ext, cmd);
  const prefix = new BufferWriter(UPLOAD_PREFIX_SIZE)
    .i8(storePathIndex)
    .i64(fileSize)
    .fixedString(FILE_EXT_NAME_MAX_LEN, ext)
    .finish();
  return { prefix, pkgLen: UPLOAD_PREFIX_SIZE + fileSize };
}

/**
 * Server side of 11/23, in the storage's order: body ≥ 15, file_size = pkg_len − 15, extension
 * characters. The store path index is returned as sent (i8); its range depends on the storage.
 */
export function decodeUploadPrefix(
  prefix: Buffer,
  pkgLen: number,
  cmd: number = StorageCommand.UPLOAD_FILE,
): DecodedPrefix<UploadPrefix> {
  if (pkgLen < UPLOAD_PREFIX_SIZE || prefix.length < UPLOAD_PREFIX_SIZE) {
    throw badBody(cmd, `body length ${pkgLen}, expected at least ${UPLOAD_PREFIX_SIZE}`);
  }
  const r = new BufferReader(prefix);
  const storePathIndex = r.i8('store_path_index');
  const fileSize = r.i64Big('file_size');
  if (fileSize < 0n || fileSize !== BigInt(pkgLen) - BigInt(UPLOAD_PREFIX_SIZE)) {
    throw badBody(cmd, `file_size ${fileSize} does not match body length ${pkgLen} − 15`);
  }
  const ext = r.fixedString(FILE_EXT_NAME_MAX_LEN, 'ext');
  checkExt(ext, cmd);
  return { storePathIndex, fileSize: Number(fileSize), ext, prefixLength: UPLOAD_PREFIX_SIZE };
}

/** Prefix of 21 (fixed part + master file name); send `fileSize` content bytes after it. */
export function encodeUploadSlavePrefix(fields: UploadSlavePrefix): EncodedPrefix {
  const cmd = StorageCommand.UPLOAD_SLAVE_FILE;
  const { masterFilename, fileSize, prefixName, ext } = fields;
  const nameLen = checkFilenameLength(masterFilename, cmd, LOGIC_FILE_PATH_LEN + 1);
  checkSize(fileSize, 'file size', cmd);
  checkSlavePrefix(prefixName, cmd);
  checkExt(ext, cmd);
  const size = UPLOAD_SLAVE_FIXED_SIZE + nameLen;
  const prefix = new BufferWriter(size)
    .i64(nameLen)
    .i64(fileSize)
    .fixedString(FILE_PREFIX_MAX_LEN, prefixName)
    .fixedString(FILE_EXT_NAME_MAX_LEN, ext)
    .string(masterFilename)
    .finish();
  return { prefix, pkgLen: size + fileSize };
}

/** The slave prefix is required and uses the extension's character set (§6.1 cmd 21). */
function checkSlavePrefix(prefixName: string, cmd: number): void {
  if (prefixName.length === 0) throw invalidArgument('the slave prefix is empty', cmd);
  checkNameChars(prefixName, FILE_PREFIX_MAX_LEN, 'slave prefix', cmd);
}

/**
 * Server side of 21, in the storage's order: body > 38, 10 < master_filename_len < 128,
 * file_size = pkg_len − 38 − master_filename_len, prefix non-empty and valid, extension valid.
 */
export function decodeUploadSlavePrefix(
  prefix: Buffer,
  pkgLen: number,
): DecodedPrefix<UploadSlavePrefix> {
  const cmd = StorageCommand.UPLOAD_SLAVE_FILE;
  if (pkgLen <= UPLOAD_SLAVE_FIXED_SIZE || prefix.length < UPLOAD_SLAVE_FIXED_SIZE) {
    throw badBody(cmd, `body length ${pkgLen}, expected more than ${UPLOAD_SLAVE_FIXED_SIZE}`);
  }
  const r = new BufferReader(prefix);
  const nameLen = r.i64Big('master_filename_len');
  const fileSize = r.i64Big('file_size');
  if (nameLen <= BigInt(LOGIC_FILE_PATH_LEN) || nameLen > BigInt(MAX_FILENAME_LEN)) {
    throw badBody(cmd, `master_filename_len ${nameLen}, expected 11..${MAX_FILENAME_LEN}`);
  }
  const prefixLength = UPLOAD_SLAVE_FIXED_SIZE + Number(nameLen);
  if (fileSize < 0n || fileSize !== BigInt(pkgLen) - BigInt(prefixLength)) {
    throw badBody(
      cmd,
      `file_size ${fileSize} does not match body length ${pkgLen} − 38 − ${nameLen}`,
    );
  }
  const prefixName = r.fixedString(FILE_PREFIX_MAX_LEN, 'prefix');
  checkSlavePrefix(prefixName, cmd);
  const ext = r.fixedString(FILE_EXT_NAME_MAX_LEN, 'ext');
  checkExt(ext, cmd);
  if (prefix.length < prefixLength) {
    throw badBody(
      cmd,
      `prefix holds ${prefix.length} bytes, the master name needs ${prefixLength}`,
    );
  }
  const masterFilename = r.string(Number(nameLen), 'master filename');
  return { masterFilename, fileSize: Number(fileSize), prefixName, ext, prefixLength };
}

/** Reply of 11, 21, 23, 38 and 20: group str[16] + file name vstr. */
export function encodeFileIdReply(
  reply: GroupFile,
  cmd: number = StorageCommand.UPLOAD_FILE,
): Buffer {
  const len = checkFilenameLength(reply.filename, cmd);
  return new BufferWriter(GROUP_NAME_MAX_LEN + len)
    .fixedString(GROUP_NAME_MAX_LEN, reply.groupName)
    .string(reply.filename)
    .finish();
}

/** Client side: the body must be longer than 16 bytes and the name at most 127 bytes. */
export function decodeFileIdReply(
  body: Buffer,
  cmd: number = StorageCommand.UPLOAD_FILE,
): GroupFile {
  const nameLen = body.length - GROUP_NAME_MAX_LEN;
  if (nameLen < 1 || nameLen > MAX_FILENAME_LEN) {
    throw badBody(
      cmd,
      `reply body length ${body.length}, expected ${GROUP_NAME_MAX_LEN + 1}..${GROUP_NAME_MAX_LEN + MAX_FILENAME_LEN}`,
    );
  }
  const r = new BufferReader(body);
  const groupName = r.fixedString(GROUP_NAME_MAX_LEN, 'group_name');
  return { groupName, filename: r.rest().toString('utf8') };
}
