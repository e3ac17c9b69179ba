import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pjwHash, randomModeSubdirs, RoundRobinSubdirs } from './subdir.js';
import { FdfsError } from '../errors.js';

// Known values from libfastcommon's PJW_HASH_FUNC compiled with gcc on x86-64.
const KNOWN: [string | Uint8Array, number][] = [
  ['', 0],
  ['a', 97],
  ['abc', 26499],
  ['hello world', 18588948],
  ['fwAADGsBikWAbM8VAAAAAAAAAAA', 240382513],
  ['oYYBAGsBjEuAbE0vAAAAAAAAAAA', 22275553],
  ['fwAADGsBidOAXtDXAAAAHdnGElo', 40635087],
  ['z'.repeat(27), 159929946],
  [new Uint8Array(20).fill(0xff), 4335],
  [Uint8Array.from([0x80, 0x90, 0xa0, 0xb0, 0xc0, 0xd0, 0xe0, 0xf0, 0xff, 0x7f]), 52861743],
];

test('PJW hash matches the C function on known inputs', () => {
  for (const [key, expected] of KNOWN) assert.equal(pjwHash(key), expected, String(key));
});

test('random mode: n = hash mod 65536, XX = (n >> 8) mod count, YY = (n & 0xFF) mod count', () => {
  assert.deepEqual(randomModeSubdirs('fwAADGsBikWAbM8VAAAAAAAAAAA', 256), {
    subdir1: 242,
    subdir2: 49,
  });
  assert.deepEqual(randomModeSubdirs('fwAADGsBikWAbM8VAAAAAAAAAAA', 100), {
    subdir1: 42,
    subdir2: 49,
  });
  assert.deepEqual(randomModeSubdirs('fwAADGsBidOAXtDXAAAAHdnGElo', 256), {
    subdir1: 10,
    subdir2: 207,
  });
  assert.throws(
    () => randomModeSubdirs('x', 0),
    (e: unknown) => e instanceof FdfsError && /subdir count/.test(e.message),
  );
  assert.throws(
    () => randomModeSubdirs('x', 257),
    (e: unknown) => e instanceof FdfsError && /subdir count/.test(e.message),
  );
});

test('property: the hash stays in 0..2^28-1 and the subdirs below the count', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 64 }),
      fc.integer({ min: 1, max: 256 }),
      (bytes, count) => {
        const h = pjwHash(bytes);
        assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 28);
        const text = Buffer.from(bytes).toString('latin1');
        const pair = randomModeSubdirs(text, count);
        assert.ok(pair.subdir1 < count && pair.subdir2 < count);
      },
    ),
    { numRuns: 300 },
  );
});

test('round robin: rotate_count files per subdir, low wraps into high, high wraps to 0', () => {
  const rr = new RoundRobinSubdirs(2, 2);
  const seen = Array.from({ length: 10 }, () => rr.next()).map((p) => `${p.subdir1}/${p.subdir2}`);
  assert.deepEqual(seen, ['0/0', '0/0', '0/1', '0/1', '1/0', '1/0', '1/1', '1/1', '0/0', '0/0']);
  assert.deepEqual(rr.state, { high: 0, low: 1, count: 0 });
});

test('round robin: resumes from saved counters, resets ones out of range', () => {
  const rr = new RoundRobinSubdirs(256, 100, { high: 3, low: 255, count: 99 });
  assert.deepEqual(rr.next(), { subdir1: 3, subdir2: 255 });
  assert.deepEqual(rr.state, { high: 4, low: 0, count: 0 });
  const reset = new RoundRobinSubdirs(16, 100, { high: 20, low: -1, count: 100 });
  assert.deepEqual(reset.state, { high: 0, low: 0, count: 0 });
  assert.throws(
    () => new RoundRobinSubdirs(16, 0),
    (e: unknown) => e instanceof FdfsError && /rotate count/.test(e.message),
  );
});
