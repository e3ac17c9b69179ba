// Issue 5 push replication (§8.6) with real processes: a tracker and two storages of one group.
// Files uploaded to A (0 bytes to 1 MiB, some with metadata) reach B byte-identical with the
// same metadata; deletes, appends, modifies, truncates, a link and a rename on A reach B too. Then catch-up: B is
// SIGKILLed, a backlog of 10,000 small files goes to A, B restarts and receives all of them
// (issue 5 test 6; the catch-up rate is printed, the bench measures it properly).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageClient } from '#src/client/index.js';
import type { MetadataEntry } from '#src/protocol/metadata.js';
import { Cluster } from './support/cluster.js';
import type { StorageNode } from './support/cluster-storage.js';
import type { TrackerNode } from './support/cluster-tracker.js';
import { prng, testSeed } from './support/prng.js';
import { addressOf as addr, startStoragePair } from './support/recovery-support.js';
import { allOn, contentOn, opsReachPeer, until } from './support/replication-checks.js';

const FILES = 300;
const BACKLOG = 10_000;
const T = { timeout: 240_000 };

let cluster: Cluster;
let tracker: TrackerNode;
let a: StorageNode;
let b: StorageNode;
const client = new StorageClient({ connectTimeoutMs: 2000, networkTimeoutMs: 20_000 });

before(async () => {
  cluster = new Cluster('replication');
  tracker = await cluster.startTracker();
  ({ a, b } = await startStoragePair(cluster, tracker));
});

after(async () => {
  await client.close();
  await cluster?.destroy();
});

/** Where file `id` (`group/Mpp/XX/YY/name`, one store path) lies on `node`'s disk. */
function onDisk(node: StorageNode, id: string): string {
  const [, , xx, yy, name] = id.split('/');
  return join(node.storePaths[0]!, 'data', xx!, yy!, name!);
}

test(
  'uploads, metadata, deletes, appends, modifies, truncates, links and renames on A reach B',
  T,
  async () => {
    await cluster.withLogs(async () => {
      const rnd = prng(testSeed());
      const src = addr(a);
      const expected = new Map<string, Buffer>();
      const metadata = new Map<string, MetadataEntry[]>();
      for (let i = 0; i < FILES; i++) {
        const size =
          i % 25 === 0 ? 0 : i % 50 === 1 ? rnd.int(100_000, 1 << 20) : rnd.int(1, 16_384);
        const content = rnd.bytes(size);
        const id = await client.upload(src, { content, ext: i % 3 === 0 ? 'jpg' : 'bin' });
        expected.set(id, content);
        if (i % 6 === 0) {
          const md = [
            { name: 'i', value: String(i) },
            { name: 'seed', value: String(rnd.seed) },
          ];
          await client.setMetadata(src, id, md, 'O');
          metadata.set(id, md);
        }
      }
      await allOn(client, b, expected);
      for (const [id, md] of metadata) {
        await until(`metadata of ${id} on B`, async () => {
          const got = await client.getMetadata(addr(b), id).catch(() => undefined);
          return JSON.stringify(got) === JSON.stringify(md);
        });
      }

      // Deletes, then append, modify, truncate, link and rename, each awaited on B.
      const ids = [...expected.keys()];
      const deletable = ids.slice(0, 20);
      const linkMaster = ids.slice(deletable.length).find((id) => expected.get(id)!.length > 0)!;
      await opsReachPeer(client, a, b, rnd, { deletable, linkMaster });
    });
  },
);

test(
  'catch-up: a SIGKILLed peer receives a backlog of 10,000 files after its restart',
  T,
  async () => {
    // Issue 5 test 6. Every file is checked on B's disk, byte for byte (a download per file would
    // take longer than the catch-up); a sample is also downloaded from B.
    await cluster.withLogs(async () => {
      const rnd = prng(testSeed() + 1);
      await b.kill();
      const expected = new Map<string, Buffer>();
      const src = addr(a);
      const queue = Array.from({ length: BACKLOG }, (_, i) => i);
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
            const content = rnd.bytes(i % 1000);
            expected.set(await client.upload(src, { content, ext: 'txt' }), content);
          }
        }),
      );
      const restarted = Date.now();
      await b.start();
      const pending = new Map(expected);
      await until(
        `${BACKLOG} files on B`,
        async () => {
          for (const [id, content] of [...pending]) {
            const got = await readFile(onDisk(b, id)).catch(() => undefined);
            if (got === undefined) return false;
            assert.ok(got.equals(content), `${id}: content differs on B`);
            pending.delete(id);
          }
          return true;
        },
        120_000,
      );
      const ms = Date.now() - restarted;
      console.log(
        `# catch-up: ${BACKLOG} small files on B ${ms} ms after its restart = ` +
          `${Math.round((BACKLOG * 1000) / ms)} files/s (process start and join included)`,
      );
      const sample = [...expected].filter((_, i) => i % 100 === 0);
      for (const [id, content] of sample)
        assert.deepEqual(await contentOn(client, b, id), content, id);
    });
  },
);
