import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeTrunkSlot, encodeTrunkSlot } from './trunk-slot.js';
import {
  assertFdfsError,
  checkDecodeFuzz,
  checkRoundTrip,
  i32,
  u8,
} from './arbitraries.test.helper.js';

test('trunk slot: 3 bytes then id, offset, size as i32 BE (§4.6)', () => {
  const v = {
    storePathIndex: 1,
    subPathHigh: 0xab,
    subPathLow: 0x0c,
    id: 7,
    offset: 1024,
    size: 256,
  };
  const b = encodeTrunkSlot(v);
  assert.equal(b.toString('hex'), '01ab0c' + '00000007' + '00000400' + '00000100');
  assert.deepEqual(decodeTrunkSlot(b), v);
});

test('trunk slot round trip', () => {
  checkRoundTrip(
    fc.record({
      storePathIndex: u8,
      subPathHigh: u8,
      subPathLow: u8,
      id: i32,
      offset: i32,
      size: i32,
    }),
    encodeTrunkSlot,
    decodeTrunkSlot,
    () => 15,
  );
});

test('bad lengths are ERR_BAD_BODY; out-of-range fields are refused', () => {
  assertFdfsError(() => decodeTrunkSlot(Buffer.alloc(14)), 'ERR_BAD_BODY');
  assertFdfsError(() => decodeTrunkSlot(Buffer.alloc(16)), 'ERR_BAD_BODY');
  const ok = { storePathIndex: 0, subPathHigh: 0, subPathLow: 0, id: 0, offset: 0, size: 0 };
  assertFdfsError(() => encodeTrunkSlot({ ...ok, subPathLow: 256 }), 'ERR_INVALID_ARGUMENT');
  assertFdfsError(() => encodeTrunkSlot({ ...ok, offset: 2 ** 31 }), 'ERR_INVALID_ARGUMENT');
});

test('random bytes decode or fail with ERR_BAD_BODY', () => {
  checkDecodeFuzz(decodeTrunkSlot, [15]);
});
