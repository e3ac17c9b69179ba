// Issue 5 test 2, with real processes: a storage is SIGKILLed while six uploaders run (0 B to
// 5 MiB, a tenth multi-MiB), at a moment when a file is mid-transfer into its temporary folder
// (it is SIGSTOPped to see that, then SIGKILLed), and restarted. Case 1 kills A, which receives
// uploads (uploads go to A and B); case 2 kills B while it only receives push sync from A
// (uploads go to A alone).
//
// What must hold afterwards:
// - every upload that returned a file ID is on both storages, byte-identical (sha256 on disk);
// - uploads to the storage that stayed up never failed;
// - the partial files the kill left in the temporary folder are gone once the restarted process
//   answers, and at the end no temporary file is left anywhere (§8.1);
// - a file in data/XX/YY that no upload returned (its reply was lost in the kill) may exist, on
//   one storage or both, only if complete and correct: its size and CRC32 are those its name
//   carries (§7.2). Such a file was renamed into place before the kill; if its binlog line was
//   written too it reaches the peer like any other, if not it stays where it is (as in C).
// A third case: a binlog line torn by a kill inside write(2) must not swallow the next record.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { appendFile, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StorageClient } from '#src/client/index.js';
import { Cluster } from './support/cluster.js';
import type { StorageNode } from './support/cluster-storage.js';
import { binlogFileName } from '#src/storage/binlog/record.js';
import { prng, prngContent, testSeed } from './support/prng.js';
import { addressOf, startStoragePair } from './support/recovery-support.js';
import { contentOn, until } from './support/replication-checks.js';
import {
  binlogUploads,
  holdAll,
  logicNameOf,
  nameMismatch,
  snapshotStore,
  tempLeftovers,
} from './support/store-snapshot.js';
import { UploadLoad, type AckedUpload } from './support/upload-load.js';

const T = { timeout: 120_000 };
/** A temporary file at least this big counts as an upload (or sync create) mid-transfer. */
const PARTIAL_BYTES = 256 * 1024;

let cluster: Cluster;
let a: StorageNode;
let b: StorageNode;
const client = new StorageClient({ connectTimeoutMs: 2000, networkTimeoutMs: 20_000 });
/** Every acknowledged upload of both cases. */
const acked = new Map<string, AckedUpload>();

before(async () => {
  cluster = new Cluster('replication-crash');
  const tracker = await cluster.startTracker();
  ({ a, b } = await startStoragePair(cluster, tracker));
});

after(async () => {
  await client.close();
  await cluster?.destroy();
});

/** Poll `node`'s temporary folder until a file there has ≥ PARTIAL_BYTES; returns its path. */
async function partialTempFile(node: StorageNode, ms = 30_000): Promise<string> {
  const dir = node.tempDir();
  const end = Date.now() + ms;
  while (Date.now() < end) {
    for (const name of await readdir(dir).catch(() => [])) {
      const size = await stat(join(dir, name)).then(
        (s) => s.size,
        () => 0,
      );
      if (size >= PARTIAL_BYTES) return join(dir, name);
    }
    await sleep(2);
  }
  throw new Error(`no file of ${PARTIAL_BYTES} bytes or more showed in ${dir}`);
}

/**
 * Run the load on `targets`, SIGKILL `victim` while a file streams into its temporary folder,
 * restart it after a second, and go on for a while with it back.
 */
async function killDuringUploads(
  victim: StorageNode,
  targets: readonly StorageNode[],
  seed: number,
): Promise<UploadLoad> {
  let live = [...targets];
  const load = new UploadLoad(client, () => live, seed);
  try {
    await load.waitAcked(20);
    // SIGSTOP first, so that what is mid-transfer stays so while we look; then SIGKILL.
    let left: string[] = [];
    for (let attempt = 1; left.length === 0; attempt++) {
      if (attempt > 20) throw new Error(`never caught ${victim.name} mid-transfer`);
      await partialTempFile(victim);
      victim.pause();
      left = await tempLeftovers(victim);
      if (left.length === 0) victim.resume();
    }
    await victim.kill();
    live = live.filter((n) => n !== victim);
    console.log(`# ${victim.name} killed with ${left.length} temporary file(s) in flight`);
    await sleep(1000);
    await victim.start();
    // Swept before the restarted process answered (new sync creates may already stream in).
    for (const path of left) assert.equal(existsSync(path), false, `${path} left after restart`);
    live = [...targets];
    const back = load.acked.size;
    await until('20 more uploads with the victim back', async () => load.acked.size >= back + 20);
    await sleep(1000);
  } finally {
    await load.stop();
  }
  for (const [id, u] of load.acked) acked.set(id, u);
  console.log(
    `# ${load.acked.size} uploads acknowledged, failures ${JSON.stringify([...load.failures])}`,
  );
  return load;
}

