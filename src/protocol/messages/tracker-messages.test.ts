// The tracker message codecs (tracker-*.ts): round trips, and the length checks of §5 that make a
// server answer EINVAL (ERR_BAD_BODY).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TrackerCommand as C } from '../commands.js';
import { Errno } from '../errno.js';
import { FdfsError } from '../errors.js';
import { RwMode } from '../status.js';
import * as m from './index.js';

const badBody = (err: unknown): boolean => err instanceof FdfsError && err.code === 'ERR_BAD_BODY';
const badArg = (err: unknown): boolean =>
  err instanceof FdfsError && err.code === 'ERR_INVALID_ARGUMENT';

test('"ip:port" text: IPv4, IPv6 in brackets, and what is not one', () => {
  assert.equal(m.formatIpPort('127.0.0.1', 22122), '127.0.0.1:22122');
  assert.equal(m.formatIpPort('::1', 22122), '[::1]:22122');
  assert.deepEqual(m.parseIpPort('[fe80::1]:80', 1), { ip: 'fe80::1', port: 80 });
  for (const bad of ['127.0.0.1', '127.0.0.1:', ':80', '::1:80', '1.2.3.4:99999', 'a b:1']) {
    assert.throws(() => m.parseIpPort(bad, C.STORAGE_GET_SERVER_ID), badBody, bad);
  }
  const body = m.encodeGroupIpPort('group1', { ip: '10.0.0.1', port: 23000 }, C.STORAGE_GET_STATUS);
  assert.equal(body.length, 16 + 14);
  assert.throws(() => m.decodeGroupIpPort(C.STORAGE_GET_STATUS, body.subarray(0, 16)), badBody);
  assert.throws(() => m.decodeGroupIpPort(C.STORAGE_GET_STATUS, Buffer.alloc(16 + 53)), badBody);
});

test('storage reports: 59, 76, 77, 78, 84, 85, 89 lengths', () => {
  assert.equal(m.decodeChangeStatusRequest(m.encodeChangeStatusRequest(7)), 7);
  assert.throws(() => m.decodeChangeStatusRequest(Buffer.alloc(0)), badBody);
  assert.throws(() => m.encodeChangeStatusRequest(256), badArg);
  assert.throws(() => m.decodeReportStatusRequest(Buffer.alloc(82)), badBody);
  assert.equal(m.decodeChangelogRequest(Buffer.alloc(0)), null);
  const named = { groupName: 'group1', storageId: '100001' };
  assert.deepEqual(m.decodeChangelogRequest(m.encodeChangelogRequest(named)), named);
  assert.throws(() => m.decodeChangelogRequest(Buffer.alloc(16)), badBody);
  const ip = { groupName: 'group1', oldIp: '10.0.0.1', newIp: '10.0.0.2' };
  assert.deepEqual(m.decodeIpChangedRequest(m.encodeIpChangedRequest(ip)), ip);
  assert.throws(() => m.decodeIpChangedRequest(Buffer.alloc(16 + 2 * 16)), badBody);
  for (const len of [0, 15, 17, 257 * 16]) {
    assert.throws(() => m.decodeDiskUsageRequest(Buffer.alloc(len)), badBody, `84: ${len}`);
  }
  assert.throws(() => m.encodeDiskUsageRequest([]), badArg);
  for (const len of [0, 66, 33 * 67]) {
    assert.throws(() => m.checkReplicaChangeLength(Buffer.alloc(len)), badBody, `85: ${len}`);
  }
  assert.equal(m.checkReplicaChangeLength(Buffer.alloc(2 * 67)), 2);
  for (const len of [0, 19, 21]) {
    assert.throws(() => m.decodeSyncReportRequest(Buffer.alloc(len)), badBody, `89: ${len}`);
  }
});

