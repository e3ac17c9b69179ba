// The 27-character block (B27) at the start of every FastDFS file name (§7.2): 20 bytes
// (source, timestamp, size field, crc32) in FastDFS base64, unpadded.
import { FILENAME_BASE64_LENGTH, MAX_SERVER_ID } from '../constants.js';
import { FdfsError, type ErrorCode } from '../errors.js';
import { fdfsBase64Decode, fdfsBase64Encode } from './base64.js';

/** Raw size of the block before base64. */
export const NAME_BLOCK_BYTES = 20;
/** Length of the encoded block (27). */
export const NAME_BLOCK_LENGTH = FILENAME_BASE64_LENGTH;

/** Size-field flag of appender files, bit 58 (`IS_APPENDER_FILE`). */
export const SIZE_FIELD_APPENDER_FLAG = 1n << 58n;
/** Size-field flag of trunk files, bit 59 (`IS_TRUNK_FILE`). */
export const SIZE_FIELD_TRUNK_FLAG = 1n << 59n;
const BIT63 = 1n << 63n;
const LOW32 = 0xffffffffn;
const U64_MAX = (1n << 64n) - 1n;

/** The decoded block. `sizeField` is the raw 64-bit field as an unsigned bigint. */
export interface NameBlock {
  /** A server id as decimal text ("100001") or an IPv4 address ("127.0.0.12"). */
  sourceIdOrIp: string;
  /** Unix seconds, 0..2^32−1. */
  timestamp: number;
  sizeField: bigint;
  /** Unsigned 32-bit CRC (a signed value is accepted when encoding). */
  crc32: number;
}

/** How a file name was stored, as far as its size field is concerned. */
export type SizeFieldKind = 'normal' | 'appender' | 'trunk';

export function isAppenderSizeField(sizeField: bigint): boolean {
  return (sizeField & SIZE_FIELD_APPENDER_FLAG) !== 0n;
}

export function isTrunkSizeField(sizeField: bigint): boolean {
  return (sizeField & SIZE_FIELD_TRUNK_FLAG) !== 0n;
}

/**
 * The size field of a new name (§7.2 table). `random` is one rand() value; only its low 23 bits
 * are used (R = 0x80000000 | (random & 0x7FFFFF)). Appender names carry no size, so `size` is
 * ignored for them.
 */
export function makeSizeField(kind: SizeFieldKind, size: bigint, random: number): bigint {
  if (size < 0n) throw new FdfsError('ERR_INVALID_ARGUMENT', `negative file size ${size}`);
  const r = BigInt(0x80000000 + (random & 0x007fffff)) << 32n;
  switch (kind) {
    case 'appender':
      return r | SIZE_FIELD_APPENDER_FLAG;
    case 'trunk':
      if (size > LOW32) {
        throw new FdfsError('ERR_INVALID_ARGUMENT', `trunk file size ${size} does not fit 32 bits`);
      }
      return r | size | SIZE_FIELD_TRUNK_FLAG;
    case 'normal':
      if (size <= LOW32) return r | size;
      // ≥ 4 GiB: the size itself, which must leave the flag bits clear to stay a normal name.
      if (size >= SIZE_FIELD_APPENDER_FLAG) {
        throw new FdfsError('ERR_INVALID_ARGUMENT', `file size ${size} is too large for a name`);
      }
      return size;
  }
}

/**
 * The file size a size field states (§7.8 step 6): the low 32 bits when bit 63 or the trunk bit is
 * set, else the field itself. Meaningless for appender names (their size part is 0).
 */
export function sizeFromSizeField(sizeField: bigint): bigint {
  return (sizeField & BIT63) !== 0n || isTrunkSizeField(sizeField) ? sizeField & LOW32 : sizeField;
}

/** True when `text` names a server id rather than an IPv4 address. */
export function isServerIdText(text: string): boolean {
  return /^[0-9]+$/.test(text);
}

