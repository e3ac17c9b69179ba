// FastDfsClient under load and with a tracker down: 200 concurrent uploads share 8 pooled storage
// connections and leave no socket open after close(); with two trackers configured and the first
// one down (§12 rotation and failover), every call still succeeds.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { FastDfsClient } from '#src/index.js';
import { GROUP, HOST, startNodes, type LiveNodes } from './support/storage-node.js';

/** Sockets (either end) open in this process: clients and the in-process servers. */
function openSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

/** A port on which nothing listens (bound, read, closed). */
function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const a = probe.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('FastDfsClient pool and failover', { timeout: 90_000 }, () => {
  let nodes: LiveNodes;
  before(async () => {
    nodes = await startNodes();
  });
  after(async () => {
    await nodes?.close();
  });

  test('200 concurrent uploads over 8 pooled connections leak no socket', async () => {
    const baseline = openSockets();
    const client = new FastDfsClient({
      trackers: [`${HOST}:${nodes.trackerPort}`],
      maxConnectionsPerServer: 8,
    });
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, openSockets())), 2);
    const payloads = Array.from({ length: 200 }, (_, i) =>
      Buffer.from(`file ${i} `.repeat(50 + i)),
    );
    const ids = await Promise.all(payloads.map((p) => client.upload(p, { ext: 'txt' })));
    clearInterval(sampler);
    assert.equal(new Set(ids).size, 200);
    // Each pooled connection is two sockets here (client and server end): at most 8 to the
    // storage and 8 to the tracker.
    assert.ok(peak - baseline <= 2 * 16, `peak ${peak - baseline} sockets above baseline`);
    const back = await Promise.all(ids.slice(0, 20).map((id) => client.download(id)));
    back.forEach((b, i) => assert.deepEqual(b, payloads[i]));
    // The storage saw at most 8 client connections at once (its own counters, §4.4).
    await until('the storage to report its connection peak', async () => {
      const [s] = await client.listStorages(GROUP);
      return s !== undefined && s.stat.connection.maxCount > 0;
    });
    const [stat] = await client.listStorages(GROUP);
    assert.ok(
      stat!.stat.connection.maxCount <= 8,
      `storage peak ${stat!.stat.connection.maxCount}`,
    );
    await client.close();
    await until('every socket of the client to close', () => openSockets() <= baseline).catch(
      (e) => {
        throw new Error(`${e.message}: ${openSockets()} vs ${baseline}`);
      },
    );
  });

  test('two trackers configured, the first one down: every call still succeeds', async () => {
    const down = `${HOST}:${await deadPort()}`;
    const client = new FastDfsClient({
      trackers: [down, `${HOST}:${nodes.trackerPort}`],
      connectTimeoutMs: 1000,
    });
    try {
      for (let round = 0; round < 3; round++) {
        const id = await client.upload(Buffer.from(`round ${round}`), {
          metadata: { r: `${round}` },
        });
        assert.equal((await client.download(id)).toString(), `round ${round}`);
        assert.equal((await client.fileInfo(id)).fileSize, BigInt(`round ${round}`.length));
        await client.setMetadata(id, { s: '1' }, 'merge');
        assert.equal((await client.getMetadata(id)).length, 2);
        assert.equal((await client.queryFetchAll(id)).length, 1);
        assert.equal((await client.listGroups()).length, 1);
        assert.equal((await client.listStorages(GROUP)).length, 1);
        const app = await client.uploadAppender(Buffer.from('a'));
        await client.append(app, Buffer.from('b'));
        await client.modify(app, 0, Buffer.from('c'));
        await client.truncate(app, 1);
        await client.regenerateAppenderName(app);
        await client.delete(id);
      }
      const roles = await client.trackerRoles();
      assert.deepEqual(
        roles.map((r) => r.role),
        ['down', 'leader'],
      );
    } finally {
      await client.close();
    }
  });
});

test('a refused storage connect is retried with backoff until the storage listens', async () => {
  const port = await deadPort();
  // Answers ACTIVE_TEST (§1.2): a 10-byte header with cmd RESP (100) and status 0.
  const storage = createServer((socket) => {
    socket.on('data', () => socket.write(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 100, 0])));
  });
  const target = { host: HOST, port };
  const patient = new FastDfsClient({ trackers: [`${HOST}:1`] });
  const impatient = new FastDfsClient({ trackers: [`${HOST}:1`], storageConnectRetries: 0 });
  try {
    await assert.rejects(impatient.storage.activeTest(target), { code: 'ERR_CONNECT' });
    // The retries wait 100 ms, then 200, then 400: the storage comes up during them.
    setTimeout(() => storage.listen(port, HOST), 150);
    await patient.storage.activeTest(target);
  } finally {
    await patient.close();
    await impatient.close();
    await new Promise((r) => storage.close(r));
  }
});
