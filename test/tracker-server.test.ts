// A live TrackerServer on 127.0.0.1 port 0: scripted storages join, beat and report space, then
// client queries (101–107) return them in each wire_compat and IP size; the server restarts on the
// same base path and routes again once the storages have joined and reported; close() saves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrackerConfig, type TrackerConfig } from '#src/common/config/index.js';
import { FramedConnection } from '#src/common/connection.js';
import { TrackerCommand as C } from '#src/protocol/commands.js';
import { Errno } from '#src/protocol/errno.js';
import * as m from '#src/protocol/messages/index.js';
import { TrackerServer } from '#src/tracker/index.js';
import { TRACKER_FILES, TrackerStore } from '#src/tracker/persist/store.js';
import { parseTrackerStatus } from '#src/tracker/persist/formats.js';
import { FakeStorage } from './support/tracker-fake-storage.js';

const HOST = '127.0.0.1';
const NOW = 1_795_264_000;
/** A name whose source is 127.0.0.12, created at 1795262925 (`tracker-102-query-fetch-one.json`). */
const FILE = 'M00/00/00/fwAADGsBidOAXtDXAAAAHdnGElo349.txt';

function configFor(basePath: string, extra = ''): TrackerConfig {
  const text = `base_path = ${basePath}\nbind_addr = ${HOST}\nport = 22122\n${extra}\n`;
  return { ...parseTrackerConfig(text, { file: join(basePath, 'tracker.conf') }), port: 0 };
}

