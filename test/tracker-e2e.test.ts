// The tracker as a real process (test/support/cluster.ts): scripted fake storages join, beat and
// report disk usage, then client queries 101–107 return the expected servers; a SIGTERM and a
// restart on the same base path keep the state, and routing works again after the storages' next
// beat; a SIGKILL in the middle of a burst of joins and beats leaves state files the restarted
// tracker loads.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { FramedConnection } from '#src/common/connection.js';
import { isFdfsError } from '#src/common/errors.js';
import { TrackerStore } from '#src/tracker/persist/store.js';
import { Cluster } from './support/cluster.js';
import type { TrackerNode } from './support/cluster-tracker.js';
import { FakeStorage } from './support/fake-storage.js';
import { prng, testSeed } from './support/prng.js';
import {
  connectTracker,
  fileNameFrom,
  hostPort,
  listStorages,
  queryFetch,
  queryFetchAll,
  queryStore,
  queryStoreAll,
  queryUpdate,
} from './support/tracker-queries.js';

const STORAGE_PORT = 23000;
const now = (): number => Math.floor(Date.now() / 1000);

function storage(cluster: Cluster, tracker: TrackerNode, groupName: string): FakeStorage {
  return new FakeStorage({
    tracker: { host: tracker.host, port: tracker.port },
    ip: cluster.allocateHost(),
    groupName,
    port: STORAGE_PORT,
  });
}

/** Run a query on a fresh connection (an error answer closes the connection, as in C). */
async function withClient<T>(
  tracker: TrackerNode,
  fn: (conn: FramedConnection) => Promise<T>,
): Promise<T> {
  const conn = await connectTracker(tracker.host, tracker.port);
  try {
    return await fn(conn);
  } finally {
    conn.destroy();
  }
}

async function rejectsWithErrno(promise: Promise<unknown>, errno: number): Promise<void> {
  await assert.rejects(promise, (err: unknown) => isFdfsError(err) && err.errno === errno);
}

describe('a tracker process with fake storages', { timeout: 120_000 }, () => {
  const cluster = new Cluster('tracker-e2e');
  let tracker: TrackerNode;
  let a: FakeStorage;
  let b: FakeStorage;
  let c: FakeStorage;
  /** A file uploaded to A just now (only A has it) and one three days old (every storage has it). */
  let fresh: string;
  let old: string;

  before(async () => {
    await cluster.withLogs(async () => {
      tracker = await cluster.startTracker();
      a = storage(cluster, tracker, 'group1');
      b = storage(cluster, tracker, 'group1');
      c = storage(cluster, tracker, 'group2');
      await a.startAsFirstOfGroup();
      await b.rejoin();
      await c.startAsFirstOfGroup();
      fresh = fileNameFrom(a.ip, now());
      old = fileNameFrom(a.ip, now() - 3 * 86400);
    });
  });

  after(async () => {
    for (const s of [a, b, c]) s?.close();
    await cluster.destroy();
  });

  const members = (): string[] => [a, b].map((s) => `${s.ip}:${STORAGE_PORT}`).sort();

  test('the storages are ACTIVE in LIST_STORAGE', async () => {
    await cluster.withLogs(async () => {
      const listed = await withClient(tracker, (conn) => listStorages(conn, 'group1'));
      assert.deepEqual(
        listed.map((s) => [s.id, s.status]),
        [a, b].map((s) => [s.ip, 7]).sort(),
      );
    });
  });

  test('QUERY_STORE with a group (104 / 107) answers that group’s storages', async () => {
    await cluster.withLogs(async () => {
      const seen = new Set<string>();
      await withClient(tracker, async (conn) => {
        for (let i = 0; i < 4; i++) {
          const one = await queryStore(conn, 'group1');
          assert.equal(one.groupName, 'group1');
          assert.equal(one.storePathIndex, 0);
          seen.add(hostPort(one));
        }
        assert.deepEqual([...seen].sort(), members(), 'store_server = 0: round robin');
        const all = await queryStoreAll(conn, 'group1');
        assert.deepEqual(all.servers.map(hostPort), members(), 'sorted by id');
        const other = await queryStore(conn, 'group2');
        assert.equal(hostPort(other), `${c.ip}:${STORAGE_PORT}`);
      });
      await withClient(tracker, (conn) => rejectsWithErrno(queryStore(conn, 'nosuch'), 2));
    });
  });

  test('QUERY_STORE without a group (101 / 106) goes round the groups', async () => {
    await cluster.withLogs(async () => {
      const groups = new Set<string>();
      await withClient(tracker, async (conn) => {
        for (let i = 0; i < 4; i++) {
          const one = await queryStore(conn);
          groups.add(one.groupName);
          const expected = one.groupName === 'group1' ? members() : [`${c.ip}:${STORAGE_PORT}`];
          assert.ok(expected.includes(hostPort(one)), `${hostPort(one)} in ${one.groupName}`);
        }
        const all = await queryStoreAll(conn);
        assert.ok(['group1', 'group2'].includes(all.groupName));
      });
      assert.deepEqual([...groups].sort(), ['group1', 'group2'], 'store_lookup = 0');
    });
  });

  test('QUERY_FETCH / UPDATE / FETCH_ALL (102, 103, 105) follow the "already synced" rule', async () => {
    await cluster.withLogs(async () => {
      await withClient(tracker, async (conn) => {
        const source = `${a.ip}:${STORAGE_PORT}`;
        for (let i = 0; i < 3; i++) {
          assert.equal(hostPort(await queryFetch(conn, 'group1', fresh)), source, 'only A has it');
        }
        assert.equal(hostPort(await queryUpdate(conn, 'group1', fresh)), source);
        assert.deepEqual((await queryFetchAll(conn, 'group1', fresh)).servers.map(hostPort), [
          source,
        ]);
        const seen = new Set<string>();
        for (let i = 0; i < 4; i++) seen.add(hostPort(await queryFetch(conn, 'group1', old)));
        assert.deepEqual([...seen].sort(), members(), 'an old file is on every storage');
        const all = await queryFetchAll(conn, 'group1', old);
        assert.deepEqual(all.servers.map(hostPort).sort(), members());
      });
    });
  });

  test('SIGSTOP freezes it (requests time out); after SIGCONT it answers again', async () => {
    await cluster.withLogs(async () => {
      const conn = await FramedConnection.connect({
        host: tracker.host,
        port: tracker.port,
        connectTimeoutMs: 2000,
        networkTimeoutMs: 500,
      });
      try {
        tracker.pause();
        await assert.rejects(queryStore(conn, 'group1'), { code: 'ERR_NETWORK_TIMEOUT' });
      } finally {
        tracker.resume();
        conn.destroy();
      }
      await withClient(tracker, async (c2) => {
        assert.ok(members().includes(hostPort(await queryStore(c2, 'group1'))));
      });
    });
  });

  test('SIGTERM saves the state; the restarted tracker routes after the next beat', async () => {
    await cluster.withLogs(async () => {
      const exit = await tracker.stop();
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.ok(!existsSync(tracker.pidFile), 'the pid file is removed');
      for (const name of ['storage_groups_new.dat', 'storage_servers_new.dat']) {
        assert.ok(existsSync(`${tracker.dataDir}/${name}`), `${name} saved`);
      }
      await tracker.start();
      // Known from disk before any storage is back.
      const listed = await withClient(tracker, (conn) => listStorages(conn, 'group1'));
      assert.deepEqual(listed.map((s) => s.id).sort(), [a.ip, b.ip].sort());
      // The storages notice the closed connection, reconnect, join and beat (§9.13).
      for (const s of [a, b, c]) await s.rejoin();
      await withClient(tracker, async (conn) => {
        assert.ok(members().includes(hostPort(await queryStore(conn, 'group1'))));
        assert.equal(hostPort(await queryFetch(conn, 'group1', fresh)), `${a.ip}:${STORAGE_PORT}`);
        assert.equal(hostPort(await queryStore(conn, 'group2')), `${c.ip}:${STORAGE_PORT}`);
      });
    });
  });
});

