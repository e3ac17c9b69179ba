// StorageServer on its own (its tracker never answers): the first start creates the §8.1 tree
// and state files; allow_hosts, max_connections and network_timeout are enforced; uploads wait
// (EAGAIN) until the trackers said what names carry; close() ends everything promptly, even
// with a download in progress, and saves the counters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageClient } from '#src/client/index.js';
import { parseStorageConfig, type StorageConfig } from '#src/common/config/index.js';
import { isFdfsError } from '#src/common/errors.js';
import { StorageCommand as S } from '#src/protocol/commands.js';
import { Errno } from '#src/protocol/errno.js';
import { RawClient, rawFrame } from '#src/storage/service/harness.test.helper.js';
import { StorageServer } from '#src/storage/index.js';

const HOST = '127.0.0.1';

interface SilentTracker {
  port: number;
  /** Close the listener and every connection (the storage's start-up call then fails). */
  close(): void;
}

/** A "tracker" that accepts connections and never answers: the reporters wait on it. */
async function silentTracker(): Promise<SilentTracker> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}

async function withStorage(
  extra: string,
  fn: (
    s: StorageServer,
    port: number,
    config: StorageConfig,
    tracker: SilentTracker,
  ) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-storage-server-'));
  const tracker = await silentTracker();
  const text = [
    'group_name = group1',
    `bind_addr = ${HOST}`,
    `base_path = ${join(dir, 'base')}`,
    `store_path0 = ${join(dir, 'store0')}`,
    'subdir_count_per_path = 2',
    `tracker_server = ${HOST}:${tracker.port}`,
    'connect_timeout = 1',
    extra,
  ].join('\n');
  const config = { ...parseStorageConfig(text, { file: join(dir, 'storage.conf') }), port: 0 };
  const server = new StorageServer(config);
  try {
    const { port } = await server.listen();
    await fn(server, port, config, tracker);
  } finally {
    tracker.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

test('the first start creates the data tree and the state files; close() saves the counters', async () => {
  await withStorage('', async (server, port, config, tracker) => {
    const data = join(config.basePath, 'data');
    for (const f of ['.data_init_flag', 'storage_stat.dat', 'sync/binlog.000']) {
      assert.ok(await exists(join(data, f)), f);
    }
    const store0 = join(config.storePaths[0]!.path, 'data');
    for (const d of ['00/00', '01/01', '.fastdfs_vars'])
      assert.ok(await exists(join(store0, d)), d);
    assert.equal(server.address()?.port, port);
    // No tracker has answered: new names cannot be made yet (EAGAIN); downloads still answer.
    const client = new StorageClient({ connectTimeoutMs: 1000, networkTimeoutMs: 5000 });
    try {
      await assert.rejects(
        client.upload({ host: HOST, port }, { content: Buffer.from('x') }),
        (err: unknown) => isFdfsError(err) && err.errno === Errno.EAGAIN,
      );
      await assert.rejects(
        client.downloadToBuffer(
          { host: HOST, port },
          'group1/M00/00/00/fwAADGsBidOAXtDXAAAAHdnGElo349.txt',
        ),
        (err: unknown) => isFdfsError(err) && err.errno === Errno.ENOENT,
      );
    } finally {
      await client.close();
    }
    tracker.close();
    const started = Date.now();
    await server.close();
    assert.ok(Date.now() - started < 2000, 'close() is prompt');
    const stat = await readFile(join(data, 'storage_stat.dat'), 'latin1');
    // The download of a missing file counts; the upload never reached the store.
    assert.match(stat, /^total_download_count=1$/m);
    assert.match(stat, /^success_download_count=0$/m);
  });
});

test('max_connections refuses connections beyond the limit', async () => {
  await withStorage('max_connections = 2', async (_server, port) => {
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    for (const c of [a, b]) {
      c.send(rawFrame(S.ACTIVE_TEST));
      assert.equal((await c.reply()).status, 0);
    }
    const c = await RawClient.connect(port);
    assert.equal(await c.closesWithin(2000), true);
    a.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const d = await RawClient.connect(port);
    d.send(rawFrame(S.ACTIVE_TEST));
    assert.equal((await d.reply()).status, 0);
    for (const x of [b, c, d]) x.destroy();
  });
});

test('allow_hosts refuses other peers at accept', async () => {
  await withStorage('allow_hosts = 10.0.0.[1-9]', async (_server, port) => {
    const c = await RawClient.connect(port);
    assert.equal(await c.closesWithin(2000), true);
  });
});

test('network_timeout closes a silent connection and a stalled frame, not an idle one', async () => {
  await withStorage('network_timeout = 1', async (_server, port) => {
    const silent = await RawClient.connect(port);
    const stalled = await RawClient.connect(port);
    stalled.send(rawFrame(S.ACTIVE_TEST, Buffer.alloc(0), 20).subarray(0, 10), Buffer.alloc(5));
    const idle = await RawClient.connect(port);
    idle.send(rawFrame(S.ACTIVE_TEST));
    assert.equal((await idle.reply()).status, 0);
    assert.equal(await silent.closesWithin(3000), true);
    assert.equal(await stalled.closesWithin(3000), true);
    assert.equal(idle.isClosed, false, 'idle after a served request stays (§1.2)');
    for (const x of [silent, stalled, idle]) x.destroy();
  });
});