test('round trips of the report bodies', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ totalMb: fc.nat(), freeMb: fc.nat() }), { minLength: 1, maxLength: 8 }),
      fc.array(
        fc.record({
          srcId: fc.stringMatching(/^[0-9a-z.]{0,15}$/),
          timestamp: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        }),
        {
          minLength: 1,
          maxLength: 8,
        },
      ),
      (paths, entries) => {
        // fast-check records have a null prototype: compare plain copies.
        const plain = <T extends object>(list: T[]): T[] => list.map((x) => ({ ...x }));
        assert.deepEqual(m.decodeDiskUsageRequest(m.encodeDiskUsageRequest(paths)), plain(paths));
        assert.deepEqual(
          m.decodeSyncReportRequest(m.encodeSyncReportRequest(entries)),
          plain(entries),
        );
      },
    ),
    { numRuns: 100 },
  );
});

test('sync source: 86 request and the empty-or-24-byte replies', () => {
  const req = { groupName: 'group1', destId: '127.0.0.13' };
  assert.deepEqual(m.decodeSyncSrcRequest(m.encodeSyncSrcRequest(req)), req);
  assert.throws(() => m.decodeSyncSrcRequest(Buffer.alloc(16)), badBody);
  assert.equal(m.decodeSyncSourceReply(Buffer.alloc(0), C.STORAGE_SYNC_DEST_QUERY), null);
  const body = { srcId: '127.0.0.12', untilTimestamp: 1_795_262_046 };
  assert.deepEqual(m.decodeSyncSourceReply(m.encodeSyncSourceReply(body), 87), body);
  assert.throws(() => m.decodeSyncSourceReply(Buffer.alloc(23), 87), badBody);
});

test('identity: 60, 69, 70, 109', () => {
  const myIp = { groupName: 'group1', port: 23000 };
  assert.deepEqual(m.decodeGetMyIpRequest(m.encodeGetMyIpRequest(myIp)), myIp);
  assert.throws(() => m.decodeGetMyIpRequest(Buffer.alloc(20)), badBody);
  assert.deepEqual(m.decodeMyIpReply(m.encodeMyIpReply(['10.0.0.1', '192.168.0.1'])), [
    '10.0.0.1',
    '192.168.0.1',
  ]);
  assert.throws(() => m.decodeMyIpReply(Buffer.alloc(0)), badBody);

  const entries: m.StorageIdLine[] = [
    { id: '1', groupName: 'g', ips: ['10.0.0.1'], port: 23000, rwMode: RwMode.BOTH },
    { id: '2', groupName: 'g', ips: ['10.0.0.2', '192.168.0.2'], port: 0, rwMode: RwMode.WRITE },
    { id: '3', groupName: 'g', ips: ['fe80::1'], port: 23000, rwMode: RwMode.NONE },
  ];
  assert.deepEqual(entries.map(m.formatStorageIdLine), [
    '1 g 10.0.0.1:23000',
    '2 g 10.0.0.2,192.168.0.2 rw=write',
    '3 g [fe80::1]:23000 rw=none',
  ]);
  const reply = { totalCount: 5, entries };
  assert.deepEqual(m.decodeFetchStorageIdsReply(m.encodeFetchStorageIdsReply(reply)), reply);
  assert.throws(
    () => m.decodeFetchStorageIdsReply(Buffer.from('0000000100000002', 'hex')),
    badBody,
  );
  assert.throws(() => m.parseStorageIdLine('1 g 10.0.0.1:23000 rw=maybe'), badBody);
  assert.throws(() => m.decodeFetchStorageIdsRequest(Buffer.alloc(4)), badBody);

  assert.equal(m.decodeServerIdReply(m.encodeServerIdReply('100001')), '100001');
  assert.throws(() => m.encodeServerIdReply('0123456789abcdef'), badArg);

  assert.deepEqual(
    m.decodeGetGroupNameRequest(m.encodeGetGroupNameRequest({ ip: undefined, port: 1 })),
    {
      ip: undefined,
      port: 1,
    },
  );
  assert.deepEqual(
    m.decodeGetGroupNameRequest(m.encodeGetGroupNameRequest({ ip: '10.0.0.1', port: 2 })),
    {
      ip: '10.0.0.1',
      port: 2,
    },
  );
  assert.throws(() => m.decodeGetGroupNameRequest(Buffer.alloc(3)), badBody);
  assert.throws(
    () => m.decodeGetGroupNameRequest(Buffer.alloc(50)),
    (e: unknown) => e instanceof FdfsError && e.errno === Errno.ENAMETOOLONG,
  );
  assert.equal(m.decodeGroupNameReply(m.encodeGroupNameReply('group2')), 'group2');
});

