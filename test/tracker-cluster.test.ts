// Issue 7, tests 1–4 (test 5 below) on real processes: three trackers on their own 127.0.0.x, two storages (one
// per group, so no replication is involved) reporting to all three. One leader emerges and all
// agree (1); SIGKILL of the leader during an upload/download loop: a new agreed leader, every
// operation completes, retries allowed (2); the old leader restarted rejoins as a follower and the
// leader stays (3); SIGSTOP of the leader until a new one is agreed, SIGCONT: it steps down within
// 5 s, GET_STATUS polled on every tracker throughout (4). Timeouts are generous (they prove it
// happens; `npm run bench -- failover` measures how fast).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageStatus } from '#src/protocol/status.js';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  downloadFileToBuffer,
  StorageClient,
  TrackerClient,
  uploadFile,
  type FdfsClients,
} from '#src/client/index.js';
import { Cluster } from './support/cluster.js';
import { waitActive, waitListed, type StorageNode } from './support/cluster-storage.js';
import type { TrackerNode } from './support/cluster-tracker.js';
import { byAddress, views, waitAgreedLeader } from './support/tracker-cluster.js';

describe('tracker cluster: one elected leader', { timeout: 240_000 }, () => {
  const cluster = new Cluster('tracker-cluster');
  let trackers: TrackerNode[] = [];
  let storages: StorageNode[] = [];

  before(async () => {
    trackers = await Promise.all([1, 2, 3].map(() => cluster.startTracker()));
    const list = trackers.map((t) => ({ host: t.host, port: t.port }));
    storages = [
      await cluster.startStorage({ group: 'group1', trackers: list }),
      await cluster.startStorage({ group: 'group2', trackers: list }),
    ];
    for (const t of trackers) {
      await waitActive(t, [storages[0]!]);
      await waitActive(t, [storages[1]!]);
    }
  });

  after(() => cluster.destroy());

  let killed: TrackerNode | undefined;

  test('1: one leader emerges and all three trackers agree on it', async () => {
    await cluster.withLogs(async () => {
      const leader = await waitAgreedLeader(trackers);
      assert.ok(trackers.some((t) => t.address === leader));
    });
  });

  test('2: SIGKILL the leader during an upload/download loop: a new leader, every op done', async () => {
    await cluster.withLogs(async () => {
      const old = byAddress(trackers, await waitAgreedLeader(trackers));
      const clients: FdfsClients = {
        tracker: new TrackerClient({
          trackers: trackers.map((t) => ({ host: t.host, port: t.port })),
          connectTimeoutMs: 1000,
          networkTimeoutMs: 5000,
        }),
        storage: new StorageClient({ connectTimeoutMs: 1000, networkTimeoutMs: 5000 }),
      };
      let done = 0;
      let retries = 0;
      let stop = false;
      const loop = (async () => {
        while (!stop || done < 20) {
          const content = randomBytes(1024 + (done % 7) * 100);
          for (let attempt = 0; ; attempt++) {
            try {
              const id = await uploadFile(clients, { content, ext: 'bin' });
              assert.deepEqual(await downloadFileToBuffer(clients, id), content);
              break;
            } catch (err) {
              if (attempt >= 20) throw err;
              retries++;
              await sleep(200);
            }
          }
          done++;
        }
      })();
      try {
        await sleep(500);
        await old.kill();
        killed = old;
        const rest = trackers.filter((t) => t !== old);
        const leader = await waitAgreedLeader(rest);
        assert.notEqual(leader, old.address);
        stop = true;
        await loop;
      } finally {
        stop = true;
        await loop.catch(() => undefined);
        await clients.tracker.close();
        await clients.storage.close();
      }
      assert.ok(done >= 20, `${done} operations`);
      assert.ok(retries < done, `${retries} retries for ${done} operations`);
    });
  });

  test('3: the old leader restarted rejoins as a follower; the leader does not change', async () => {
    await cluster.withLogs(async () => {
      const down = killed;
      assert.ok(down, 'test 2 left a tracker down');
      const leader = await waitAgreedLeader(trackers.filter((t) => t !== down));
      await down.start();
      await waitActive(down, [storages[0]!]);
      assert.equal(await waitAgreedLeader(trackers), leader);
      // And it stays so for a few ticks.
      await sleep(3000);
      assert.equal(await waitAgreedLeader(trackers, 5000), leader);
    });
  });

  test('4: SIGSTOP the leader until another is agreed; after SIGCONT it steps down within 5 s', async () => {
    await cluster.withLogs(async () => {
      const old = byAddress(trackers, await waitAgreedLeader(trackers));
      const rest = trackers.filter((t) => t !== old);
      old.pause();
      let resumedAt = 0;
      try {
        const leader = await waitAgreedLeader(rest);
        assert.notEqual(leader, old.address);
        old.resume();
        resumedAt = Date.now();
        let steppedDownMs = -1;
        while (Date.now() - resumedAt < 15_000) {
          const all = await views(trackers);
          const oldView = all.find((v) => v.tracker === old.address)!;
          if (oldView.ifLeader === false) {
            steppedDownMs = Date.now() - resumedAt;
            break;
          }
          await sleep(50);
        }
        assert.ok(steppedDownMs >= 0, 'the old leader never stepped down');
        assert.ok(steppedDownMs <= 5000, `stepped down after ${steppedDownMs} ms`);
        await waitAgreedLeader(trackers);
      } finally {
        if (resumedAt === 0) old.resume();
      }
    });
  });
});

