import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeFileId,
  fileInfoNeedsServer,
  formatFileId,
  formatLogicName,
  generateFileName,
  parseFileId,
  parseLogicName,
  type StorageIdEntry,
} from './file-id.js';
import { RAND_MAX, sequenceRandomSource } from './random.js';
import { randomModeSubdirs } from './subdir.js';
import { FdfsError } from '../errors.js';

const IDS: StorageIdEntry[] = [
  { id: '100001', groupName: 'group1', ips: ['127.0.0.22'], port: 23300 },
  { id: '100004', groupName: 'group2', ips: ['10.0.0.26', '192.168.0.26'], port: 23300 },
];

function badId(pattern: RegExp) {
  return (e: unknown) =>
    e instanceof FdfsError && e.code === 'ERR_BAD_FILE_ID' && pattern.test(e.message);
}

test('parse: split at the first "/", then Mpp/XX/YY/name', () => {
  const id = 'group1/M01/0A/FF/fwAADGsBikWAbM8VAAAAAAAAAAA3641250';
  assert.deepEqual(parseFileId(id), {
    groupName: 'group1',
    logicName: 'M01/0A/FF/fwAADGsBikWAbM8VAAAAAAAAAAA3641250',
  });
  assert.deepEqual(parseLogicName('M01/0A/FF/fwAADGsBikWAbM8VAAAAAAAAAAA3641250'), {
    storePathIndex: 1,
    subdir1: 10,
    subdir2: 255,
    name: 'fwAADGsBikWAbM8VAAAAAAAAAAA3641250',
    trueName: '0A/FF/fwAADGsBikWAbM8VAAAAAAAAAAA3641250',
  });
});

test('every validation rule refuses with ERR_BAD_FILE_ID naming its problem', () => {
  const name = 'fwAADGsBikWAbM8VAAAAAAAAAAA3641250';
  const cases: [string, RegExp][] = [
    ['', /no "\/"/],
    ['group1', /no "\/"/],
    [`/M00/00/00/${name}`, /group name "": not 1\.\.16 letters and digits/],
    [`group_1/M00/00/00/${name}`, /group name "group_1"/],
    [`group-1/M00/00/00/${name}`, /group name "group-1"/],
    [`${'g'.repeat(17)}/M00/00/00/${name}`, /group name/],
    ['group1/M00/00/00/', /more than 10/],
    [`group1/M00/00/00/${'x'.repeat(118)}`, /more than 127/],
    [`group1/m00/00/00/${name}`, /does not start with "M"/],
    [`group1/N00/00/00/${name}`, /does not start with "M"/],
    [`group1/MXY/00/00/${name}`, /store path index "XY" is not 2 upper-case hex/],
    [`group1/M0a/00/00/${name}`, /store path index "0a"/],
    [`group1/M00-00/00/${name}`, /no "\/" after the store path/],
    [`group1/M00/0g/00/${name}`, /subdir "0g"/],
    [`group1/M00/00/ff/${name}`, /subdir "ff"/],
    [`group1/M00/00-00/${name}`, /no "\/" after the first subdir/],
    [`group1/M00/00/00-${name}`, /no "\/" after the second subdir/],
    ['group1/M00/00/00/..', /"\.\."/],
    ['group1/M00/00/00/a..b', /"\.\."/],
    ['group1/M00/00/00/.', /is "\."/],
    ['group1/M00/00/00/a/b', /contains "\/"/],
    ['group1/M00/00/00/../../x', /contains "\/"/],
    ['group1/M00/00/00/a\\b', /contains "\\"/],
    ['group1/M00/00/00/a\u0000b', /NUL/],
    ['group1/M00/00/00/a\nb', /control character/],
    ['group1/M00/00/00/a\u007fb', /control character/],
  ];
  for (const [fileId, pattern] of cases) {
    assert.throws(() => parseFileId(fileId), badId(pattern), JSON.stringify(fileId));
  }
});

