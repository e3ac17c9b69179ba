// Helpers shared by the structure codecs of this folder (§4): range-checked small integers and
// record lists. BufferWriter.u8 keeps only the low byte and writeInt32BE throws a RangeError, so a
// value that does not fit its field is refused here first, as ERR_INVALID_ARGUMENT.
import { BufferWriter } from '../buffer.js';
import { FdfsError } from '../errors.js';
import { GROUP_NAME_MAX_LEN } from '../constants.js';

function checkInt(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', `${what} ${value} does not fit ${min}..${max}`);
  }
  return value;
}

export function writeU8(w: BufferWriter, value: number, what: string): void {
  w.u8(checkInt(value, 0, 0xff, what));
}

export function writeI8(w: BufferWriter, value: number, what: string): void {
  w.i8(checkInt(value, -0x80, 0x7f, what));
}

export function writeI32(w: BufferWriter, value: number, what: string): void {
  w.i32(checkInt(value, -0x80000000, 0x7fffffff, what));
}

/** A group name: at most 16 bytes, even in the 17-byte struct fields (§3.1). */
export function writeGroupName(w: BufferWriter, fieldSize: number, name: string): void {
  if (Buffer.byteLength(name, 'utf8') > GROUP_NAME_MAX_LEN) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', `group name "${name}" is longer than 16 bytes`);
  }
  w.fixedString(fieldSize, name);
}

/** Throw ERR_BAD_BODY unless `buf` is exactly `size` bytes. */
export function expectLength(buf: Buffer, size: number, what: string): void {
  if (buf.length !== size) {
    throw new FdfsError('ERR_BAD_BODY', `${what}: body is ${buf.length} bytes, expected ${size}`);
  }
}

/** Cut `buf` into records of `size` bytes; ERR_BAD_BODY unless its length is a multiple. */
export function splitRecords(buf: Buffer, size: number, what: string): Buffer[] {
  if (buf.length % size !== 0) {
    throw new FdfsError(
      'ERR_BAD_BODY',
      `${what}: body length ${buf.length} is not a multiple of ${size}`,
    );
  }
  const out: Buffer[] = [];
  for (let off = 0; off < buf.length; off += size) out.push(buf.subarray(off, off + size));
  return out;
}

/** Encode each record into one buffer of `size × n` bytes. */
export function joinRecords<T>(
  list: readonly T[],
  size: number,
  write: (w: BufferWriter, value: T) => void,
): Buffer {
  const w = new BufferWriter(size * list.length);
  for (const value of list) write(w, value);
  return w.finish();
}
