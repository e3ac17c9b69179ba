import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { FdfsError } from '../common/errors.js';
import { PoolSet } from '../common/pool.js';
import { until } from '../common/fake-peer.test.helper.js';
import { encodeHeader } from '../protocol/header.js';
import {
  decodeAppendPrefix,
  decodeCreateLinkRequest,
  decodeDownloadRequest,
  decodeGroupFileRequest,
  decodeModifyPrefix,
  decodeSetMetadataRequest,
  decodeTruncateRequest,
  decodeUploadPrefix,
  decodeUploadSlavePrefix,
  encodeFileIdReply,
  encodeFileInfoReply,
} from '../protocol/messages/index.js';
import { answer, fakeServer, refusingPort, type Handler } from './fake-servers.test.helper.js';
import { StorageClient, storagePoolOptions } from './storage-client.js';

const T = { timeout: 20_000 };
const FILE_ID = 'group1/M00/00/00/fwAADGsBidOAXtDXAAAAHdnGElo349.txt';
const APPENDER_ID = 'group1/M01/00/00/fwAADGsBideEXfvuAAAAAHBp7QQ708.log';
const LOGIC = FILE_ID.slice(7);
const NEW_NAME = 'M00/00/00/fwAADGsBidOAXtDXAAAAHdnGElo999.txt';

/** A storage that accepts everything: uploads get NEW_NAME, downloads get "hello". */
const storage: Handler = (frame, socket) => {
  const cmd = frame.header.cmd;
  if ([11, 20, 21, 23, 38].includes(cmd)) {
    answer(socket, 0, encodeFileIdReply({ groupName: 'group1', filename: NEW_NAME }));
  } else if (cmd === 14) answer(socket, 0, Buffer.from('hello'));
  else if (cmd === 15) answer(socket, 0, Buffer.from('a\x02b\x01c\x02d'));
  else if (cmd === 22) {
    const info = {
      fileSize: 5,
      createTimestamp: 1795262931,
      crc32: 0xd9c6125a,
      sourceIp: '1.2.3.4',
    };
    answer(socket, 0, encodeFileInfoReply(info, 16));
  } else answer(socket, 0);
};

function client(t: TestContext, pools?: PoolSet): StorageClient {
  const c = new StorageClient({
    connectTimeoutMs: 2000,
    networkTimeoutMs: 5000,
    ...(pools ? { pools } : {}),
  });
  t.after(() => c.close());
  return c;
}

function pools(t: TestContext, maxConnections = 64): PoolSet {
  const set = new PoolSet(
    storagePoolOptions({ connectTimeoutMs: 2000, networkTimeoutMs: 5000, maxConnections }),
  );
  t.after(() => set.close());
  return set;
}

