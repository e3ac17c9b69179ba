// Issue 5 (§8.4, §8.6) with real processes: when the tracker deletes a storage (DELETE_STORAGE,
// 93), its peer stops the sync task toward it and removes the mark file, so that a storage
// coming back under that address is sent everything again; the peer goes on serving uploads.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { StorageClient } from '#src/client/index.js';
import { FastDfsClient } from '#src/index.js';
import { StorageStatus } from '#src/protocol/status.js';
import { Cluster } from './support/cluster.js';
import { groupMembers, waitListed, type StorageNode } from './support/cluster-storage.js';
import type { TrackerNode } from './support/cluster-tracker.js';
import { addressOf as addr, logRecords, startStoragePair } from './support/recovery-support.js';
import { contentOn, until } from './support/replication-checks.js';

const T = { timeout: 180_000 };

let cluster: Cluster;
let tracker: TrackerNode;
let a: StorageNode;
let b: StorageNode;
const client = new StorageClient({ connectTimeoutMs: 2000, networkTimeoutMs: 20_000 });
let admin: FastDfsClient;

before(async () => {
  cluster = new Cluster('replication-delete');
  tracker = await cluster.startTracker();
  ({ a, b } = await startStoragePair(cluster, tracker));
  admin = new FastDfsClient({
    trackers: [`${tracker.host}:${tracker.port}`],
    connectTimeoutMs: 2000,
    networkTimeoutMs: 10_000,
  });
});

after(async () => {
  await admin?.close();
  await client.close();
  await cluster?.destroy();
});

test(
  'DELETE_STORAGE (93): the peer stops its task toward the deleted storage and removes its mark',
  T,
  async () => {
    await cluster.withLogs(async () => {
      const content = Buffer.from('replicated before the delete');
      const id = await client.upload(addr(a), { content });
      await until(
        'the file on B',
        async () => (await contentOn(client, b, id))?.equals(content) ?? false,
      );
      // Without storage ids A's mark for B is <B's ip>_<A's port>.mark (§8.4); an idle task writes it.
      const mark = join(a.basePath, 'data', 'sync', `${b.host}_${a.port}.mark`);
      await until('A has a mark for B', async () => existsSync(mark));

      await b.kill();
      await waitListed(tracker, [b], [StorageStatus.OFFLINE], 60_000);
      const bId = (await groupMembers(tracker, b.group)).find(
        (m) => m.ipAddr === b.host && m.storagePort === b.port,
      )!.id;
      await admin.deleteStorage(b.group, bId);

      await until('A removes its mark for B', async () => !existsSync(mark));
      const stopped = logRecords(a, 'sync task stopped');
      assert.ok(
        stopped.some((r) => r['removeMark'] === true),
        `A logs the task toward B stopped with its mark removed: ${JSON.stringify(stopped)}`,
      );
      // A goes on working, and sends nothing toward the deleted storage.
      const after = Buffer.from('uploaded after the delete');
      const id2 = await client.upload(addr(a), { content: after });
      assert.deepEqual(await contentOn(client, a, id2), after);
      assert.equal(existsSync(mark), false);
    });
  },
);
