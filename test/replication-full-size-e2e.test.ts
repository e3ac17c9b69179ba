// Issue 5 test 1 at full size, with real processes (§8.6): 1,000 files of 0 bytes to 5 MiB
// (most small, a few near 5 MiB, 0 B and exactly 5 MiB among them), uploaded half to A and half
// to B of a two-storage group, a third with metadata. Both storages then hold the same data/XX/YY
// tree: the same names, byte-identical content (sha256 on disk under both store paths) and
// byte-identical `-m` files, and each upload's content is what was sent. Then deletes (of files
// with metadata too), an append, modify, truncate, link and rename on B reach A, and the trees
// are identical again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { StorageClient } from '#src/client/index.js';
import type { MetadataEntry } from '#src/protocol/metadata.js';
import { Cluster } from './support/cluster.js';
import type { StorageNode } from './support/cluster-storage.js';
import { prng, prngContent, testSeed, type Prng } from './support/prng.js';
import { addressOf as addr, startStoragePair } from './support/recovery-support.js';
import { opsReachPeer, until } from './support/replication-checks.js';
import {
  holdAll,
  logicNameOf,
  snapshotStore,
  type StoreSnapshot,
} from './support/store-snapshot.js';

const FILES = 1000;
const MIB = 1 << 20;
const UPLOADERS = 4;
const T = { timeout: 180_000 };

let cluster: Cluster;
let a: StorageNode;
let b: StorageNode;
const client = new StorageClient({ connectTimeoutMs: 2000, networkTimeoutMs: 30_000 });

before(async () => {
  cluster = new Cluster('replication-full');
  const tracker = await cluster.startTracker();
  ({ a, b } = await startStoragePair(cluster, tracker));
});

after(async () => {
  await client.close();
  await cluster?.destroy();
});

/**
 * The size of file `i`: skewed like web files. 0 B and exactly 5 MiB are always there; about 2.5 %
 * are 4.5–5 MiB, 10 % are 64 KiB–1 MiB, the rest ≤ 32 KiB, mostly much less (≈ 190 MB in all).
 */
function sizeOf(i: number, rnd: Prng): number {
  if (i === 0 || i % 97 === 0) return 0;
  if (i === 1) return 5 * MIB;
  if (i % 40 === 2) return rnd.int(Math.floor(4.5 * MIB), 5 * MIB);
  if (i % 10 === 3) return rnd.int(64 * 1024, MIB);
  const r = rnd.next();
  return Math.floor(r * r * r * 32 * 1024) + 1;
}

interface Uploaded {
  size: number;
  sha256: string;
  on: StorageNode;
}

/** Until A's and B's trees are the same, names and sizes; then both, hashed. */
async function sameTrees(what: string): Promise<[StoreSnapshot, StoreSnapshot]> {
  const same = (x: StoreSnapshot, y: StoreSnapshot): boolean => {
    try {
      assert.deepStrictEqual(x, y);
      return true;
    } catch {
      return false;
    }
  };
  await until(what, async () => same(await snapshotStore(a), await snapshotStore(b)), 90_000);
  const trees: [StoreSnapshot, StoreSnapshot] = [
    await snapshotStore(a, { hash: true }),
    await snapshotStore(b, { hash: true }),
  ];
  assert.deepStrictEqual(trees[1], trees[0], `${what}: A and B differ in content`);
  return trees;
}

test(
  '1,000 files of 0 B to 5 MiB with metadata reach both storages byte-identical',
  T,
  async () => {
    await cluster.withLogs(async () => {
      const rnd = prng(testSeed());
      console.log(`# seed ${rnd.seed}`);
      const uploaded = new Map<string, Uploaded>();
      const metadata = new Map<string, MetadataEntry[]>();
      const started = Date.now();
      let bytes = 0;
      let next = 0;
      await Promise.all(
        Array.from({ length: UPLOADERS }, async () => {
          for (let i = next++; i < FILES; i = next++) {
            const on = i % 2 === 0 ? a : b;
            // One generator per file: the same seed gives the same files, whatever the interleaving.
            const fileRnd = prng((rnd.seed + i * 7919) >>> 0 || 1);
            const content = prngContent(fileRnd, sizeOf(i, fileRnd));
            bytes += content.length;
            const id = await client.upload(addr(on), { content, ext: i % 3 === 1 ? 'jpg' : 'bin' });
            const sha256 = createHash('sha256').update(content).digest('hex');
            uploaded.set(id, { size: content.length, sha256, on });
            if (i % 3 === 0) {
              const md = [
                { name: 'i', value: String(i) },
                { name: 'size', value: String(content.length) },
                { name: 'uploader', value: on.name },
              ];
              await client.setMetadata(addr(on), id, md, 'O');
              metadata.set(id, md);
            }
          }
        }),
      );
      const sizes = [...uploaded.values()].map((u) => u.size);
      assert.ok(sizes.includes(0) && sizes.includes(5 * MIB), '0 B and 5 MiB are among the files');
      const uploadMs = Date.now() - started;

      const expected = new Map([...uploaded].map(([id, u]) => [logicNameOf(id), u.size]));
      await until(`${FILES} files on both storages`, () => holdAll([a, b], expected), 90_000);
      const [onA] = await sameTrees('the same tree on A and B');
      console.log(
        `# ${FILES} files, ${(bytes / MIB).toFixed(0)} MiB: uploaded in ${uploadMs} ms, ` +
          `on both ${Date.now() - started} ms after the first upload`,
      );
      for (const [id, u] of uploaded) {
        const entry = onA.get(logicNameOf(id));
        assert.ok(entry?.kind === 'file' && entry.sha256 === u.sha256, `${id}: content differs`);
      }
      // A file and its `-m` on each side: 1,000 + the metadata files, nothing else.
      assert.equal(onA.size, FILES + metadata.size);
      for (const [id, md] of metadata) {
        const peer = uploaded.get(id)!.on === a ? b : a;
        assert.deepStrictEqual(await client.getMetadata(addr(peer), id), md, `metadata of ${id}`);
      }

      // Deletes (some with metadata, some uploaded to each side), then the appender operations, a
      // link and a rename, all on B, each awaited on A.
      const ids = [...uploaded.keys()];
      const deletable = ids.filter((id, k) => k % 25 === 0 && uploaded.get(id)!.size > 0);
      assert.ok(deletable.some((id) => metadata.has(id)) && deletable.length >= 30);
      const linkMaster = ids.find((id) => !deletable.includes(id) && uploaded.get(id)!.size > MIB)!;
      const { link, renamed } = await opsReachPeer(client, b, a, rnd, { deletable, linkMaster });

      const [afterA] = await sameTrees('the same tree on A and B after the operations');
      for (const id of deletable) {
        assert.equal(afterA.has(logicNameOf(id)), false, `${id} deleted`);
        assert.equal(afterA.has(`${logicNameOf(id)}-m`), false, `${id}-m deleted`);
      }
      assert.deepStrictEqual(afterA.get(logicNameOf(link)), {
        kind: 'link',
        target: logicNameOf(linkMaster),
      });
      assert.equal(afterA.get(logicNameOf(renamed))?.kind, 'file');
    });
  },
);