/** Every acknowledged upload on both, byte-identical; nothing half-written anywhere. */
async function checkBothStorages(): Promise<void> {
  const expected = new Map([...acked].map(([id, u]) => [logicNameOf(id), u.size]));
  await until(`${expected.size} uploads on A and B`, () => holdAll([a, b], expected), 90_000);
  const trees = [await snapshotStore(a, { hash: true }), await snapshotStore(b, { hash: true })];
  for (const tree of trees) {
    for (const [name, entry] of tree) {
      const problem = nameMismatch(name, entry);
      assert.equal(problem, undefined, `half-written file: ${problem}`);
    }
  }
  for (const [id, u] of acked) {
    for (const [k, tree] of trees.entries()) {
      const e = tree.get(logicNameOf(id));
      assert.ok(e?.kind === 'file' && e.sha256 === u.sha256, `${id} differs on ${[a, b][k]!.name}`);
    }
  }
  const ackedNames = new Set(expected.keys());
  // Files no upload returned: complete (above); logged on their storage → on both (§8.6).
  const logged = [await binlogUploads(a), await binlogUploads(b)];
  const lost = { onBoth: 0, onOneLogged: 0, onOneUnlogged: 0 };
  const owed: [Map<string, number>, Map<string, number>] = [new Map(), new Map()];
  for (const [k, tree] of trees.entries()) {
    for (const [name, entry] of tree) {
      if (ackedNames.has(name) || name.endsWith('-m') || entry.kind !== 'file') continue;
      if (trees[1 - k]!.has(name)) {
        if (k === 0) lost.onBoth++;
      } else if (logged[k]!.has(name)) {
        lost.onOneLogged++;
        owed[1 - k]!.set(name, entry.size);
      } else lost.onOneUnlogged++;
    }
  }
  console.log(`# complete files whose upload reply was lost: ${JSON.stringify(lost)}`);
  // One still on its way when the trees were taken must arrive.
  await until('logged files on the peer', async () => {
    return (await holdAll([a], owed[0])) && (await holdAll([b], owed[1]));
  });
  // Sync creates of those may still be streaming: a leftover is one that stays.
  await until(
    'no temporary files on A and B',
    async () => (await tempLeftovers(a)).length + (await tempLeftovers(b)).length === 0,
    15_000,
  ).catch(async (err: unknown) => {
    throw new Error(
      `${String(err)}: ${[...(await tempLeftovers(a)), ...(await tempLeftovers(b))].join(', ')}`,
    );
  });
}

test(
  'SIGKILL of a storage receiving uploads: acknowledged uploads on both, nothing torn',
  T,
  async () => {
    await cluster.withLogs(async () => {
      const load = await killDuringUploads(a, [a, b], testSeed());
      assert.equal(load.failuresOn(b), 0, 'no upload to B failed');
      await checkBothStorages();
    });
  },
);

test(
  'SIGKILL of the peer receiving sync: acknowledged uploads on both, nothing torn',
  T,
  async () => {
    await cluster.withLogs(async () => {
      const load = await killDuringUploads(b, [a], testSeed() + 1);
      assert.equal(load.failuresOn(a), 0, 'no upload to A failed while B was down');
      await checkBothStorages();
    });
  },
);

test('a binlog line torn by a SIGKILL does not swallow the next upload', T, async () => {
  await cluster.withLogs(async () => {
    // A kill inside write(2) can leave the end of a batch unwritten (§8.3): the line has no '\n'.
    // Its upload was never acknowledged; the next line must not be glued to it.
    await a.kill();
    const binlog = join(a.basePath, 'data', 'sync', binlogFileName(0));
    await appendFile(binlog, `${Math.floor(Date.now() / 1000)} C M00/00/00/torn-line-of-a-kill`);
    await a.start();
    const content = prngContent(prng(testSeed() + 2), 10_000);
    // Uploads answer EAGAIN until the restarted storage knows its name source from the tracker.
    let id = '';
    await until('an upload to the restarted A', async () => {
      id = await client.upload(addressOf(a), { content, ext: 'bin' }).catch(() => '');
      return id !== '';
    });
    await until(
      `${id} on B`,
      async () => (await contentOn(client, b, id))?.equals(content) === true,
    );
    const text = await readFile(binlog, 'latin1');
    assert.ok(text.endsWith('\n'), 'the binlog ends with a whole line');
    assert.ok(!text.includes('torn-line-of-a-kill'), 'the torn line is cut off');
  });
});