test('store path and subdir limits', () => {
  const logic = 'M01/10/00/fwAADGsBikWAbM8VAAAAAAAAAAA3641250';
  assert.throws(
    () => parseLogicName(logic, { storePathCount: 1 }),
    badId(/store path index 1 is not below store path count 1/),
  );
  assert.throws(
    () => parseLogicName(logic, { subdirCount: 16 }),
    badId(/subdir 16 is not below subdir count 16/),
  );
  assert.equal(parseLogicName(logic, { storePathCount: 2, subdirCount: 17 }).subdir1, 16);
  assert.throws(
    () => decodeFileId(`group1/${logic}`, { storePathCount: 1 }),
    badId(/store path count/),
  );
});

test('§16 #4/#10: a short name parses, only decoding needs 44 characters', () => {
  assert.equal(parseFileId('group1/M00/00/00/short').logicName, 'M00/00/00/short');
  assert.equal(parseLogicName('M00/00/00/short').name, 'short');
  assert.throws(() => decodeFileId('group1/M00/00/00/short'), badId(/15 characters.*at least 44/));
  assert.throws(
    () => decodeFileId('group1/M00/00/00/fwAADGsBikWAbM8VAAAAAAA*AAA3641250'),
    badId(/outside/),
  );
});

test('decode a normal IP-based name as fdfs_file_info prints it', () => {
  const d = decodeFileId('group1/M00/00/00/fwAADGsBikeARycSAAAAAee3R3c.tar.gz');
  assert.deepEqual(d, {
    groupName: 'group1',
    storePathIndex: 0,
    subdir1: 0,
    subdir2: 0,
    kind: 'normal',
    sourceIpAddr: '127.0.0.12',
    sourceId: '0',
    createTimestamp: 1795263047,
    fileSize: 1n,
    crc32: 0xe7b74777,
  });
  assert.equal(fileInfoNeedsServer(d), false);
});

test('decode a server-id name, with and without storage ids', () => {
  const id = 'group1/M00/00/00/oYYBAGsBjEuAFS4jAAAAZBmMglE557.txt';
  const withIds = decodeFileId(id, { storageIds: IDS });
  assert.equal(withIds.sourceId, '100001');
  assert.equal(withIds.sourceIpAddr, '127.0.0.22');
  assert.equal(withIds.fileSize, 100n);
  assert.equal(fileInfoNeedsServer(withIds), false);
  const without = decodeFileId(id);
  assert.equal(without.sourceIpAddr, '');
  assert.equal(fileInfoNeedsServer(without), true);
});

test('decode appender and slave names: no size from the name', () => {
  const app = decodeFileId('group1/M01/00/00/fwAADGsBikmEHzB3AAAAANyw0mY809.txt');
  assert.equal(app.kind, 'appender');
  assert.equal(app.fileSize, null);
  const slave = decodeFileId('group1/M00/00/00/fwAADGsBikmAerVsAAAAZD8kLWw342_big.jpg');
  assert.equal(slave.kind, 'slave');
  assert.equal(slave.fileSize, null);
  assert.equal(slave.crc32, 1059335532);
  assert.equal(fileInfoNeedsServer(slave), true);
});

test('format: logic names and file ids are checked', () => {
  assert.equal(formatLogicName(1, 10, 255, 'abc'), 'M01/0A/FF/abc');
  assert.equal(formatFileId('group1', 'M01/0A/FF/abc'), 'group1/M01/0A/FF/abc');
  assert.throws(
    () => formatLogicName(256, 0, 0, 'abc'),
    (e: unknown) => e instanceof FdfsError && /store path index 256/.test(e.message),
  );
  assert.throws(
    () => formatLogicName(0, 0, -1, 'abc'),
    (e: unknown) => e instanceof FdfsError && /subdir -1/.test(e.message),
  );
  assert.throws(() => formatLogicName(0, 0, 0, '../x'), badId(/"\/"/));
  assert.throws(() => formatFileId('g/1', 'M00/00/00/abc'), badId(/group name/));
});

