// The store path mark (§8.1): a 56-byte record in host byte order (little-endian on x86) —
// ip_addr str[46], port i16, store_path_index u8, 3 bytes of padding, create_time i32 — written
// in the §7.2 base64 alphabet without padding (75 characters). `.fastdfs_vars` holds it as
// `store_path_mark=<mark>\n`, and `.data_init_flag` keeps a copy as `store_path_mark<i>`; a
// storage that finds them different refuses to start (the wrong disk is mounted).
import { IP_ADDRESS_SIZE } from '../../protocol/constants.js';
import { fdfsBase64Decode, fdfsBase64Encode } from '../../protocol/file-id/base64.js';
import { FdfsError } from '../../common/errors.js';
import { formatKeyValues, parseKeyValues } from '../../common/kv-file.js';

export const STORE_PATH_MARK_BYTES = 56;
/** Characters of an encoded mark. */
export const STORE_PATH_MARK_LENGTH = 75;
export const FASTDFS_VARS_FILE = '.fastdfs_vars';

export interface StorePathMark {
  /** The storage's own IP when the mark was made. */
  ipAddr: string;
  port: number;
  storePathIndex: number;
  /** Unix seconds. */
  createTime: number;
}

export function encodeStorePathMark(mark: StorePathMark): string {
  const ip = Buffer.from(mark.ipAddr, 'latin1');
  if (ip.length >= IP_ADDRESS_SIZE) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', `mark IP ${JSON.stringify(mark.ipAddr)} too long`);
  }
  const out = Buffer.alloc(STORE_PATH_MARK_BYTES);
  ip.copy(out, 0);
  out.writeInt16LE(mark.port > 0x7fff ? mark.port - 0x10000 : mark.port, 46);
  out.writeUInt8(mark.storePathIndex, 48);
  out.writeInt32LE(mark.createTime | 0, 52);
  return fdfsBase64Encode(out);
}

export function decodeStorePathMark(text: string): StorePathMark {
  const bytes = fdfsBase64Decode(text, 'store path mark', 'ERR_BAD_BODY');
  if (bytes.length !== STORE_PATH_MARK_BYTES) {
    throw new FdfsError(
      'ERR_BAD_BODY',
      `store path mark decodes to ${bytes.length} bytes, not ${STORE_PATH_MARK_BYTES}`,
    );
  }
  const nul = bytes.indexOf(0);
  return {
    ipAddr: bytes.toString('latin1', 0, nul >= 0 && nul < 46 ? nul : 46),
    port: bytes.readUInt16LE(46),
    storePathIndex: bytes.readUInt8(48),
    createTime: bytes.readUInt32LE(52),
  };
}

/** `.fastdfs_vars` content: one line. */
export function formatFastdfsVars(mark: string): string {
  return formatKeyValues([['store_path_mark', mark]]);
}

/** The mark in a `.fastdfs_vars` text, or '' when the key is absent. */
export function parseFastdfsVars(text: string): string {
  return parseKeyValues(text).get('store_path_mark') ?? '';
}
