import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeSyncBody, encodeSyncBody } from './sync-body.js';
import {
  assertFdfsError,
  checkDecodeFuzz,
  checkRoundTrip,
  fixedString,
  full,
  i64,
} from './arbitraries.test.helper.js';

test('sync body: src_id[16] then until_timestamp i64 (§4.5)', () => {
  const b = encodeSyncBody({ srcId: '100001', untilTimestamp: 1795263574 });
  assert.equal(b.subarray(0, 16).toString('latin1'), '100001'.padEnd(16, '\0'));
  assert.equal(b.length, 24);
  assert.equal(b.readBigInt64BE(16), 1795263574n);
  assert.deepEqual(decodeSyncBody(b), { srcId: '100001', untilTimestamp: 1795263574 });
});

test('sync body round trip; a 16-byte id fills its field', () => {
  checkRoundTrip(
    fc.record({ srcId: fixedString(16), untilTimestamp: i64 }),
    encodeSyncBody,
    decodeSyncBody,
    () => 24,
  );
  const v = { srcId: full(16), untilTimestamp: 0 };
  assert.deepEqual(decodeSyncBody(encodeSyncBody(v)), v);
});

test('bad lengths are ERR_BAD_BODY; an empty src_id is "no sync needed"', () => {
  assertFdfsError(() => decodeSyncBody(Buffer.alloc(23)), 'ERR_BAD_BODY');
  assertFdfsError(() => decodeSyncBody(Buffer.alloc(25)), 'ERR_BAD_BODY');
  assert.deepEqual(decodeSyncBody(Buffer.alloc(24)), { srcId: '', untilTimestamp: 0 });
  assertFdfsError(
    () => encodeSyncBody({ srcId: full(17), untilTimestamp: 0 }),
    'ERR_INVALID_ARGUMENT',
  );
});

test('random bytes decode or fail with ERR_BAD_BODY', () => {
  checkDecodeFuzz(decodeSyncBody, [24]);
});