// Issue 7, test 5: a fresh tracker added to the storages' configuration copies the state from the
// best-ranked peer at the first join (61/63/62, §9.1 step 1), then routes from the next beats.
describe('tracker cluster: a fresh tracker copies the system files', { timeout: 180_000 }, () => {
  const cluster = new Cluster('tracker-copy');
  after(() => cluster.destroy());

  test('5: a fresh tracker copies the state and routes from the storages’ next beat', async () => {
    await cluster.withLogs(async () => {
      const first = await cluster.startTracker();
      const list = [{ host: first.host, port: first.port }];
      const s1 = await cluster.startStorage({ group: 'group1', trackers: list });
      const s2 = await cluster.startStorage({ group: 'group2', trackers: list });
      await waitActive(first, [s1]);
      await waitActive(first, [s2]);
      const oldClients = clientsOf([first]);
      const content = randomBytes(5000);
      const id = await uploadFile(oldClients, { content, ext: 'bin', groupName: 'group2' }).finally(
        () => closeClients(oldClients),
      );

      const fresh = await cluster.startTracker();
      assert.equal(existsSync(join(fresh.dataDir, 'storage_groups_new.dat')), false, 'empty');
      // Only s1 reports to the fresh tracker: it knows group2 and s2 from the copy alone.
      s1.addTracker({ host: fresh.host, port: fresh.port });
      await s1.restart();
      const copied = await waitListed(fresh, [s2], ['listed']);
      assert.equal(copied[0]!.status, StorageStatus.OFFLINE, 's2 never joined it');
      assert.match(await readFile(join(fresh.dataDir, '.tracker_status'), 'utf8'), /^up_time=/);

      s2.addTracker({ host: fresh.host, port: fresh.port });
      await s2.restart();
      await waitActive(fresh, [s1]);
      await waitActive(fresh, [s2]);
      // A client that knows only the fresh tracker finds the old file and stores new ones.
      const clients = clientsOf([fresh]);
      try {
        assert.deepEqual(await downloadFileToBuffer(clients, id), content);
        const more = randomBytes(3000);
        const id2 = await uploadFile(clients, { content: more, ext: 'bin', groupName: 'group1' });
        assert.deepEqual(await downloadFileToBuffer(clients, id2), more);
      } finally {
        await closeClients(clients);
      }
      assert.equal(await waitAgreedLeader([first, fresh]), first.address, 'it follows');
    });
  });
});

function clientsOf(trackers: readonly TrackerNode[]): FdfsClients {
  return {
    tracker: new TrackerClient({
      trackers: trackers.map((t) => ({ host: t.host, port: t.port })),
      connectTimeoutMs: 1000,
      networkTimeoutMs: 5000,
    }),
    storage: new StorageClient({ connectTimeoutMs: 1000, networkTimeoutMs: 5000 }),
  };
}

async function closeClients(c: FdfsClients): Promise<void> {
  await c.tracker.close();
  await c.storage.close();
}
