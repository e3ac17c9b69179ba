import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeStorageJoinBody,
  decodeStorageJoinResponse,
  encodeStorageJoinBody,
  encodeStorageJoinResponse,
  type StorageJoinBody,
} from './join-body.js';
import {
  assertFdfsError,
  checkDecodeFuzz,
  checkRoundTrip,
  fixedString,
  full,
  i64,
  i8,
  u8,
} from './arbitraries.test.helper.js';

/** Tracker lines: no "\n", short enough for the 100-bytes-per-tracker rule. */
const trackerLine = fixedString(60).map((s) => s.replace(/\n/g, ':'));

const joinBody: fc.Arbitrary<StorageJoinBody> = fc.record({
  groupName: fixedString(16),
  storagePort: i64,
  storePathCount: i64,
  subdirCountPerPath: i64,
  uploadPriority: i64,
  joinTime: i64,
  upTime: i64,
  version: fixedString(8),
  initFlag: u8,
  status: i8,
  storageId: fixedString(16),
  currentTrackerIp: fixedString(46),
  trackers: fc.array(trackerLine, { minLength: 1, maxLength: 16 }),
});

const sample: StorageJoinBody = {
  groupName: 'group2',
  storagePort: 23300,
  storePathCount: 1,
  subdirCountPerPath: 256,
  uploadPriority: 10,
  joinTime: 1795263366,
  upTime: 1795263366,
  version: '6.16.1',
  initFlag: 1,
  status: -1,
  storageId: '100003',
  currentTrackerIp: '127.0.0.24',
  trackers: ['127.0.0.21:22300', '127.0.0.24:22300'],
};

test('join body: 145-byte fixed part at the §4.7 offsets, then the tracker lines', () => {
  const b = encodeStorageJoinBody(sample);
  assert.equal(b.length, 145 + 34);
  assert.equal(b.readBigInt64BE(17), 23300n);
  assert.equal(b.subarray(65, 73).toString('latin1'), '6.16.1\0\0');
  assert.equal(b[73], 1);
  assert.equal(b[74], 0xff); // status −1
  assert.equal(b.subarray(75, 81).toString('latin1'), '100003');
  assert.equal(b.subarray(91, 101).toString('latin1'), '127.0.0.24');
  assert.equal(b.readBigInt64BE(137), 2n);
  assert.equal(b.subarray(145).toString('latin1'), '127.0.0.21:22300\n127.0.0.24:22300\n');
  assert.deepEqual(decodeStorageJoinBody(b), sample);
});

test('join body and response round trips', () => {
  checkRoundTrip(joinBody, encodeStorageJoinBody, decodeStorageJoinBody);
  checkRoundTrip(
    fc.record({ myStatus: u8, srcId: fixedString(16) }),
    encodeStorageJoinResponse,
    decodeStorageJoinResponse,
    () => 17,
  );
});

test('full-width fields come back whole', () => {
  const v = {
    ...sample,
    groupName: full(16),
    version: full(8),
    storageId: full(16),
    currentTrackerIp: full(46),
  };
  assert.deepEqual(decodeStorageJoinBody(encodeStorageJoinBody(v)), v);
  const r = { myStatus: 7, srcId: full(16) };
  assert.deepEqual(decodeStorageJoinResponse(encodeStorageJoinResponse(r)), r);
});

test('tracker_count outside 1..16, a missing "\\n", trailing bytes or an over-long body: ERR_BAD_BODY', () => {
  const b = encodeStorageJoinBody(sample);
  const zero = Buffer.from(b.subarray(0, 145));
  zero.writeBigInt64BE(0n, 137);
  assertFdfsError(() => decodeStorageJoinBody(zero), 'ERR_BAD_BODY', /tracker_count 0/);
  const many = Buffer.from(b);
  many.writeBigInt64BE(17n, 137);
  assertFdfsError(() => decodeStorageJoinBody(many), 'ERR_BAD_BODY', /tracker_count 17/);
  assertFdfsError(
    () => decodeStorageJoinBody(b.subarray(0, b.length - 1)),
    'ERR_BAD_BODY',
    /no "\\n"/,
  );
  assertFdfsError(
    () => decodeStorageJoinBody(Buffer.concat([b, Buffer.from('x')])),
    'ERR_BAD_BODY',
    /trailing/,
  );
  const long = Buffer.concat([b.subarray(0, 145), Buffer.from(`${'1'.repeat(200)}\n`)]);
  long.writeBigInt64BE(1n, 137);
  assertFdfsError(() => decodeStorageJoinBody(long), 'ERR_BAD_BODY', /exceeds 245/);
  assertFdfsError(() => decodeStorageJoinBody(b.subarray(0, 144)), 'ERR_BAD_BODY');
  assertFdfsError(() => decodeStorageJoinResponse(Buffer.alloc(16)), 'ERR_BAD_BODY');
  assertFdfsError(() => decodeStorageJoinResponse(Buffer.alloc(18)), 'ERR_BAD_BODY');
});

test('encoder refuses what the tracker would refuse', () => {
  assertFdfsError(() => encodeStorageJoinBody({ ...sample, trackers: [] }), 'ERR_INVALID_ARGUMENT');
  assertFdfsError(
    () => encodeStorageJoinBody({ ...sample, trackers: ['a\nb'] }),
    'ERR_INVALID_ARGUMENT',
  );
  assertFdfsError(
    () => encodeStorageJoinBody({ ...sample, groupName: full(17) }),
    'ERR_INVALID_ARGUMENT',
  );
  assertFdfsError(() => encodeStorageJoinBody({ ...sample, status: 128 }), 'ERR_INVALID_ARGUMENT');
});

test('random bytes decode or fail with ERR_BAD_BODY', () => {
  checkDecodeFuzz(decodeStorageJoinBody, [145, 162, 179]);
  checkDecodeFuzz(decodeStorageJoinResponse, [17]);
});
