// The body shape of every command, for both directions (§1.3, §1.4, §6.1, §6.2).
// One table serves the servers (request shapes), the clients (reply shapes) and the tests.
import { StorageCommand } from './commands.js';
import { DEFAULT_MAX_PACKAGE_SIZE, INFINITE_FILE_SIZE, MAX_FILENAME_LEN } from './constants.js';
import type { BodyShape } from './frame-decoder.js';
import type { FrameHeader } from './header.js';

export interface ShapeLimits {
  /** Largest non-streamed request (buff_size, §1.3). */
  maxPackageSize: number;
  /** Largest non-streamed reply a client accepts. */
  maxReplySize: number;
}

export const DEFAULT_SHAPE_LIMITS: ShapeLimits = {
  maxPackageSize: DEFAULT_MAX_PACKAGE_SIZE,
  // List replies can be large (FETCH_STORAGE_IDS, LIST_ALL_GROUPS with 512 groups).
  maxReplySize: 16 * 1024 * 1024,
};

/**
 * Storage requests whose content is streamed after a fixed prefix (§1.3: "upload-like commands").
 * `lengthFieldOffset` locates the i64 length of the file name that ends the prefix.
 */
const STREAMED_STORAGE_REQUESTS: ReadonlyMap<
  number,
  Extract<BodyShape, { kind: 'prefixed' }>
> = new Map([
  // store_path_index i8, file_size i64, ext str[6] (§6.1 cmd 11/23)
  [StorageCommand.UPLOAD_FILE, { kind: 'prefixed', prefixLength: 15 }],
  [StorageCommand.UPLOAD_APPENDER_FILE, { kind: 'prefixed', prefixLength: 15 }],
  // master_filename_len, file_size, prefix str[16], ext str[6], master name (§6.1 cmd 21)
  [
    StorageCommand.UPLOAD_SLAVE_FILE,
    {
      kind: 'prefixed',
      prefixLength: 38,
      lengthFieldOffset: 0,
      maxVariableLength: MAX_FILENAME_LEN,
    },
  ],
  // filename_len, file_size, name (§6.1 cmd 24)
  [
    StorageCommand.APPEND_FILE,
    {
      kind: 'prefixed',
      prefixLength: 16,
      lengthFieldOffset: 0,
      maxVariableLength: MAX_FILENAME_LEN,
    },
  ],
  // filename_len, offset, file_size, name (§6.1 cmd 34)
  [
    StorageCommand.MODIFY_FILE,
    {
      kind: 'prefixed',
      prefixLength: 24,
      lengthFieldOffset: 0,
      maxVariableLength: MAX_FILENAME_LEN,
    },
  ],
  // filename_len, file_size, timestamp i32, group str[16], name (§6.2 cmd 16/18)
  [
    StorageCommand.SYNC_CREATE_FILE,
    {
      kind: 'prefixed',
      prefixLength: 36,
      lengthFieldOffset: 0,
      maxVariableLength: MAX_FILENAME_LEN,
    },
  ],
  [
    StorageCommand.SYNC_UPDATE_FILE,
    {
      kind: 'prefixed',
      prefixLength: 36,
      lengthFieldOffset: 0,
      maxVariableLength: MAX_FILENAME_LEN,
    },
  ],
  // filename_len, start_offset, length, timestamp i32, group str[16], name (§6.2 cmd 25/35)
  [
    StorageCommand.SYNC_APPEND_FILE,
    {
      kind: 'prefixed',
      prefixLength: 44,
      lengthFieldOffset: 0,
      maxVariableLength: MAX_FILENAME_LEN,
    },
  ],
  [
    StorageCommand.SYNC_MODIFY_FILE,
    {
      kind: 'prefixed',
      prefixLength: 44,
      lengthFieldOffset: 0,
      maxVariableLength: MAX_FILENAME_LEN,
    },
  ],
]);

/** Shape of a request arriving at a storage server. */
export function storageRequestShape(
  cmd: number,
  limits: ShapeLimits = DEFAULT_SHAPE_LIMITS,
): BodyShape {
  return STREAMED_STORAGE_REQUESTS.get(cmd) ?? { kind: 'whole', maxLength: limits.maxPackageSize };
}

/** Shape of a request arriving at a tracker: every request must fit the buffer (§1.3). */
export function trackerRequestShape(
  _cmd: number,
  limits: ShapeLimits = DEFAULT_SHAPE_LIMITS,
): BodyShape {
  return { kind: 'whole', maxLength: limits.maxPackageSize };
}

/** True for storage commands whose request content is streamed. */
export function isStreamedStorageRequest(cmd: number): boolean {
  return STREAMED_STORAGE_REQUESTS.has(cmd);
}

/** An error reply may carry a small stray body; it is read and ignored. */
const MAX_ERROR_REPLY_BODY = 64 * 1024;

/**
 * Shape of the reply to `requestCmd`, seen by the client. Downloads stream from the first byte;
 * FETCH_ONE_PATH_BINLOG is close-delimited when it succeeds (§1.4); everything else is whole.
 */
export function replyShape(
  requestCmd: number,
  header: FrameHeader,
  limits: ShapeLimits = DEFAULT_SHAPE_LIMITS,
): BodyShape {
  if (header.status !== 0) return { kind: 'whole', maxLength: MAX_ERROR_REPLY_BODY };
  if (requestCmd === StorageCommand.DOWNLOAD_FILE) return { kind: 'stream' };
  if (requestCmd === StorageCommand.FETCH_ONE_PATH_BINLOG && header.pkgLen === INFINITE_FILE_SIZE) {
    return { kind: 'close-delimited' };
  }
  return { kind: 'whole', maxLength: limits.maxReplySize };
}
