// SERVER_TRACKER_CLUSTER_STAT (96), SERVER_STORAGE_CLUSTER_STAT (97), SERVER_STORAGE_VOLUMN_STAT (98).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeTrackerClusterStatReply,
  decodeTrackerStatFilter,
  encodeTrackerClusterStatReply,
  encodeTrackerStatFilter,
  type TrackerClusterStat,
} from './tracker-cluster-stat.js';
import {
  decodeStorageClusterStatReply,
  decodeStorageStatFilter,
  encodeStorageClusterStatReply,
  encodeStorageStatFilter,
  type StorageClusterStat,
} from './storage-cluster-stat.js';
import {
  decodeVolumnStatFilter,
  decodeVolumnStatReply,
  encodeVolumnStatFilter,
  encodeVolumnStatReply,
  type VolumnStat,
} from './volumn-stat.js';
import {
  assertFdfsError,
  checkDecodeFuzz,
  checkRoundTrip,
  fixedString,
  full,
  i32,
  i64,
  u8,
} from './arbitraries.test.helper.js';

const trackerStat: fc.Arbitrary<TrackerClusterStat> = fc.record({
  host: fixedString(52),
  isLeader: u8,
  isActive: u8,
  allocCount: i32,
  currentCount: i32,
  maxCount: i32,
  version: fixedString(8),
  upTime: i64,
  lastHeartbeatTime: i64,
});

const storageStat: fc.Arbitrary<StorageClusterStat> = fc.record({
  id: fixedString(16),
  host: fixedString(52),
  isTrunkServer: u8,
  status: u8,
  allocCount: i32,
  currentCount: i32,
  maxCount: i32,
  version: fixedString(8),
  upTime: i64,
  lastHeartbeatTime: i64,
});

const volumnStat: fc.Arbitrary<VolumnStat> = fc.record({
  groupName: fixedString(16),
  totalMb: i64,
  freeMb: i64,
  reservedMb: i64,
  availMb: i64,
  trunkFreeMb: i64,
  isDiskAvailable: u8,
  isTrunkAvailable: u8,
});

const tracker: TrackerClusterStat = {
  host: '127.0.0.21:22300',
  isLeader: 1,
  isActive: 1,
  allocCount: 256,
  currentCount: 3,
  maxCount: 5,
  version: '6.16.1',
  upTime: 1795263445,
  lastHeartbeatTime: 0,
};

test('96: count u8 + count × 90-byte records', () => {
  const b = encodeTrackerClusterStatReply([tracker, { ...tracker, host: full(52) }]);
  assert.equal(b.length, 1 + 2 * 90);
  assert.equal(b[0], 2);
  assert.equal(b[1 + 52], 1); // is_leader
  assert.equal(b.readInt32BE(1 + 54), 256);
  assert.equal(b.subarray(1 + 66, 1 + 74).toString('latin1'), '6.16.1\0\0');
  assert.equal(decodeTrackerClusterStatReply(b)[1]!.host, full(52));
  assert.deepEqual(
    encodeTrackerStatFilter({ filterBy: 2, isActive: 0, isLeader: 1 }),
    Buffer.from([2, 0, 1]),
  );
});

test('97: 6-byte header + count × 106-byte records', () => {
  const s: StorageClusterStat = {
    id: '100001',
    host: '127.0.0.22:23300',
    isTrunkServer: 0,
    status: 7,
    allocCount: 64,
    currentCount: 0,
    maxCount: 2,
    version: '6.16.1',
    upTime: 1,
    lastHeartbeatTime: 2,
  };
  const b = encodeStorageClusterStatReply({ useStorageId: 1, useTrunkFile: 0, storages: [s] });
  assert.equal(b.length, 6 + 106);
  assert.equal(b.readInt32BE(2), 1);
  assert.equal(b[6 + 69], 7); // status
  assert.deepEqual(decodeStorageClusterStatReply(b), {
    useStorageId: 1,
    useTrunkFile: 0,
    storages: [s],
  });
  assert.deepEqual(
    encodeStorageStatFilter({ filterBy: 2, opType: 0x21, status: 7, isTrunkServer: 0 }),
    Buffer.from([2, 0x21, 7, 0]),
  );
});

