// fast-check arbitraries and checks shared by the tests of this folder. Named *.test.helper.ts:
// never shipped (fast-check is a dev dependency) and never run as a test file by itself.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FdfsError, type ErrorCode } from '../errors.js';
import type { StorageBrief } from './storage-brief.js';
import {
  STORAGE_STAT_COUNTER_FIELDS,
  type ConnectionCounters,
  type StorageStatBlock,
} from './storage-stat-block.js';

/** Bounded run count for every property of this folder. */
export const NUM_RUNS = 200;

/** An ASCII string without NUL of at most `max` bytes: what a fixed field round-trips. */
export function fixedString(max: number): fc.Arbitrary<string> {
  const char = fc.integer({ min: 1, max: 0x7e }).map((c) => String.fromCharCode(c));
  return fc.string({ unit: char, maxLength: max });
}

export const u8 = fc.integer({ min: 0, max: 0xff });
export const i8 = fc.integer({ min: -0x80, max: 0x7f });
export const i32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
/** Any i64 a number holds exactly (readInt64 refuses the rest). */
export const i64 = fc.maxSafeInteger();

export const connectionCounters: fc.Arbitrary<ConnectionCounters> = fc.record({
  allocCount: i32,
  currentCount: i32,
  maxCount: i32,
});

export function storageBrief(ipSize: number): fc.Arbitrary<StorageBrief> {
  return fc.record({
    status: u8,
    port: i32,
    id: fixedString(16),
    ipAddr: fixedString(ipSize),
  });
}

export const storageStatBlock: fc.Arbitrary<StorageStatBlock> = fc
  .tuple(
    connectionCounters,
    fc.array(i64, {
      minLength: STORAGE_STAT_COUNTER_FIELDS.length,
      maxLength: STORAGE_STAT_COUNTER_FIELDS.length,
    }),
  )
  .map(([connection, values]) => {
    const block = { connection } as StorageStatBlock;
    STORAGE_STAT_COUNTER_FIELDS.forEach((name, i) => (block[name] = values[i]!));
    return block;
  });

/** decode(encode(v)) deep-equals v, and encode(decode(bytes)) gives the same bytes back. */
export function checkRoundTrip<T>(
  arb: fc.Arbitrary<T>,
  encode: (v: T) => Buffer,
  decode: (b: Buffer) => T,
  expectedSize?: (v: T) => number,
): void {
  fc.assert(
    fc.property(arb, (v) => {
      const bytes = encode(v);
      if (expectedSize) assert.equal(bytes.length, expectedSize(v));
      const back = decode(bytes);
      assert.deepEqual(back, structuredClone(v)); // fc.record builds null-prototype objects
      assert.deepEqual(encode(back), bytes);
    }),
    { numRuns: NUM_RUNS },
  );
}

/**
 * Random bytes either decode or fail with ERR_BAD_BODY: never a RangeError or a crash. Half the
 * inputs have one of the `lengths` the decoder accepts, so that the field readers run too.
 */
export function checkDecodeFuzz(decode: (b: Buffer) => unknown, lengths: number[]): void {
  const maxLength = Math.max(...lengths) + 8;
  const sized = fc
    .constantFrom(...lengths)
    .chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
  fc.assert(
    fc.property(fc.oneof(sized, fc.uint8Array({ maxLength })), (bytes) => {
      try {
        decode(Buffer.from(bytes));
      } catch (err) {
        assert.ok(err instanceof FdfsError, `not an FdfsError: ${String(err)}`);
        assert.equal(err.code, 'ERR_BAD_BODY');
      }
    }),
    { numRuns: NUM_RUNS },
  );
}

export function assertFdfsError(fn: () => unknown, code: ErrorCode, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof FdfsError, `not an FdfsError: ${String(err)}`);
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return true;
  });
}

/** A string of exactly `n` printable bytes: fills its field with no NUL. */
export function full(n: number, c = 'x'): string {
  return c.repeat(n);
}
