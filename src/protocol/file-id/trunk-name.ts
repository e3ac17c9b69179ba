// T16: where a trunk-stored file lives (§7.6). 12 bytes — trunk file id, offset, slot size, each an
// i32 big-endian — in FastDFS base64 (16 characters, no padding needed).
import { TRUNK_FILE_INFO_LEN } from '../constants.js';
import { FdfsError } from '../errors.js';
import { fdfsBase64Decode, fdfsBase64Encode } from './base64.js';

/** Length of the encoded block (16). */
export const TRUNK_BLOCK_LENGTH = TRUNK_FILE_INFO_LEN;

export interface TrunkLocation {
  /** The trunk file `<store_path>/data/XX/YY/<id as 6 digits>`. */
  trunkFileId: number;
  /** Byte offset of the slot (its 24-byte header comes first, §8.9). */
  offset: number;
  /** Size of the slot. */
  slotSize: number;
}

const FIELDS = ['trunkFileId', 'offset', 'slotSize'] as const;

export function encodeTrunkBlock(location: TrunkLocation): string {
  const buf = Buffer.alloc(12);
  FIELDS.forEach((field, i) => {
    const v = location[field];
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
      throw new FdfsError('ERR_INVALID_ARGUMENT', `trunk ${field} ${v} is not 0..2^31-1`);
    }
    buf.writeInt32BE(v, i * 4);
  });
  return fdfsBase64Encode(buf);
}

/** Decode 16 characters; a bad character or a negative field is ERR_BAD_FILE_ID. */
export function decodeTrunkBlock(t16: string): TrunkLocation {
  if (t16.length !== TRUNK_BLOCK_LENGTH) {
    throw new FdfsError(
      'ERR_BAD_FILE_ID',
      `trunk block ${JSON.stringify(t16)} is not ${TRUNK_BLOCK_LENGTH} chars`,
    );
  }
  const buf = fdfsBase64Decode(t16, 'trunk block', 'ERR_BAD_FILE_ID');
  const [trunkFileId, offset, slotSize] = [0, 4, 8].map((o) => buf.readInt32BE(o)) as [
    number,
    number,
    number,
  ];
  if (trunkFileId < 0 || offset < 0 || slotSize < 0) {
    throw new FdfsError(
      'ERR_BAD_FILE_ID',
      `trunk block ${JSON.stringify(t16)} has a negative field`,
    );
  }
  return { trunkFileId, offset, slotSize };
}

/** The trunk file's name inside its subdirectory: the id as 6-digit zero-padded decimal. */
export function trunkFileName(trunkFileId: number): string {
  return String(trunkFileId).padStart(6, '0');
}