test('every command sends its fields and decodes its reply', T, async (t) => {
  const server = await fakeServer(t, storage);
  const c = client(t);
  const at = server.address;
  const newId = `group1/${NEW_NAME}`;
  assert.equal(await c.upload(at, { ext: 'txt', content: Buffer.from('abc') }), newId);
  assert.equal(
    await c.upload(at, { storePathIndex: 1, appender: true, content: [Buffer.from('ab')] }),
    newId,
  );
  const stream = Readable.from([Buffer.from('xy'), Buffer.from('z')]);
  assert.equal(
    await c.uploadSlave(at, { masterFileId: FILE_ID, prefix: '_s', content: stream, size: 3 }),
    newId,
  );
  await c.append(at, APPENDER_ID, { content: Buffer.from('more') });
  await c.modify(at, APPENDER_ID, { offset: 2, content: Buffer.from('MO') });
  await c.truncate(at, APPENDER_ID, 7);
  assert.equal(await c.regenerateAppenderName(at, APPENDER_ID), newId);
  await c.deleteFile(at, FILE_ID);
  await c.setMetadata(at, FILE_ID, { width: '160' }, 'M');
  assert.deepEqual(await c.getMetadata(at, FILE_ID), [
    { name: 'a', value: 'b' },
    { name: 'c', value: 'd' },
  ]);
  assert.equal(
    (await c.downloadToBuffer(at, FILE_ID, { offset: 1, length: 5 })).toString(),
    'hello',
  );
  assert.deepEqual(await c.queryFileInfo(at, FILE_ID, { noCrc: true, silent: true }), {
    fileSize: 5n,
    createTimestamp: 1795262931,
    crc32: 0xd9c6125a,
    sourceIpAddr: '1.2.3.4',
  });
  const signature = Buffer.from('sig');
  assert.equal(
    await c.createLink(at, {
      sourceFileId: FILE_ID,
      masterFileId: FILE_ID,
      signature,
      prefix: '_l',
    }),
    newId,
  );
  await c.activeTest(at);

  const f = server.frames;
  assert.deepEqual(server.cmds(), [11, 23, 21, 24, 34, 36, 38, 12, 13, 15, 14, 22, 20, 111]);
  const up = decodeUploadPrefix(f[0]!.body, f[0]!.header.pkgLen);
  assert.deepEqual([up.storePathIndex, up.fileSize, up.ext], [-1, 3, 'txt']);
  const app = decodeUploadPrefix(f[1]!.body, f[1]!.header.pkgLen, 23);
  assert.deepEqual([app.storePathIndex, app.fileSize, app.ext], [1, 2, '']);
  const slave = decodeUploadSlavePrefix(f[2]!.body, f[2]!.header.pkgLen);
  assert.deepEqual([slave.masterFilename, slave.prefixName, slave.ext], [LOGIC, '_s', '']);
  assert.equal(f[2]!.body.subarray(slave.prefixLength).toString(), 'xyz');
  assert.equal(decodeAppendPrefix(f[3]!.body, f[3]!.header.pkgLen).filename, APPENDER_ID.slice(7));
  assert.equal(decodeModifyPrefix(f[4]!.body, f[4]!.header.pkgLen).offset, 2);
  assert.equal(decodeTruncateRequest(f[5]!.body).truncatedSize, 7);
  assert.equal(f[6]!.body.toString(), APPENDER_ID.slice(7));
  assert.deepEqual(decodeGroupFileRequest(12, f[7]!.body), {
    groupName: 'group1',
    filename: LOGIC,
  });
  const meta = decodeSetMetadataRequest(f[8]!.body);
  assert.deepEqual([meta.op, meta.metadata], ['M', [{ name: 'width', value: '160' }]]);
  const dl = decodeDownloadRequest(f[10]!.body);
  assert.deepEqual([dl.offset, dl.length, dl.filename], [1, 5, LOGIC]);
  assert.equal(f[11]!.header.status, 3, 'QUERY_FILE_INFO flags go in the status byte');
  const link = decodeCreateLinkRequest(f[12]!.body);
  assert.deepEqual([link.masterFilename, link.srcFilename, link.prefixName], [LOGIC, LOGIC, '_l']);
  assert.equal(server.peer.accepted, 1, 'one pooled connection carried every command');
});

test(
  'a connection goes back to the pool after success and is dropped after an error',
  T,
  async (t) => {
    let status = 0;
    const server = await fakeServer(t, (_frame, socket) => answer(socket, status));
    const set = pools(t);
    const c = client(t, set);
    const pool = set.get('127.0.0.1', server.address.port);
    await c.deleteFile(server.address, FILE_ID);
    await c.deleteFile(server.address, FILE_ID);
    assert.equal(server.peer.accepted, 1);
    assert.equal(pool.idle, 1);
    status = 2;
    const err = await c.deleteFile(server.address, FILE_ID).then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof FdfsError);
    assert.equal(err.code, 'ERR_SERVER_STATUS');
    assert.equal(err.errno, 2);
    assert.equal(err.errnoName, 'ENOENT');
    assert.equal(err.command, 12);
    assert.equal(err.server, `127.0.0.1:${server.address.port}`);
    assert.equal(err.name, 'FdfsError');
    assert.match(err.message, /^DELETE_FILE\(12\) failed from 127\.0\.0\.1:\d+: ENOENT \(2\)/);
    assert.equal(pool.idle + pool.inUse, 0);
    await until(() => server.peer.open.size === 0);
    // "No metadata" is ENOENT too: returned as the error, for the caller to judge (§6.1).
    await assert.rejects(c.getMetadata(server.address, FILE_ID), { errno: 2, command: 15 });
    status = 0;
    await c.activeTest(server.address);
    assert.equal(server.peer.accepted, 3);
  },
);

test('bad arguments are refused before anything is sent', T, async (t) => {
  const server = await fakeServer(t, storage);
  const c = client(t);
  const at = server.address;
  await assert.rejects(c.upload(at, { ext: 'toolong', content: Buffer.alloc(1) }), {
    code: 'ERR_INVALID_ARGUMENT',
  });
  await assert.rejects(c.upload(at, { content: Buffer.alloc(2), size: 3 }), {
    code: 'ERR_INVALID_ARGUMENT',
  });
  await assert.rejects(c.upload(at, { content: Readable.from([]) }), {
    code: 'ERR_INVALID_ARGUMENT',
  });
  await assert.rejects(c.deleteFile(at, 'group1/X00/00/00/bad'), { code: 'ERR_BAD_FILE_ID' });
  await assert.rejects(c.setMetadata(at, FILE_ID, { 'a\x01': 'b' }, 'O'), {
    code: 'ERR_BAD_METADATA',
  });
  await assert.rejects(
    c.createLink(at, {
      sourceFileId: FILE_ID,
      masterFileId: 'group2/' + LOGIC,
      signature: Buffer.from('s'),
    }),
    { code: 'ERR_INVALID_ARGUMENT' },
  );
  assert.equal(server.peer.accepted, 0);
});