/**
 * Bytes 0–3 for a source: a server id N as N little-endian, an IPv4 a.b.c.d as the bytes a b c d
 * (what `int2buff(htonl(x))` gives on little-endian hosts, §7.2, §15 #2).
 * An address ending in ".0" encodes but decodes as a server id, as in C (§15 #3).
 */
export function encodeSource(ipOrId: string): Buffer {
  const out = Buffer.alloc(4);
  if (isServerIdText(ipOrId)) {
    const id = Number(ipOrId);
    if (!/^[1-9][0-9]{0,7}$/.test(ipOrId) || id > MAX_SERVER_ID) {
      throw new FdfsError(
        'ERR_INVALID_ARGUMENT',
        `server id ${JSON.stringify(ipOrId)} is not 1..${MAX_SERVER_ID} without leading zeros`,
      );
    }
    out.writeUInt32LE(id, 0);
    return out;
  }
  const parts = ipOrId.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && +p <= 255)) {
    throw new FdfsError(
      'ERR_INVALID_ARGUMENT',
      `source ${JSON.stringify(ipOrId)} is neither a server id nor a dotted IPv4 address`,
    );
  }
  parts.forEach((p, i) => (out[i] = Number(p)));
  return out;
}

/** Bytes 0–3 read back: little-endian signed v in 1..16777215 is a server id, else an IPv4. */
export function decodeSource(bytes: Uint8Array, offset = 0): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset + offset, 4);
  const v = b.readInt32LE(0);
  return v >= 1 && v <= MAX_SERVER_ID ? String(v) : `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** The 20 raw bytes of a block. */
export function encodeNameBlockBytes(block: NameBlock): Buffer {
  const { timestamp, sizeField, crc32 } = block;
  if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp > 0xffffffff) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', `timestamp ${timestamp} does not fit 32 bits`);
  }
  if (sizeField < -BIT63 || sizeField > U64_MAX) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', `size field ${sizeField} does not fit 64 bits`);
  }
  if (!Number.isInteger(crc32) || crc32 < -0x80000000 || crc32 > 0xffffffff) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', `crc32 ${crc32} does not fit 32 bits`);
  }
  const out = Buffer.alloc(NAME_BLOCK_BYTES);
  encodeSource(block.sourceIdOrIp).copy(out, 0);
  out.writeUInt32BE(timestamp, 4);
  out.writeBigUInt64BE(BigInt.asUintN(64, sizeField), 8);
  out.writeUInt32BE(crc32 >>> 0, 16);
  return out;
}

/**
 * Read the 20 raw bytes. The timestamp is read unsigned: C reads it as a signed int, which only
 * differs after 2038.
 */
export function decodeNameBlockBytes(bytes: Uint8Array): NameBlock {
  if (bytes.length !== NAME_BLOCK_BYTES) {
    throw new FdfsError('ERR_BAD_FILE_ID', `name block is ${bytes.length} bytes, not 20`);
  }
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return {
    sourceIdOrIp: decodeSource(b, 0),
    timestamp: b.readUInt32BE(4),
    sizeField: b.readBigUInt64BE(8),
    crc32: b.readUInt32BE(16),
  };
}

/** The 27-character text of a block. */
export function encodeNameBlock(block: NameBlock): string {
  return fdfsBase64Encode(encodeNameBlockBytes(block));
}

/** Decode a 27-character block; anything else is ERR_BAD_FILE_ID (or `code`). */
export function decodeNameBlock(b27: string, code: ErrorCode = 'ERR_BAD_FILE_ID'): NameBlock {
  if (b27.length !== NAME_BLOCK_LENGTH) {
    throw new FdfsError(
      code,
      `name block ${JSON.stringify(b27)} is not ${NAME_BLOCK_LENGTH} chars`,
    );
  }
  return decodeNameBlockBytes(fdfsBase64Decode(b27, 'name block', code));
}
