import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeGroupStat,
  decodeGroupStatList,
  encodeGroupStat,
  encodeGroupStatList,
  groupStatLayoutOf,
  type GroupStat,
} from './group-stat.js';
import {
  assertFdfsError,
  checkDecodeFuzz,
  checkRoundTrip,
  fixedString,
  full,
  i64,
} from './arbitraries.test.helper.js';

const groupStat: fc.Arbitrary<GroupStat> = fc.record({
  groupName: fixedString(16),
  totalMb: i64,
  freeMb: i64,
  reservedMb: i64,
  trunkFreeMb: i64,
  storageCount: i64,
  storagePort: i64,
  readableServerCount: i64,
  writableServerCount: i64,
  currentWriteServer: i64,
  storePathCount: i64,
  subdirCountPerPath: i64,
  currentTrunkFileId: i64,
});

/** What a ≤ 6.12 record decodes to: no reserved_mb, one active count, an http port. */
const groupStat612: fc.Arbitrary<GroupStat> = fc
  .tuple(groupStat, i64, i64)
  .map(([g, httpPort, active]) => ({
    ...g,
    reservedMb: 0,
    readableServerCount: active,
    writableServerCount: active,
    storageHttpPort: httpPort,
    activeCount: active,
  }));

const sample: GroupStat = {
  groupName: 'group1',
  totalMb: 516038,
  freeMb: 159694,
  reservedMb: 51603,
  trunkFreeMb: 0,
  storageCount: 1,
  storagePort: 23200,
  readableServerCount: 1,
  writableServerCount: 1,
  currentWriteServer: 0,
  storePathCount: 2,
  subdirCountPerPath: 256,
  currentTrunkFileId: -1,
};

test('6.13.1 layout: 113 bytes, fields at the §4.2 offsets', () => {
  const b = encodeGroupStat(sample);
  assert.equal(b.length, 113);
  assert.equal(b.subarray(0, 17).toString('latin1'), 'group1'.padEnd(17, '\0'));
  assert.equal(b.readBigInt64BE(33), 51603n); // reserved_mb
  assert.equal(b.readBigInt64BE(57), 23200n); // storage_port
  assert.equal(b.readBigInt64BE(105), -1n); // current_trunk_file_id
});

test('6.12 layout: 105 bytes, http port and active count at 57 and 65 (§14.4)', () => {
  const b = encodeGroupStat({ ...sample, storageHttpPort: 8080 }, { layout: '6.12' });
  assert.equal(b.length, 105);
  assert.equal(b.readBigInt64BE(33), 0n); // trunk_free_mb
  assert.equal(b.readBigInt64BE(49), 23200n); // storage_port
  assert.equal(b.readBigInt64BE(57), 8080n); // storage_http_port
  assert.equal(b.readBigInt64BE(65), 1n); // active_count
  assert.equal(b.readBigInt64BE(97), -1n);
  const back = decodeGroupStat(b);
  assert.equal(back.reservedMb, 0);
  assert.equal(back.activeCount, 1);
  assert.equal(back.storageHttpPort, 8080);
});

test('6.12 layout without activeCount writes the larger of the two counts', () => {
  const b = encodeGroupStat(
    { ...sample, readableServerCount: 3, writableServerCount: 2 },
    { layout: '6.12' },
  );
  assert.equal(b.readBigInt64BE(65), 3n);
});

test('group stat round trips, both layouts, single and lists', () => {
  checkRoundTrip(
    groupStat,
    (v) => encodeGroupStat(v),
    decodeGroupStat,
    () => 113,
  );
  checkRoundTrip(
    groupStat612,
    (v) => encodeGroupStat(v, { layout: '6.12' }),
    decodeGroupStat,
    () => 105,
  );
  checkRoundTrip(
    fc.array(groupStat, { maxLength: 4 }),
    (v) => encodeGroupStatList(v),
    decodeGroupStatList,
  );
  checkRoundTrip(
    fc.array(groupStat612, { minLength: 1, maxLength: 4 }),
    (v) => encodeGroupStatList(v, { layout: '6.12' }),
    decodeGroupStatList,
  );
});

test('list layout by length: 113 multiples first, then 105, else ERR_BAD_BODY', () => {
  assert.equal(groupStatLayoutOf(0), '6.13.1');
  assert.equal(groupStatLayoutOf(226), '6.13.1');
  assert.equal(groupStatLayoutOf(210), '6.12');
  assert.equal(groupStatLayoutOf(113 * 105), '6.13.1');
  assertFdfsError(() => groupStatLayoutOf(112), 'ERR_BAD_BODY', /113 or 105/);
  assertFdfsError(() => decodeGroupStatList(Buffer.alloc(114)), 'ERR_BAD_BODY');
  assertFdfsError(() => decodeGroupStat(Buffer.alloc(226)), 'ERR_BAD_BODY');
  assertFdfsError(() => decodeGroupStat(Buffer.alloc(0)), 'ERR_BAD_BODY');
});

test('a 16-byte group name fills the 17-byte field with one NUL; 17 bytes are refused', () => {
  const b = encodeGroupStat({ ...sample, groupName: full(16) });
  assert.equal(b[16], 0);
  assert.equal(decodeGroupStat(b).groupName, full(16));
  assertFdfsError(
    () => encodeGroupStat({ ...sample, groupName: full(17) }),
    'ERR_INVALID_ARGUMENT',
  );
  // A peer that fills all 17 bytes is still read.
  b.write(full(17, 'g'), 0, 'latin1');
  assert.equal(decodeGroupStat(b).groupName, full(17, 'g'));
});

test('i64 beyond 2^53 is ERR_BAD_BODY on decode and refused on encode', () => {
  const b = encodeGroupStat(sample);
  b.writeBigInt64BE(1n << 60n, 17);
  assertFdfsError(() => decodeGroupStat(b), 'ERR_BAD_BODY', /total_mb/);
  assertFdfsError(() => encodeGroupStat({ ...sample, totalMb: 2 ** 60 }), 'ERR_INVALID_ARGUMENT');
});

test('random bytes decode or fail with ERR_BAD_BODY', () => {
  checkDecodeFuzz(decodeGroupStat, [105, 113]);
  checkDecodeFuzz(decodeGroupStatList, [0, 113, 210, 226]);
});