async function withBase(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-tracker-server-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function client(port: number): Promise<FramedConnection> {
  return FramedConnection.connect({
    host: HOST,
    port,
    connectTimeoutMs: 2000,
    networkTimeoutMs: 5000,
  });
}

/** status and body; a non-zero status comes back as a value (the connection then closes). */
async function ask(
  port: number,
  cmd: number,
  body: Buffer = Buffer.alloc(0),
): Promise<{ status: number; body: Buffer }> {
  const conn = await client(port);
  try {
    const r = await conn.request({ cmd, body, reply: { kind: 'whole', maxLength: 1 << 20 } });
    return { status: r.status, body: r.body };
  } catch (err) {
    const errno = (err as { errno?: number }).errno;
    if (typeof errno === 'number') return { status: errno, body: Buffer.alloc(0) };
    throw err;
  } finally {
    conn.destroy();
  }
}

interface Up {
  server: TrackerServer;
  port: number;
  storages: FakeStorage[];
}

/** Start a tracker and bring up 127.0.0.12 and 127.0.0.13 in group1 (both ACTIVE). */
async function bringUp(config: TrackerConfig, now: number): Promise<Up> {
  const server = new TrackerServer(config, { now: () => now });
  const { port } = await server.listen();
  const a = await FakeStorage.connect({ ip: '127.0.0.12', trackerHost: HOST, trackerPort: port });
  const b = await FakeStorage.connect({ ip: '127.0.0.13', trackerHost: HOST, trackerPort: port });
  await a.bringUp({}, 60_000);
  // The second one knows it was ACTIVE (init_flag 0): no full copy, ACTIVE at its first beat.
  await b.bringUp({ initFlag: 0, status: 7 }, 50_000);
  return { server, port, storages: [a, b] };
}

async function down(up: Up): Promise<void> {
  for (const s of up.storages) s.conn.destroy();
  await up.server.close();
}

test('storages join and beat; the lone tracker leads and tells them at once (flags 5)', async () => {
  await withBase(async (dir) => {
    const server = new TrackerServer(configFor(dir), { now: () => NOW });
    const { port, address } = await server.listen();
    assert.equal(address, HOST);
    assert.deepEqual(server.address(), await server.listen().then(() => server.address()));
    try {
      assert.equal((await ask(port, C.TRACKER_GET_STATUS)).status, Errno.ENOENT, 'no groups yet');
      const s = await FakeStorage.connect({
        ip: '127.0.0.12',
        trackerHost: HOST,
        trackerPort: port,
      });
      assert.deepEqual(await s.join(), { myStatus: 0, srcId: '' });
      assert.equal(await s.syncDestReq(), null);
      const beat = await s.beat();
      assert.equal(beat.flags, 5, 'leader brief and member list');
      assert.deepEqual(beat.leader, { status: 0, port, id: HOST, ipAddr: HOST });
      assert.deepEqual(
        beat.groupServers?.map((b) => [b.id, b.status, b.port]),
        [['127.0.0.12', 7, 23000]],
      );
      assert.deepEqual(await s.beat(), { flags: 0 });
      const leader = await ask(port, C.SERVER_GET_LEADER);
      assert.equal(leader.body.toString(), `${HOST}:${port}`);
      s.conn.destroy();
    } finally {
      await server.close();
    }
  });
});

for (const [extra, ipSize, form] of [
  ['', 16, '6.16'],
  ['response_ip_addr_size = IPv6', 46, '6.16'],
  ['wire_compat = 6.15', 16, 'legacy'],
  ['wire_compat = 6.15\nresponse_ip_addr_size = IPv6', 46, 'legacy'],
  ['wire_compat = 6.10\nresponse_ip_addr_size = IPv6', 16, 'legacy'],
] as const) {
  test(`client queries 101–107 route to the storages (${extra.replace('\n', ', ') || 'defaults'})`, async () => {
    await withBase(async (dir) => {
      // Two days after the file was made: every readable storage has it (§9.7 rule 2).
      const up = await bringUp(configFor(dir, extra), NOW + 2 * 86400);
      const { port } = up;
      try {
        const one = await ask(port, C.SERVICE_QUERY_STORE_WITHOUT_GROUP_ONE);
        const store = m.decodeStoreOneReply(one.body);
        assert.equal(store.ipSize, ipSize);
        assert.equal(store.groupName, 'group1');
        assert.ok(['127.0.0.12', '127.0.0.13'].includes(store.ip));
        assert.equal(store.port, 23000);
        const withGroup = await ask(
          port,
          C.SERVICE_QUERY_STORE_WITH_GROUP_ONE,
          m.encodeQueryStoreRequest('group1'),
        );
        assert.equal(m.decodeStoreOneReply(withGroup.body).groupName, 'group1');
        const all = m.decodeStoreAllReply(
          (await ask(port, C.SERVICE_QUERY_STORE_WITHOUT_GROUP_ALL)).body,
          { ipSize },
        );
        assert.deepEqual(
          all.servers.map((s) => s.ip),
          ['127.0.0.12', '127.0.0.13'],
        );
        const allGroup = await ask(
          port,
          C.SERVICE_QUERY_STORE_WITH_GROUP_ALL,
          m.encodeQueryStoreRequest('group1'),
        );
        assert.equal(m.decodeStoreAllReply(allGroup.body, { ipSize }).servers.length, 2);
        const nogroup = await ask(
          port,
          C.SERVICE_QUERY_STORE_WITH_GROUP_ONE,
          m.encodeQueryStoreRequest('nogroup'),
        );
        assert.equal(nogroup.status, Errno.ENOENT);

        const fileReq = (cmd: number) => m.encodeQueryFileRequest('group1', FILE, cmd);
        const fetch = m.decodeFetchOneReply(
          (await ask(port, C.SERVICE_QUERY_FETCH_ONE, fileReq(C.SERVICE_QUERY_FETCH_ONE))).body,
        );
        assert.equal(fetch.ipSize, ipSize);
        assert.ok(['127.0.0.12', '127.0.0.13'].includes(fetch.ip));
        const update = m.decodeFetchOneReply(
          (await ask(port, C.SERVICE_QUERY_UPDATE, fileReq(C.SERVICE_QUERY_UPDATE))).body,
        );
        assert.equal(update.ip, '127.0.0.12', 'the source storage');
        const fetchAll = await ask(
          port,
          C.SERVICE_QUERY_FETCH_ALL,
          fileReq(C.SERVICE_QUERY_FETCH_ALL),
        );
        const expectedLength =
          form === '6.16' ? 16 + 2 * (ipSize - 1 + 8) : 16 + (ipSize - 1 + 8) + (ipSize - 1);
        assert.equal(fetchAll.body.length, expectedLength);
        const decoded = m.decodeFetchAllReply(fetchAll.body, { ipSize, form });
        assert.deepEqual(decoded.servers.map((s) => `${s.ip}:${s.port}`).sort(), [
          '127.0.0.12:23000',
          '127.0.0.13:23000',
        ]);
      } finally {
        await down(up);
      }
    });
  });
}

test('restart on the same base path: state restored, routing again after the storages report', async () => {
  await withBase(async (dir) => {
    const config = configFor(dir);
    const first = await bringUp(config, NOW);
    assert.equal((await ask(first.port, C.SERVICE_QUERY_STORE_WITHOUT_GROUP_ONE)).status, 0);
    await down(first);

    // close() saved everything, in the C formats.
    const { snapshot, status } = await new TrackerStore(join(dir, 'data'), false).load();
    assert.deepEqual(
      snapshot?.groups.map((g) => [g.name, g.storages.map((s) => s.id)]),
      [['group1', ['127.0.0.12', '127.0.0.13']]],
    );
    assert.equal(status?.upTime, NOW);
    const statusText = await readFile(join(dir, 'data', TRACKER_FILES.status), 'latin1');
    assert.deepEqual(parseTrackerStatus(statusText), { upTime: NOW, lastCheckTime: NOW });

    const later = NOW + 600;
    const server = new TrackerServer(config, { now: () => later });
    const { port } = await server.listen();
    const storages: FakeStorage[] = [];
    try {
      // Restored, but nobody is connected: no storage to write to until they come back.
      assert.equal((await ask(port, C.SERVICE_QUERY_STORE_WITHOUT_GROUP_ONE)).status, Errno.ENOENT);
      const groups = await ask(
        port,
        C.SERVER_LIST_ONE_GROUP,
        m.encodeGroupRequest('group1', C.SERVER_LIST_ONE_GROUP),
      );
      assert.equal(groups.status, 0, 'the group survived the restart');
      const tstatus = await ask(port, C.TRACKER_GET_STATUS);
      assert.equal(tstatus.body.length, 17);
      assert.equal(tstatus.body.readBigInt64BE(9), 600n, 'restart interval = start − last check');
      for (const ip of ['127.0.0.12', '127.0.0.13']) {
        const s = await FakeStorage.connect({ ip, trackerHost: HOST, trackerPort: port });
        storages.push(s);
        const joined = await s.join();
        assert.equal(joined.myStatus, 6, 'OFFLINE → ONLINE on join');
        // A storage reports its disk usage right after joining, then beats (§9.13).
        await s.reportDiskUsage([{ totalMb: 100_000, freeMb: 40_000 }]);
        await s.beat();
      }
      const one = m.decodeStoreOneReply(
        (await ask(port, C.SERVICE_QUERY_STORE_WITHOUT_GROUP_ONE)).body,
      );
      assert.ok(['127.0.0.12', '127.0.0.13'].includes(one.ip));
    } finally {
      for (const s of storages) s.conn.destroy();
      await server.close();
    }
  });
});

test('close() before or without listen() is harmless; listen() after close() fails', async () => {
  await withBase(async (dir) => {
    const idle = new TrackerServer(configFor(dir));
    await idle.close();
    await assert.rejects(idle.listen());
    const server = new TrackerServer(configFor(dir));
    const listening = server.listen();
    const closing = server.close();
    await listening;
    await closing;
    assert.equal(server.address(), undefined);
  });
});
