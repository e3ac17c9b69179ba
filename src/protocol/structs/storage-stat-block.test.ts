import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeStorageStatBlock,
  emptyStorageStatBlock,
  encodeStorageStatBlock,
  STORAGE_STAT_BLOCK_SIZE,
  STORAGE_STAT_COUNTER_FIELDS,
} from './storage-stat-block.js';
import {
  assertFdfsError,
  checkDecodeFuzz,
  checkRoundTrip,
  storageStatBlock,
} from './arbitraries.test.helper.js';

test('stat block: 348 bytes, 3 i32 then 42 i64 (§4.3)', () => {
  assert.equal(STORAGE_STAT_BLOCK_SIZE, 348);
  assert.equal(STORAGE_STAT_COUNTER_FIELDS.length, 42);
  assert.deepEqual(encodeStorageStatBlock(emptyStorageStatBlock()), Buffer.alloc(348));
});

test('stat block offsets: success_download_count at 116, last_heart_beat_time at 340', () => {
  const block = emptyStorageStatBlock();
  block.connection = { allocCount: 64, currentCount: 2, maxCount: 5 };
  block.successDownloadCount = 7;
  block.totalUploadBytes = 2250192;
  block.lastHeartBeatTime = 1795263313;
  const b = encodeStorageStatBlock(block);
  assert.equal(b.readInt32BE(0), 64);
  assert.equal(b.readInt32BE(8), 5);
  assert.equal(b.readBigInt64BE(116), 7n);
  assert.equal(b.readBigInt64BE(172), 2250192n);
  assert.equal(b.readBigInt64BE(340), 1795263313n);
  assert.deepEqual(decodeStorageStatBlock(b), block);
});

test('stat block round trip', () => {
  checkRoundTrip(storageStatBlock, encodeStorageStatBlock, decodeStorageStatBlock, () => 348);
});

test('bad lengths and counters past 2^53 are ERR_BAD_BODY', () => {
  assertFdfsError(() => decodeStorageStatBlock(Buffer.alloc(347)), 'ERR_BAD_BODY');
  assertFdfsError(() => decodeStorageStatBlock(Buffer.alloc(349)), 'ERR_BAD_BODY');
  const b = Buffer.alloc(348);
  b.writeBigInt64BE(1n << 53n, 12);
  assertFdfsError(() => decodeStorageStatBlock(b), 'ERR_BAD_BODY', /totalUploadCount/);
});

test('counters and connection values that do not fit are refused on encode', () => {
  const block = emptyStorageStatBlock();
  block.connection.allocCount = 2 ** 31;
  assertFdfsError(() => encodeStorageStatBlock(block), 'ERR_INVALID_ARGUMENT');
  const block2 = emptyStorageStatBlock();
  block2.totalDeleteCount = 1.5;
  assertFdfsError(() => encodeStorageStatBlock(block2), 'ERR_INVALID_ARGUMENT');
});

test('random bytes decode or fail with ERR_BAD_BODY', () => {
  checkDecodeFuzz(decodeStorageStatBlock, [348]);
});