test('generate: a normal name, deterministic from the random source', () => {
  const random = sequenceRandomSource([0, RAND_MAX, 0, 0x123456]);
  const g = generateFileName({
    storePathIndex: 1,
    subdirs: { subdir1: 0x2a, subdir2: 7 },
    source: '127.0.0.12',
    timestamp: 1795263045,
    kind: 'normal',
    size: 29n,
    crc32: -641330598,
    ext: 'txt',
    random,
  });
  assert.equal(g.ext7, '0:0.txt');
  assert.equal(g.logicName, `M01/2A/07/${g.b27}0:0.txt`);
  const d = decodeFileId(`group1/${g.logicName}`);
  assert.equal(d.kind, 'normal');
  assert.equal(d.fileSize, 29n);
  assert.equal(d.crc32, 0xd9c6125a);
  assert.equal(d.createTimestamp, 1795263045);
});

test('generate: random-mode subdirs come from the B27, a kept EXT7 is reused', () => {
  const g = generateFileName({
    storePathIndex: 0,
    subdirs: (b27) => randomModeSubdirs(b27, 256),
    source: '100001',
    timestamp: 1795263563,
    kind: 'normal',
    size: 65636n,
    crc32: 1923217581,
    ext7: '112.jpg',
    random: sequenceRandomSource([0x765ef8]),
  });
  assert.equal(decodeFileId(`group1/${g.logicName}`).sourceId, '100001');
  assert.deepEqual(g.subdirs, randomModeSubdirs(g.b27, 256));
  assert.ok(g.logicName.endsWith(`${g.b27}112.jpg`));
});

test('generate: appender, trunk and ≥ 4 GiB names decode to their kind', () => {
  const base = {
    storePathIndex: 0,
    subdirs: { subdir1: 0, subdir2: 0 },
    source: '127.0.0.12',
    timestamp: 1,
    crc32: 7,
    ext: 'log',
  };
  const app = generateFileName({
    ...base,
    kind: 'appender',
    size: 100n,
    random: sequenceRandomSource([1]),
  });
  assert.equal(decodeFileId(`g1/${app.logicName}`).kind, 'appender');
  const trunk = generateFileName({
    ...base,
    kind: 'trunk',
    size: 4096n,
    random: sequenceRandomSource([1]),
    trunk: { trunkFileId: 1, offset: 0, slotSize: 4120 },
  });
  assert.equal(trunk.logicName.length, 60);
  assert.equal(trunk.logicName.slice(37, 53), 'AAAAAQAAAAAAABAY');
  const td = decodeFileId(`g1/${trunk.logicName}`);
  assert.deepEqual([td.kind, td.fileSize, td.crc32], ['trunk', 4096n, 7]);
  const big = generateFileName({
    ...base,
    kind: 'normal',
    size: 5n << 32n,
    random: sequenceRandomSource([1]),
  });
  assert.equal(decodeFileId(`g1/${big.logicName}`).fileSize, 5n << 32n);
  assert.throws(
    () => generateFileName({ ...base, kind: 'trunk', size: 1n, random: sequenceRandomSource([1]) }),
    (e: unknown) => e instanceof FdfsError && /trunk location/.test(e.message),
  );
  assert.throws(
    () =>
      generateFileName({
        ...base,
        ext7: 'abc',
        kind: 'normal',
        size: 1n,
        random: sequenceRandomSource([1]),
      }),
    (e: unknown) => e instanceof FdfsError && /EXT7/.test(e.message),
  );
});

test('trunk-flagged names that are not 60 characters follow C (IS_SLAVE_FILE)', () => {
  // 44 characters with the trunk bit: C calls it normal and reads the low 32 bits.
  const b27 = generateFileName({
    storePathIndex: 0,
    subdirs: { subdir1: 0, subdir2: 0 },
    source: '1.2.3.4',
    timestamp: 5,
    kind: 'trunk',
    size: 9n,
    crc32: 0,
    ext7: '1234567',
    random: sequenceRandomSource([0]),
    trunk: { trunkFileId: 1, offset: 0, slotSize: 64 },
  }).b27;
  assert.equal(decodeFileId(`g/M00/00/00/${b27}1234567`).kind, 'normal');
  assert.equal(decodeFileId(`g/M00/00/00/${b27}1234567`).fileSize, 9n);
  assert.equal(decodeFileId(`g/M00/00/00/${b27}AAAAAQAAAAAAAABA1234567_s`).kind, 'slave');
});
