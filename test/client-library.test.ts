// FastDfsClient against a live tracker and storage (in this process, on 127.0.0.1): every method,
// from options and from a client.conf, with a Buffer, a file path and a Readable; typed errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { FastDfsClient } from '#src/index.js';
import { isFdfsError } from '#src/common/errors.js';
import { Errno } from '#src/protocol/errno.js';
import { StorageStatus } from '#src/protocol/status.js';
import { GROUP, HOST, startNodes, type LiveNodes } from './support/storage-node.js';

const rejectsWith = (errno: number) => (err: unknown) => isFdfsError(err) && err.errno === errno;

describe('FastDfsClient on a live cluster', { timeout: 60_000 }, () => {
  let nodes: LiveNodes;
  let client: FastDfsClient;
  let dir: string;

  before(async () => {
    nodes = await startNodes();
    dir = await mkdtemp(join(tmpdir(), 'fdfs-client-lib-'));
    client = new FastDfsClient({
      trackers: [`${HOST}:${nodes.trackerPort}`],
      connectTimeoutMs: 2000,
      networkTimeoutMs: 10_000,
    });
  });
  after(async () => {
    await client?.close();
    await nodes?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('upload a Buffer with ext and metadata, download it whole and by range, info, delete', async () => {
    const data = Buffer.from('hello, fastdfs-ts client\n');
    const id = await client.upload(data, { ext: 'txt', metadata: { width: '10', who: 'me' } });
    assert.match(id, /^group1\/M00\/[0-9A-F]{2}\/[0-9A-F]{2}\/[\w-]{27,}\.txt$/);
    assert.deepEqual(await client.download(id), data);
    assert.deepEqual(await client.download(id, { offset: 7, length: 8 }), data.subarray(7, 15));
    const meta = await client.getMetadata(id);
    assert.deepEqual(meta.map((m) => [m.name, m.value]).sort(), [
      ['who', 'me'],
      ['width', '10'],
    ]);
    const info = await client.fileInfo(id);
    assert.equal(info.fromServer, false, 'a normal file is decoded from its name');
    assert.equal(info.fileSize, BigInt(data.length));
    assert.equal(info.crc32, crc32(data));
    assert.equal(info.kind, 'normal');
    assert.equal(info.sourceIpAddr, HOST);
    await client.delete(id);
    await assert.rejects(client.download(id), rejectsWith(Errno.ENOENT));
    await assert.rejects(client.delete(id), (err: unknown) => {
      assert.ok(isFdfsError(err));
      assert.equal(err.errno, Errno.ENOENT);
      assert.equal(err.errnoName, 'ENOENT');
      assert.match(err.message, /ENOENT/);
      assert.match(err.message, new RegExp(`${HOST}:${nodes.storagePort}`), 'names the server');
      assert.ok(err.command !== undefined, 'names the command');
      return true;
    });
  });

  test('upload from a file path and a Readable; downloadTo a path and a Writable', async () => {
    const data = Buffer.alloc(300_000, 'abcdefgh');
    const src = join(dir, 'src.bin');
    await writeFile(src, data);
    const fromPath = await client.upload(src, { ext: 'bin', group: GROUP });
    const fromStream = await client.upload(
      Readable.from([data.subarray(0, 1000), data.subarray(1000)]),
      {
        size: data.length,
      },
    );
    const out = join(dir, 'out.bin');
    assert.equal(await client.downloadTo(fromPath, out), data.length);
    assert.deepEqual(await readFile(out), data);
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    assert.equal(await client.downloadTo(fromStream, sink, { offset: 10, length: 100 }), 100);
    assert.deepEqual(Buffer.concat(chunks), data.subarray(10, 110));
    await assert.rejects(client.downloadTo(fromPath, join(dir, 'no', 'x')), { code: 'ENOENT' });
    await assert.rejects(client.downloadTo(`${GROUP}/M00/00/00/${'A'.repeat(44)}`, out));
    await assert.rejects(readFile(out), { code: 'ENOENT' }, 'a failed download leaves no file');
    await assert.rejects(client.upload(Readable.from([data])), /needs its size/);
    await assert.rejects(client.upload(join(dir, 'missing')), /cannot read/);
  });

  test('appender: append, modify, truncate, fileInfo from the server, regenerate the name', async () => {
    const id = await client.uploadAppender(Buffer.from('abc'), { ext: 'log' });
    await client.append(id, Buffer.from('defg'));
    await client.modify(id, 1, Buffer.from('XY'));
    assert.equal((await client.download(id)).toString(), 'aXYdefg');
    const info = await client.fileInfo(id);
    assert.equal(info.kind, 'appender');
    assert.equal(info.fromServer, true);
    assert.equal(info.fileSize, 7n);
    await client.truncate(id, 2);
    assert.equal((await client.download(id)).toString(), 'aX');
    await client.truncate(id);
    assert.equal((await client.download(id)).length, 0);
    await client.append(id, Buffer.from('final'));
    const normal = await client.regenerateAppenderName(id);
    assert.notEqual(normal, id);
    assert.equal((await client.download(normal)).toString(), 'final');
    await assert.rejects(client.append(normal, Buffer.from('x')), rejectsWith(Errno.EINVAL));
  });

  test('slave upload, metadata overwrite and merge, empty metadata is []', async () => {
    const master = await client.upload(Buffer.from('master'), { ext: 'jpg' });
    const slave = await client.uploadSlave(master, '_150x150', Buffer.from('thumb'), {
      ext: 'jpg',
    });
    assert.ok(slave.includes('_150x150'), slave);
    assert.equal((await client.download(slave)).toString(), 'thumb');
    const slaveInfo = await client.fileInfo(slave);
    assert.equal(slaveInfo.kind, 'slave');
    assert.equal(slaveInfo.fromServer, true);
    assert.equal(slaveInfo.fileSize, 5n);
    assert.deepEqual(await client.getMetadata(master), []);
    await client.setMetadata(master, { a: '1', b: '2' });
    await client.setMetadata(master, { b: '3', c: '4' }, 'merge');
    const merged = (await client.getMetadata(master)).map((m) => `${m.name}=${m.value}`).sort();
    assert.deepEqual(merged, ['a=1', 'b=3', 'c=4']);
    await client.setMetadata(master, { z: '9' }, 'overwrite');
    assert.deepEqual(
      (await client.getMetadata(master)).map((m) => `${m.name}=${m.value}`),
      ['z=9'],
    );
    await assert.rejects(client.getMetadata(`${GROUP}/M00/00/00/${'A'.repeat(44)}`));
  });

  test('query methods, listGroups, listStorages, admin calls and tracker roles', async () => {
    const store = await client.queryStore();
    assert.equal(store.groupName, GROUP);
    assert.equal(store.port, nodes.storagePort);
    assert.equal((await client.queryStore(GROUP)).port, nodes.storagePort);
    assert.equal((await client.queryStoreAll()).length, 1);
    const id = await client.upload(Buffer.from('q'));
    assert.equal((await client.queryFetch(id)).port, nodes.storagePort);
    assert.equal((await client.queryUpdate(id)).host, HOST);
    assert.deepEqual(
      (await client.queryFetchAll(id)).map((t) => t.port),
      [nodes.storagePort],
    );
    const groups = await client.listGroups();
    assert.deepEqual(
      groups.map((g) => [g.groupName, g.storageCount]),
      [[GROUP, 1]],
    );
    assert.equal((await client.listGroup(GROUP)).groupName, GROUP);
    const storages = await client.listStorages(GROUP);
    assert.equal(storages.length, 1);
    assert.equal(storages[0]!.status, StorageStatus.ACTIVE);
    await assert.rejects(client.listStorages('nogroup'), rejectsWith(Errno.ENOENT));
    // An ACTIVE storage cannot be deleted; an unknown group neither.
    await assert.rejects(client.deleteStorage(GROUP, storages[0]!.id), rejectsWith(Errno.EBUSY));
    await assert.rejects(client.deleteGroup('nogroup'));
    // use_trunk_file is off: the tracker refuses to set a trunk server.
    await assert.rejects(client.setTrunkServer(GROUP), rejectsWith(Errno.EOPNOTSUPP));
    const roles = await client.trackerRoles();
    assert.equal(roles.length, 1);
    assert.equal(roles[0]!.role, 'leader', 'a lone tracker leads');
  });

  test('an aborted signal rejects the call', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(client.upload(Buffer.from('x'), { signal: controller.signal }));
  });

  test('an abort during an upload stops it; the client goes on working', async () => {
    const stalled = new Readable({ read() {} });
    stalled.push(Buffer.alloc(1000));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(
      client.upload(stalled, { size: 10_000, signal: controller.signal }),
      (err: unknown) => isFdfsError(err) && err.code === 'ERR_ABORTED',
    );
    const id = await client.upload(Buffer.from('after the abort'));
    assert.equal((await client.download(id)).toString(), 'after the abort');
  });

  test('created from a client.conf path', async () => {
    const conf = join(dir, 'client.conf');
    await writeFile(
      conf,
      `base_path = ${dir}\ntracker_server = ${HOST}:${nodes.trackerPort}\nconnect_timeout = 2\n`,
    );
    const fromConf = await FastDfsClient.create(conf);
    try {
      const id = await fromConf.upload(Buffer.from('from conf'));
      assert.equal((await fromConf.download(id)).toString(), 'from conf');
    } finally {
      await fromConf.close();
    }
  });
});

// Replies decoded by their length (§14.6): a tracker sending the 6.10 or 6.15 layouts (105-byte
// groups, 612- or 517/487-byte storages, the older QUERY_FETCH_ALL form) serves the same client.
for (const wireCompat of ['6.10', '6.15']) {
  describe(
    `FastDfsClient against a tracker with wire_compat = ${wireCompat}`,
    { timeout: 60_000 },
    () => {
      let nodes: LiveNodes;
      let client: FastDfsClient;
      before(async () => {
        nodes = await startNodes({ tracker: `wire_compat = ${wireCompat}` });
        client = new FastDfsClient({ trackers: [`${HOST}:${nodes.trackerPort}`] });
      });
      after(async () => {
        await client?.close();
        await nodes?.close();
      });
      test('groups, storages, fetch-all and a round trip', async () => {
        const id = await client.upload(Buffer.from(wireCompat));
        assert.equal((await client.download(id)).toString(), wireCompat);
        assert.deepEqual(
          (await client.queryFetchAll(id)).map((t) => [t.host, t.port]),
          [[HOST, nodes.storagePort]],
        );
        const [group] = await client.listGroups();
        assert.equal(group!.groupName, GROUP);
        assert.equal(group!.storageCount, 1);
        const [storage] = await client.listStorages(GROUP);
        assert.equal(storage!.status, StorageStatus.ACTIVE);
        assert.equal(storage!.storagePort, nodes.storagePort);
      });
    },
  );
}
