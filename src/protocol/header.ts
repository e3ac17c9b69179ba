// The 10-byte packet header (§1.1) and whole-frame encoding.
import { HEADER_SIZE, INFINITE_FILE_SIZE } from './constants.js';
import { RESP_CMD, TrackerCommand } from './commands.js';
import { FdfsError } from './errors.js';

export interface FrameHeader {
  /**
   * Body length. A number: every legal value is either at most 2^53 or exactly 2^58
   * (the close-delimited stream of cmd 26, §1.4), and both are exact in a double.
   */
  pkgLen: number;
  cmd: number;
  status: number;
}

/** Decode a header. A negative pkg_len, or one above 2^53 other than 2^58, is a protocol error. */
export function decodeHeader(buf: Buffer, offset = 0): FrameHeader {
  const hi = buf.readInt32BE(offset);
  const lo = buf.readUInt32BE(offset + 4);
  const cmd = buf[offset + 8]!;
  const status = buf[offset + 9]!;
  if (hi < 0) {
    throw new FdfsError('ERR_PROTOCOL', `negative pkg_len in header ${hex(buf, offset)}`);
  }
  const pkgLen = hi * 0x100000000 + lo;
  if (pkgLen > Number.MAX_SAFE_INTEGER && pkgLen !== INFINITE_FILE_SIZE) {
    throw new FdfsError('ERR_PROTOCOL', `pkg_len out of range in header ${hex(buf, offset)}`);
  }
  return { pkgLen, cmd, status };
}

/** Write a header into `buf` at `offset`. */
export function writeHeader(
  buf: Buffer,
  offset: number,
  pkgLen: number,
  cmd: number,
  status = 0,
): void {
  const hi = Math.floor(pkgLen / 0x100000000);
  buf.writeUInt32BE(hi, offset);
  buf.writeUInt32BE(pkgLen - hi * 0x100000000, offset + 4);
  buf[offset + 8] = cmd;
  buf[offset + 9] = status;
}

export function encodeHeader(pkgLen: number, cmd: number, status = 0): Buffer {
  const buf = Buffer.allocUnsafe(HEADER_SIZE);
  writeHeader(buf, 0, pkgLen, cmd, status);
  return buf;
}

/** One buffer holding the header and the body: the usual shape of a small request or reply. */
export function encodeFrame(cmd: number, body: Uint8Array = EMPTY, status = 0): Buffer {
  const buf = Buffer.allocUnsafe(HEADER_SIZE + body.length);
  writeHeader(buf, 0, body.length, cmd, status);
  buf.set(body, HEADER_SIZE);
  return buf;
}

/** A reply frame (cmd 100). */
export function encodeResponse(status: number, body: Uint8Array = EMPTY): Buffer {
  return encodeFrame(RESP_CMD, status === 0 ? body : EMPTY, status);
}

const EMPTY = Buffer.alloc(0);

/** Constant frames, built once (STYLE §2). Never mutate them. */
export const ACTIVE_TEST_FRAME: Buffer = encodeFrame(TrackerCommand.ACTIVE_TEST);
export const QUIT_FRAME: Buffer = encodeFrame(TrackerCommand.QUIT);
export const EMPTY_OK_RESPONSE: Buffer = encodeFrame(RESP_CMD);

function hex(buf: Buffer, offset: number): string {
  return buf.subarray(offset, offset + HEADER_SIZE).toString('hex');
}
