// Field helpers shared by the client-facing message codecs (§5.1, §6.1): the IP size of tracker
// replies, length and character checks, and the error every request decoder throws.
import { commandName } from '../commands.js';
import { MAX_FILENAME_LEN } from '../constants.js';
import { FdfsError } from '../errors.js';
import { IP_FIELD_SIZES, type IpFieldSize } from '../dialect.js';

/** IP field size S of tracker query replies and QUERY_FILE_INFO: 16 (IPv4 dialect) or 46 (§4.9, §14.6). */
export type { IpFieldSize as ResponseIpSize } from '../dialect.js';

export const RESPONSE_IP_SIZES: readonly IpFieldSize[] = IP_FIELD_SIZES;

/** What an upload-like request hands to the frame header: the prefix bytes and pkg_len = prefix + content. */
export interface EncodedPrefix {
  prefix: Buffer;
  pkgLen: number;
}

/** What a prefix decoder returns: the fields and how many bytes of the buffer they took. */
export type DecodedPrefix<T> = T & { prefixLength: number };

/** A group name and a remote file name (without the group), as most storage requests carry them. */
export interface GroupFile {
  groupName: string;
  filename: string;
}

/** The ERR_BAD_BODY a server answers with EINVAL: names the command and what is wrong. */
export function badBody(cmd: number, message: string): FdfsError {
  return new FdfsError('ERR_BAD_BODY', `${commandName(cmd)}: ${message}`, { command: cmd });
}

export function invalidArgument(message: string, cmd?: number): FdfsError {
  const text = cmd === undefined ? message : `${commandName(cmd)}: ${message}`;
  return new FdfsError('ERR_INVALID_ARGUMENT', text, cmd === undefined ? {} : { command: cmd });
}

export function byteLength(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

// Characters the storage accepts in an extension or a slave prefix (fdfs_validate_filename, §6.1).
const NAME_CHARS = /^[A-Za-z0-9_.-]*$/;

/** Throw ERR_INVALID_ARGUMENT unless `value` fits `maxBytes` and uses only `A-Z a-z 0-9 - _ .` (§6.1). */
export function checkNameChars(value: string, maxBytes: number, what: string, cmd?: number): void {
  if (!NAME_CHARS.test(value)) {
    throw invalidArgument(`${what} "${value}" may only hold A-Z a-z 0-9 - _ .`, cmd);
  }
  if (value.length > maxBytes) {
    throw invalidArgument(`${what} "${value}" is longer than ${maxBytes} bytes`, cmd);
  }
}

/** Encoder-side check of a file name's byte length (§1.3: names fit a 128-byte buffer). */
export function checkFilenameLength(
  filename: string,
  cmd: number,
  min = 1,
  max = MAX_FILENAME_LEN,
): number {
  const len = byteLength(filename);
  if (len < min || len > max) {
    throw invalidArgument(`file name of ${len} bytes, expected ${min}..${max}`, cmd);
  }
  return len;
}

/** A non-negative safe integer for an i64 size or offset field. */
export function checkSize(value: number, what: string, cmd: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw invalidArgument(`${what} ${value} is not a non-negative safe integer`, cmd);
  }
}
