// End to end, in process: a real TrackerServer (temp base path, port 0) and two storages'
// TrackerReporters with fake hosts, bound to 127.0.0.2 and 127.0.0.3 (storage ids off, so the
// tracker tells them apart by address). Both become ACTIVE, the second gets its sync source with
// 87, each host sees both in the leader's member list, and a stopped storage goes OFFLINE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrackerConfig } from '#src/common/config/index.js';
import { FramedConnection } from '#src/common/connection.js';
import { TrackerCommand as C } from '#src/protocol/commands.js';
import { encodeGroupStorageRequest } from '#src/protocol/messages/tracker-admin.js';
import { decodeStoreOneReply, encodeQueryStoreRequest } from '#src/protocol/messages/query.js';
import { StorageStatus as S } from '#src/protocol/status.js';
import { decodeStorageStatList } from '#src/protocol/structs/storage-stat-record.js';
import { FakeHost } from '#src/storage/reporter/fake-host.test.helper.js';
import { TrackerReporters } from '#src/storage/reporter/index.js';
import { TrackerServer } from '#src/tracker/index.js';

const TRACKER_IP = '127.0.0.1';
const A = '127.0.0.2';
const B = '127.0.0.3';

async function ask(port: number, cmd: number, body: Buffer): Promise<Buffer> {
  const conn = await FramedConnection.connect({
    host: TRACKER_IP,
    port,
    connectTimeoutMs: 2000,
    networkTimeoutMs: 5000,
  });
  try {
    const reply = await conn.request({ cmd, body, reply: { kind: 'whole', maxLength: 1 << 20 } });
    return reply.body;
  } finally {
    conn.destroy();
  }
}

async function listStorage(port: number): Promise<Map<string, number>> {
  const body = encodeGroupStorageRequest(C.SERVER_LIST_STORAGE, {
    groupName: 'group1',
    storageId: undefined,
  });
  const list = decodeStorageStatList(await ask(port, C.SERVER_LIST_STORAGE, body));
  return new Map(list.map((s) => [s.id, s.status]));
}

/** Poll until `check` holds (bounded). */
async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000) {
  const end = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function storage(ip: string, trackerPort: number): { host: FakeHost; reporters: TrackerReporters } {
  const host = new FakeHost({ port: 23000 });
  const reporters = new TrackerReporters({
    config: {
      trackerServers: [{ hosts: [TRACKER_IP], port: trackerPort }],
      clientBind: true,
      bindAddr: [ip],
      heartBeatInterval: 1,
      statReportInterval: 1,
      connectTimeout: 2,
      networkTimeout: 5,
    },
    host,
    timing: { heartBeatMs: 200, statReportMs: 400, fastBeatMs: 50, pollMs: 50, retryMs: 50 },
  });
  return { host, reporters };
}

const statusOf = (host: FakeHost, id: string): number | undefined =>
  host.lastMembers()?.find(([m]) => m === id)?.[1];

test('two storages join a live tracker, become ACTIVE and see each other; a stopped one goes OFFLINE', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-reporter-e2e-'));
  const text = `base_path = ${dir}\nbind_addr = ${TRACKER_IP}\nport = 22122\n`;
  const config = { ...parseTrackerConfig(text, { file: join(dir, 'tracker.conf') }), port: 0 };
  const tracker = new TrackerServer(config);
  const { port } = await tracker.listen();
  const a = storage(A, port);
  const b = storage(B, port);
  try {
    // The first storage of the group: 87 answers empty (nothing to copy), then ACTIVE.
    const startA = await a.reporters.start();
    assert.equal(startA.ownId, A);
    await until('A ACTIVE in its member list', () => statusOf(a.host, A) === S.ACTIVE);
    assert.deepEqual(a.host.sources, [
      { source: { srcId: '', untilTimestamp: 0 }, cause: 'assigned' },
    ]);
    assert.equal((await listStorage(port)).get(A), S.ACTIVE);
    const store = decodeStoreOneReply(
      await ask(port, C.SERVICE_QUERY_STORE_WITHOUT_GROUP_ONE, encodeQueryStoreRequest()),
    );
    assert.deepEqual([store.groupName, store.ip, store.port], ['group1', A, 23000]);
    assert.deepEqual(
      a.host.leaders.map((l) => l?.port),
      [port],
    );

    // The second one: A holds the group's data, so 87 names A as its source (WAIT_SYNC).
    await b.reporters.start();
    await until('B has a sync source', () => b.host.sources.length === 1);
    assert.equal(b.host.sources[0]!.source.srcId, A);
    assert.equal(b.host.sources[0]!.cause, 'assigned');
    await until('A sees B waiting', () => statusOf(a.host, B) === S.WAIT_SYNC);

    // What replication will do as the source: SYNCING, then OFFLINE once the old files are copied.
    const brief = { status: S.SYNCING, port: 0, id: B, ipAddr: B };
    assert.equal(await a.reporters.reportStatus(brief), 1);
    assert.equal(await a.reporters.reportStatus({ ...brief, status: S.OFFLINE }), 1);
    await until('both see both ACTIVE', () =>
      [a.host, b.host].every((h) => statusOf(h, A) === S.ACTIVE && statusOf(h, B) === S.ACTIVE),
    );
    assert.deepEqual([...(await listStorage(port))].sort(), [
      [A, S.ACTIVE],
      [B, S.ACTIVE],
    ]);

    // Stopping B's reporters closes its connection: the tracker marks it OFFLINE (§9.3).
    await b.reporters.stop();
    await until(
      'B OFFLINE at the tracker',
      async () => (await listStorage(port)).get(B) === S.OFFLINE,
    );
    await until('A sees B OFFLINE', () => statusOf(a.host, B) === S.OFFLINE);
    assert.equal((await listStorage(port)).get(A), S.ACTIVE);
  } finally {
    await Promise.all([a.reporters.stop(), b.reporters.stop()]);
    await tracker.close();
    await rm(dir, { recursive: true, force: true });
  }
});