test('a Readable that ends short fails the upload and drops the connection', T, async (t) => {
  const server = await fakeServer(t, storage);
  const c = client(t);
  await assert.rejects(
    c.upload(server.address, { content: Readable.from([Buffer.alloc(3)]), size: 5 }),
    { code: 'ERR_INVALID_ARGUMENT' },
  );
  await until(() => server.peer.open.size === 0);
});

test('a large download streams into a slow sink with bounded memory', T, async (t) => {
  const total = 48 << 20;
  const chunk = Buffer.alloc(64 << 10, 0x61);
  let written = 0;
  let maxAhead = 0;
  let received = 0;
  let blocked = 0;
  const server = await fakeServer(t, (_frame, socket) => {
    void (async () => {
      socket.write(encodeHeader(total, 100, 0));
      while (written < total) {
        written += chunk.length;
        maxAhead = Math.max(maxAhead, written - received);
        if (!socket.write(chunk)) {
          blocked++;
          await new Promise((resolve) => socket.once('drain', resolve));
        }
      }
    })();
  });
  let writes = 0;
  const sink = new Writable({
    highWaterMark: 16 << 10,
    write(data: Buffer, _encoding, callback) {
      received += data.length;
      // Every 8th chunk waits for a timer: the sink is slower than loopback TCP.
      if (++writes % 8 === 0) setTimeout(callback, 1);
      else setImmediate(callback);
    },
  });
  const c = client(t);
  const n = await c.download(server.address, FILE_ID, undefined, sink);
  assert.equal(n, total);
  assert.equal(received, total);
  assert.ok(blocked > 0, 'the server felt backpressure');
  // Kernel socket buffers plus a few chunks; the whole body would be 48 MB.
  assert.ok(maxAhead < 16 << 20, `the server ran ${maxAhead} bytes ahead of the sink`);
});

test('abort signals: before the call, and during a stalled download', T, async (t) => {
  const server = await fakeServer(t, (_frame, socket) => {
    socket.write(encodeHeader(1000, 100, 0));
    socket.write(Buffer.alloc(10));
  });
  const set = pools(t);
  const c = client(t, set);
  await assert.rejects(c.deleteFile(server.address, FILE_ID, AbortSignal.abort()), {
    code: 'ERR_ABORTED',
  });
  assert.equal(server.peer.accepted, 0);
  const controller = new AbortController();
  const pending = c.downloadToBuffer(server.address, FILE_ID, undefined, controller.signal);
  await until(() => server.frames.length === 1);
  controller.abort();
  await assert.rejects(pending, (err: FdfsError) => {
    assert.equal(err.code, 'ERR_ABORTED');
    assert.equal(err.command, 14);
    return true;
  });
  const pool = set.get('127.0.0.1', server.address.port);
  assert.equal(pool.idle + pool.inUse, 0, 'the aborted connection was dropped');
  await until(() => server.peer.open.size === 0);
});

test('200 concurrent uploads over a pool of 8 connections leak no socket', T, async (t) => {
  const server = await fakeServer(t, storage);
  const set = pools(t, 8);
  const c = client(t, set);
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      c.upload(server.address, { ext: 'bin', content: Buffer.alloc(100 + i, i) }),
    ),
  );
  assert.equal(results.length, 200);
  assert.equal(server.frames.length, 200);
  assert.ok(server.peer.accepted <= 8, `${server.peer.accepted} connections opened`);
  const sizes = server.frames.map((f) => f.header.pkgLen - 15).sort((a, b) => a - b);
  assert.deepEqual(
    sizes,
    Array.from({ length: 200 }, (_, i) => 100 + i),
  );
  const pool = set.get('127.0.0.1', server.address.port);
  assert.equal(pool.inUse, 0);
  assert.ok(pool.size <= 8);
  await set.close();
  await until(() => server.peer.open.size === 0);
});

test('storage connects are retried (§12)', T, async (t) => {
  const port = await refusingPort();
  const c = new StorageClient({ connectTimeoutMs: 2000, poolOptions: { retryDelayMs: 20 } });
  t.after(() => c.close());
  const sockets = new Set<net.Socket>();
  const late = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => socket.write(encodeHeader(0, 100, 0)));
    socket.on('error', () => {});
  });
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => late.close(() => resolve()));
  });
  const pending = c.activeTest({ host: '127.0.0.1', port });
  await sleep(10);
  await new Promise<void>((resolve) => late.listen(port, '127.0.0.1', resolve));
  await pending;
  const refused = await refusingPort();
  const once = new StorageClient({ poolOptions: { connectRetries: 0 } });
  t.after(() => once.close());
  await assert.rejects(once.activeTest({ host: '127.0.0.1', port: refused }), {
    code: 'ERR_CONNECT',
  });
});