test('75: every key in order, defaults for missing keys, bad values refused', () => {
  const text = m.formatTrackerParameters(m.DEFAULT_TRACKER_PARAMETERS);
  assert.equal(text.split('\n')[0], 'use_storage_id=0');
  assert.match(text, /reserved_storage_space=1024MB\ntrunk_file|use_trunk_file/);
  assert.equal(text.split('\n').length, 27);
  assert.deepEqual(
    m.decodeParameterReply(Buffer.from('# nothing\n')),
    m.DEFAULT_TRACKER_PARAMETERS,
  );
  const p = m.decodeParameterReply(
    Buffer.from('reserved_storage_space=12.50%\nstore_path=2\nextra=1\n'),
  );
  assert.deepEqual(p.reservedStorageSpace, { kind: 'ratio', ratio: 0.125 });
  assert.equal(p.storePath, 2);
  assert.throws(() => m.decodeParameterReply(Buffer.from('use_storage_id=yes\n')), badBody);
  assert.throws(
    () => m.decodeParameterReply(Buffer.from('trunk_create_file_time_base=2:00\n')),
    badBody,
  );
});

test('admin: 90/108, 92/93/94 and the 94 and 95 replies', () => {
  assert.equal(m.decodeGroupRequest(90, m.encodeGroupRequest('group1', 90)), 'group1');
  assert.throws(() => m.decodeGroupRequest(108, Buffer.alloc(17)), badBody);
  const list = { groupName: 'group1', storageId: '127.0.0.12' };
  assert.deepEqual(m.decodeGroupStorageRequest(92, m.encodeGroupStorageRequest(92, list)), list);
  assert.deepEqual(m.decodeGroupStorageRequest(92, Buffer.alloc(16)), {
    groupName: '',
    storageId: undefined,
  });
  assert.throws(() => m.decodeGroupStorageRequest(93, Buffer.alloc(16)), badBody, '93 needs an id');
  for (const cmd of [92, 93, 94]) {
    assert.throws(
      () => m.decodeGroupStorageRequest(cmd, Buffer.alloc(32)),
      badBody,
      `${cmd}: 32 bytes`,
    );
  }
  assert.throws(
    () => m.encodeGroupStorageRequest(93, { groupName: 'g', storageId: undefined }),
    badArg,
  );
  assert.equal(m.decodeTrunkServerReply(m.encodeTrunkServerReply('100001')), '100001');
  assert.equal(m.encodeTrunkServerReply('1').length, 2, 'the id and its NUL');
  assert.deepEqual(m.decodeLeaderReply(m.encodeLeaderReply({ ip: '::1', port: 22122 })), {
    ip: '::1',
    port: 22122,
  });
  assert.throws(() => m.decodeLeaderReply(Buffer.from('x')), badBody);
});

test('system files: 63 request and reply', () => {
  const req = { index: 3, offset: 8173 };
  assert.deepEqual(m.decodeSysFileRequest(m.encodeSysFileRequest(req)), req);
  assert.throws(() => m.encodeSysFileRequest({ index: 4, offset: 0 }), badArg);
  assert.throws(() => m.decodeSysFileRequest(Buffer.alloc(8)), badBody);
  const chunk = { fileSize: 20, content: Buffer.from('abc') };
  assert.deepEqual(m.decodeSysFileReply(m.encodeSysFileReply(chunk)), chunk);
  assert.throws(
    () => m.decodeSysFileReply(m.encodeSysFileReply({ fileSize: 1, content: Buffer.from('ab') })),
    badBody,
  );
  assert.throws(
    () => m.encodeSysFileReply({ fileSize: 1e6, content: Buffer.alloc(m.SYS_FILE_CHUNK + 1) }),
    badArg,
  );
});