test('98: 5-byte header + count × 59-byte records; an empty list is 5 bytes', () => {
  const empty = encodeVolumnStatReply({ useTrunkFile: 0, groups: [] });
  assert.equal(empty.toString('hex'), '0000000000');
  assert.deepEqual(decodeVolumnStatReply(empty), { useTrunkFile: 0, groups: [] });
  const g: VolumnStat = {
    groupName: 'group1',
    totalMb: 516038,
    freeMb: 159694,
    reservedMb: 51603,
    availMb: 108091,
    trunkFreeMb: 0,
    isDiskAvailable: 1,
    isTrunkAvailable: 0,
  };
  const b = encodeVolumnStatReply({ useTrunkFile: 0, groups: [g] });
  assert.equal(b.length, 64);
  assert.equal(b.readBigInt64BE(5 + 17 + 24), 108091n);
  assert.equal(b[5 + 57], 1);
  assert.deepEqual(
    encodeVolumnStatFilter({
      filterBy: 1,
      isDiskAvailable: 0,
      isTrunkAvailable: 0,
      isSpaceAvailable: 0,
    }),
    Buffer.from([1, 0, 0, 0]),
  );
});

test('round trips of every filter and reply', () => {
  checkRoundTrip(
    fc.record({ filterBy: u8, isActive: u8, isLeader: u8 }),
    encodeTrackerStatFilter,
    decodeTrackerStatFilter,
    () => 3,
  );
  checkRoundTrip(
    fc.array(trackerStat, { maxLength: 4 }),
    encodeTrackerClusterStatReply,
    decodeTrackerClusterStatReply,
    (v) => 1 + 90 * v.length,
  );
  checkRoundTrip(
    fc.record({ filterBy: u8, opType: u8, status: u8, isTrunkServer: u8 }),
    encodeStorageStatFilter,
    decodeStorageStatFilter,
    () => 4,
  );
  checkRoundTrip(
    fc.record({
      useStorageId: u8,
      useTrunkFile: u8,
      storages: fc.array(storageStat, { maxLength: 4 }),
    }),
    encodeStorageClusterStatReply,
    decodeStorageClusterStatReply,
    (v) => 6 + 106 * v.storages.length,
  );
  checkRoundTrip(
    fc.record({ filterBy: u8, isDiskAvailable: u8, isTrunkAvailable: u8, isSpaceAvailable: u8 }),
    encodeVolumnStatFilter,
    decodeVolumnStatFilter,
    () => 4,
  );
  checkRoundTrip(
    fc.record({ useTrunkFile: u8, groups: fc.array(volumnStat, { maxLength: 4 }) }),
    encodeVolumnStatReply,
    decodeVolumnStatReply,
    (v) => 5 + 59 * v.groups.length,
  );
});

test('a count that disagrees with the length is ERR_BAD_BODY', () => {
  const t = encodeTrackerClusterStatReply([tracker]);
  assertFdfsError(
    () => decodeTrackerClusterStatReply(t.subarray(0, 90)),
    'ERR_BAD_BODY',
    /1 trackers/,
  );
  assertFdfsError(() => decodeTrackerClusterStatReply(Buffer.alloc(0)), 'ERR_BAD_BODY');
  assertFdfsError(() => decodeTrackerClusterStatReply(Buffer.from([0, 0])), 'ERR_BAD_BODY');
  const s = Buffer.alloc(6 + 106);
  s.writeInt32BE(2, 2);
  assertFdfsError(() => decodeStorageClusterStatReply(s), 'ERR_BAD_BODY', /2 storages/);
  s.writeInt32BE(-1, 2);
  assertFdfsError(() => decodeStorageClusterStatReply(s), 'ERR_BAD_BODY', /count -1/);
  const v = Buffer.alloc(5 + 59);
  assertFdfsError(() => decodeVolumnStatReply(v), 'ERR_BAD_BODY', /0 groups/);
  assertFdfsError(() => decodeTrackerStatFilter(Buffer.alloc(4)), 'ERR_BAD_BODY');
  assertFdfsError(() => decodeStorageStatFilter(Buffer.alloc(3)), 'ERR_BAD_BODY');
  assertFdfsError(() => decodeVolumnStatFilter(Buffer.alloc(5)), 'ERR_BAD_BODY');
  assertFdfsError(
    () => encodeTrackerClusterStatReply(Array.from({ length: 256 }, () => tracker)),
    'ERR_INVALID_ARGUMENT',
  );
});

test('random bytes decode or fail with ERR_BAD_BODY', () => {
  checkDecodeFuzz(decodeTrackerClusterStatReply, [1, 91, 181]);
  checkDecodeFuzz(decodeStorageClusterStatReply, [6, 112, 218]);
  checkDecodeFuzz(decodeVolumnStatReply, [5, 64, 123]);
  checkDecodeFuzz(decodeTrackerStatFilter, [3]);
  checkDecodeFuzz(decodeStorageStatFilter, [4]);
  checkDecodeFuzz(decodeVolumnStatFilter, [4]);
});
