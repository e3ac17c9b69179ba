// Fixed-layout readers and writers: big-endian integers and NUL-padded fixed strings (§0, §13).
import { FdfsError } from './errors.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** Read a fixed string: cut at the first NUL, because real peers leave junk after it (§16 #5). */
export function readFixedString(buf: Buffer, offset: number, size: number): string {
  const end = Math.min(offset + size, buf.length);
  let nul = buf.indexOf(0, offset);
  if (nul < 0 || nul > end) nul = end;
  return buf.toString('utf8', offset, nul);
}

/** Write `value` NUL-padded to `size` bytes. A value longer than the field is an error. */
export function writeFixedString(buf: Buffer, offset: number, size: number, value: string): void {
  const written = buf.write(value, offset, size, 'utf8');
  if (written < Buffer.byteLength(value, 'utf8')) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', `"${value}" does not fit a ${size}-byte field`);
  }
  buf.fill(0, offset + written, offset + size);
}

/** An i64 as a number, refusing values that a double cannot hold exactly (§13). */
export function readInt64(buf: Buffer, offset: number, what = 'i64 field'): number {
  const hi = buf.readInt32BE(offset);
  const lo = buf.readUInt32BE(offset + 4);
  // |hi| < 2^21 keeps hi * 2^32 + lo within 2^53.
  if (hi >= 0x200000 || hi < -0x200000) {
    throw new FdfsError('ERR_BAD_BODY', `${what} ${buf.readBigInt64BE(offset)} is out of range`);
  }
  return hi * 0x100000000 + lo;
}

export function writeInt64(buf: Buffer, offset: number, value: number | bigint): void {
  if (typeof value === 'bigint') {
    buf.writeBigInt64BE(value, offset);
    return;
  }
  if (!Number.isSafeInteger(value)) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', `${value} is not a safe integer for an i64 field`);
  }
  const hi = Math.floor(value / 0x100000000);
  buf.writeInt32BE(hi, offset);
  buf.writeUInt32BE(value - hi * 0x100000000, offset + 4);
}

/** Sequential reader over a body with a fixed layout. Every read is bounds-checked. */
export class BufferReader {
  offset: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(n: number, what: string): void {
    if (this.offset + n > this.buf.length) {
      throw new FdfsError(
        'ERR_BAD_BODY',
        `body too short for ${what}: need ${n} bytes at offset ${this.offset}, have ${this.remaining}`,
      );
    }
  }

  u8(what = 'u8'): number {
    this.need(1, what);
    return this.buf[this.offset++]!;
  }

  i8(what = 'i8'): number {
    this.need(1, what);
    return this.buf.readInt8(this.offset++);
  }

  i32(what = 'i32'): number {
    this.need(4, what);
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  /** An i64 as a number (range-checked). */
  i64(what = 'i64'): number {
    this.need(8, what);
    const v = readInt64(this.buf, this.offset, what);
    this.offset += 8;
    return v;
  }

  /** An i64 as a bigint, for values that may pass 2^53 (§13). */
  i64Big(what = 'i64'): bigint {
    this.need(8, what);
    const v = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  fixedString(size: number, what = 'string'): string {
    this.need(size, what);
    const v = readFixedString(this.buf, this.offset, size);
    this.offset += size;
    return v;
  }

  /** `n` raw bytes, as a view (no copy). */
  bytes(n: number, what = 'bytes'): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  /** A variable string of `n` bytes (no terminator). */
  string(n: number, what = 'string'): string {
    return this.bytes(n, what).toString('utf8');
  }

  /** Everything left, as a view. */
  rest(): Buffer {
    const v = this.buf.subarray(this.offset);
    this.offset = this.buf.length;
    return v;
  }

  /** Throw unless the whole body was consumed. */
  end(what = 'body'): void {
    if (this.offset !== this.buf.length) {
      throw new FdfsError('ERR_BAD_BODY', `${what}: ${this.remaining} unexpected trailing bytes`);
    }
  }
}

/** Sequential writer into one preallocated buffer of the exact size. */
export class BufferWriter {
  offset: number;
  readonly buf: Buffer;

  constructor(sizeOrBuffer: number | Buffer, offset = 0) {
    this.buf = typeof sizeOrBuffer === 'number' ? Buffer.allocUnsafe(sizeOrBuffer) : sizeOrBuffer;
    this.offset = offset;
  }

  u8(v: number): this {
    this.buf[this.offset++] = v & 0xff;
    return this;
  }

  i8(v: number): this {
    this.buf.writeInt8(v, this.offset++);
    return this;
  }

  i32(v: number): this {
    this.buf.writeInt32BE(v, this.offset);
    this.offset += 4;
    return this;
  }

  i64(v: number | bigint): this {
    writeInt64(this.buf, this.offset, v);
    this.offset += 8;
    return this;
  }

  fixedString(size: number, v: string): this {
    writeFixedString(this.buf, this.offset, size, v);
    this.offset += size;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.buf.set(b, this.offset);
    this.offset += b.length;
    return this;
  }

  string(v: string): this {
    this.offset += this.buf.write(v, this.offset, 'utf8');
    return this;
  }

  /** The written bytes; throws if the buffer was not filled exactly. */
  finish(): Buffer {
    if (this.offset !== this.buf.length) {
      throw new FdfsError(
        'ERR_INVALID_ARGUMENT',
        `encoder wrote ${this.offset} of ${this.buf.length} bytes`,
      );
    }
    return this.buf;
  }
}

export { MAX_SAFE as MAX_SAFE_BIG, MIN_SAFE as MIN_SAFE_BIG };
