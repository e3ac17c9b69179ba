// Issue 7, tests 1–4 on real processes: three trackers on their own 127.0.0.x, two storages (one
// per group, so no replication is involved) reporting to all three. One leader emerges and all
// agree (1); SIGKILL of the leader during an upload/download loop: a new agreed leader, every
// operation completes, retries allowed (2); the old leader restarted rejoins as a follower and the
// leader stays (3); SIGSTOP of the leader until a new one is agreed, SIGCONT: it steps down within
// 5 s, GET_STATUS polled on every tracker throughout (4). Timeouts are generous (they prove it
// happens; `npm run bench -- failover` measures how fast).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  downloadFileToBuffer,
  StorageClient,
  TrackerClient,
  uploadFile,
  type FdfsClients,
} from '#src/client/index.js';
import { Cluster } from './support/cluster.js';
import { waitActive, type StorageNode } from './support/cluster-storage.js';
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
