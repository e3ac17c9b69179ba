import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeStorageStat,
  decodeStorageStatList,
  encodeStorageStat,
  encodeStorageStatList,
  STORAGE_STAT_SIZES,
  storageStatLayoutOf,
  type StorageStat,
  type StorageStatLayout,
} from './storage-stat-record.js';
import { emptyStorageStatBlock } from './storage-stat-block.js';
import {
  assertFdfsError,
  checkDecodeFuzz,
  checkRoundTrip,
  fixedString,
  full,
  i64,
  storageStatBlock,
  u8,
} from './arbitraries.test.helper.js';

function storageStat(layout: StorageStatLayout): fc.Arbitrary<StorageStat> {
  const legacy = layout === '6.10';
  const base = fc.record({
    status: u8,
    rwMode: legacy ? fc.constant(6) : u8,
    id: fixedString(16),
    ipAddr: fixedString(layout === 'ip46' ? 46 : 16),
    srcId: fixedString(16),
    version: fixedString(legacy ? 6 : 8),
    joinTime: i64,
    upTime: i64,
    totalMb: i64,
    freeMb: i64,
    reservedMb: legacy ? fc.constant(0) : i64,
    uploadPriority: i64,
    storePathCount: i64,
    subdirCountPerPath: i64,
    currentWritePath: i64,
    storagePort: i64,
    stat: storageStatBlock,
    ifTrunkServer: u8,
  });
  if (!legacy) return base;
  return fc
    .tuple(base, fixedString(128), i64)
    .map(([s, domainName, storageHttpPort]) => ({ ...s, domainName, storageHttpPort }));
}

const sample: StorageStat = {
  status: 7,
  rwMode: 6,
  id: '127.0.0.12',
  ipAddr: '127.0.0.12',
  srcId: '',
  version: '6.16.1',
  joinTime: 1795262797,
  upTime: 1795262797,
  totalMb: 516038,
  freeMb: 159694,
  reservedMb: 51603,
  uploadPriority: 10,
  storePathCount: 2,
  subdirCountPerPath: 256,
  currentWritePath: 1,
  storagePort: 23200,
  stat: emptyStorageStatBlock(),
  ifTrunkServer: 1,
};

test('record sizes: 487 (S=16), 517 (S=46), 612 (≤ 6.10)', () => {
  for (const layout of ['ip16', 'ip46', '6.10'] as const) {
    assert.equal(encodeStorageStat(sample, { layout }).length, STORAGE_STAT_SIZES[layout]);
  }
  assert.deepEqual(STORAGE_STAT_SIZES, { ip16: 487, ip46: 517, '6.10': 612 });
});

test('§4.4 offsets with S=16: version at 50, storage_port at 130, stat block at 138', () => {
  const b = encodeStorageStat(sample, { layout: 'ip16' });
  assert.equal(b[1], 6);
  assert.equal(b.subarray(50, 58).toString('latin1'), '6.16.1\0\0');
  assert.equal(b.readBigInt64BE(90), 51603n); // reserved_mb at 74+S
  assert.equal(b.readBigInt64BE(130), 23200n); // storage_port at 114+S
  assert.equal(b[486], 1); // if_trunk_server at 470+S
});

test('§14.5 offsets of the 612-byte record: domain_name, version[6], http port', () => {
  const legacy = { ...sample, domainName: 'img.example.com', storageHttpPort: 8888 };
  const b = encodeStorageStat(legacy, { layout: '6.10' });
  assert.equal(b.subarray(33, 33 + 15).toString('latin1'), 'img.example.com');
  assert.equal(b.subarray(177, 183).toString('latin1'), '6.16.1');
  assert.equal(b.readBigInt64BE(183), 1795262797n); // join_time
  assert.equal(b.readBigInt64BE(247), 23200n); // storage_port
  assert.equal(b.readBigInt64BE(255), 8888n); // storage_http_port
  assert.equal(b[611], 1);
  const back = decodeStorageStat(b);
  assert.equal(back.rwMode, 6);
  assert.equal(back.reservedMb, 0);
  assert.equal(back.domainName, 'img.example.com');
  assert.equal(back.storageHttpPort, 8888);
});

test('storage stat round trips, every layout, single and lists', () => {
  for (const layout of ['ip16', 'ip46', '6.10'] as const) {
    checkRoundTrip(
      storageStat(layout),
      (v) => encodeStorageStat(v, { layout }),
      decodeStorageStat,
      () => STORAGE_STAT_SIZES[layout],
    );
    checkRoundTrip(
      fc.array(storageStat(layout), { maxLength: 3 }),
      (v) => encodeStorageStatList(v, { layout }),
      decodeStorageStatList,
    );
  }
});

test('list layout by length; anything else is ERR_BAD_BODY', () => {
  assert.equal(storageStatLayoutOf(974), 'ip16');
  assert.equal(storageStatLayoutOf(1034), 'ip46');
  assert.equal(storageStatLayoutOf(1224), '6.10');
  assertFdfsError(() => storageStatLayoutOf(486), 'ERR_BAD_BODY', /487, 517 or 612/);
  assertFdfsError(() => storageStatLayoutOf(0), 'ERR_BAD_BODY');
  assertFdfsError(() => decodeStorageStatList(Buffer.alloc(488)), 'ERR_BAD_BODY');
  assertFdfsError(() => decodeStorageStat(Buffer.alloc(974)), 'ERR_BAD_BODY');
  assert.deepEqual(decodeStorageStatList(Buffer.alloc(0)), []);
});

test('full-width strings come back whole', () => {
  const v = { ...sample, id: full(16), ipAddr: full(46), srcId: full(16, 's'), version: full(8) };
  assert.deepEqual(decodeStorageStat(encodeStorageStat(v, { layout: 'ip46' })), v);
  assertFdfsError(
    () => encodeStorageStat({ ...sample, ipAddr: full(17) }, { layout: 'ip16' }),
    'ERR_INVALID_ARGUMENT',
  );
  assertFdfsError(
    () => encodeStorageStat({ ...sample, version: '6.16.10' }, { layout: '6.10' }),
    'ERR_INVALID_ARGUMENT',
  );
});

test('random bytes decode or fail with ERR_BAD_BODY', () => {
  checkDecodeFuzz(decodeStorageStat, [487, 517, 612]);
  checkDecodeFuzz(decodeStorageStatList, [0, 487, 974, 1034]);
});
