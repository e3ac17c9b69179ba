// The QUERY_FILE_INFO (22) reply (§6.1 cmd 22, §14.7): 24 + S bytes.
import { BufferReader, BufferWriter } from '../buffer.js';
import { StorageCommand } from '../commands.js';
import { badBody, invalidArgument, RESPONSE_IP_SIZES, type ResponseIpSize } from './fields.js';

export interface FileInfoReply {
  /** Current size on disk (for a symlink, its target's). */
  fileSize: number;
  /** Unix seconds (the file's mtime; replicas carry the source's time, §8.5). */
  createTimestamp: number;
  /** The CRC32 as an unsigned 32-bit value. */
  crc32: number;
  /** The source storage's IP, decoded from the file name. */
  sourceIp: string;
}

const FIXED = 3 * 8;

/**
 * 24 + S bytes. The CRC goes out as the signed 32-bit value sign-extended to 8 bytes, as the real
 * 6.16.1 sends it: 0xd9c6125a → ffffffffd9c6125a (§16 #4).
 */
export function encodeFileInfoReply(reply: FileInfoReply, ipSize: ResponseIpSize): Buffer {
  const cmd = StorageCommand.QUERY_FILE_INFO;
  if (ipSize !== 16 && ipSize !== 46)
    throw invalidArgument(`IP size ${String(ipSize)}, not 16 or 46`, cmd);
  if (!Number.isInteger(reply.crc32) || reply.crc32 < 0 || reply.crc32 > 0xffffffff) {
    throw invalidArgument(`crc32 ${reply.crc32} is not an unsigned 32-bit value`, cmd);
  }
  return new BufferWriter(FIXED + ipSize)
    .i64(reply.fileSize)
    .i64(reply.createTimestamp)
    .i64(reply.crc32 | 0)
    .fixedString(ipSize, reply.sourceIp)
    .finish();
}

/**
 * 40 or 70 bytes. The CRC field is accepted sign-extended (6.16.1) or zero-extended; its low 32
 * bits are returned, unsigned. Anything else in the high half is refused.
 */
export function decodeFileInfoReply(body: Buffer): FileInfoReply & { ipSize: ResponseIpSize } {
  const cmd = StorageCommand.QUERY_FILE_INFO;
  const ipSize = RESPONSE_IP_SIZES.find((s) => body.length === FIXED + s);
  if (ipSize === undefined) {
    throw badBody(cmd, `reply body length ${body.length}, expected 40 or 70`);
  }
  const r = new BufferReader(body);
  const fileSize = r.i64('file_size');
  const createTimestamp = r.i64('create_timestamp');
  const high = body.readUInt32BE(r.offset);
  const low = body.readUInt32BE(r.offset + 4);
  r.offset += 8;
  const signExtended = high === 0xffffffff && low >= 0x80000000;
  if (high !== 0 && !signExtended) {
    throw badBody(cmd, `crc32 field ${body.toString('hex', 16, 24)} is not a 32-bit value`);
  }
  return {
    fileSize,
    createTimestamp,
    crc32: low,
    sourceIp: r.fixedString(ipSize, 'source ip'),
    ipSize,
  };
}