describe('SIGKILL during a burst of joins and beats', { timeout: 180_000 }, () => {
  const cluster = new Cluster('tracker-kill');
  const seed = testSeed();
  const rand = prng(seed);
  const storages: FakeStorage[] = [];

  after(async () => {
    for (const s of storages) s.close();
    await cluster.destroy();
  });

  test(`leaves state that the restarted tracker loads (seed ${seed})`, async () => {
    await cluster.withLogs(async () => {
      const tracker = await cluster.startTracker();
      for (let g = 1; g <= 3; g++) {
        for (let i = 0; i < 2; i++) storages.push(storage(cluster, tracker, `group${g}`));
      }
      const store = new TrackerStore(tracker.dataDir, false);
      for (let round = 1; round <= 3; round++) {
        let stop = false;
        // Each storage reconnects, joins and beats as fast as it can until the tracker dies.
        const burst = storages.map(async (s) => {
          while (!stop) {
            try {
              await s.rejoin();
              for (let i = 0; i < 5 && !stop; i++) await s.beat();
            } catch {
              return;
            }
          }
        });
        await sleep(rand.int(20, 400));
        await tracker.kill();
        stop = true;
        await Promise.all(burst);
        // Whatever the moment, every file is whole: the loader reads it (atomic renames, §9.9).
        const loaded = await store.load().catch((err: unknown) => {
          const files = readdirSync(tracker.dataDir).join(', ');
          throw new Error(`round ${round} (seed ${seed}): state unreadable [${files}]: ${err}`);
        });
        const known = loaded.snapshot?.groups.map((g) => g.name) ?? [];
        await tracker.start();
        for (const s of storages) await s.rejoin();
        await withClient(tracker, async (conn) => {
          for (const name of ['group1', 'group2', 'group3']) {
            const listed = await listStorages(conn, name);
            assert.equal(listed.length, 2, `${name} after round ${round} (seed ${seed})`);
            assert.equal((await queryStore(conn, name)).groupName, name);
          }
        });
        assert.ok(known.length <= 3, `round ${round}: groups on disk ${known.join(', ')}`);
      }
    });
  });
});
