// Issue 5 test 4, the harder half (§8.8, §16 #2, #3, #16), with real processes. B's own uploads
// are on A as replicas (lower-case records, as push sync leaves them), A's binlog also holds C's
// malformed link line, and B is SIGKILLed in the middle of its recovery:
// - A's cmd-26 stream skips the malformed line (logged) instead of aborting (C sends nothing);
// - the killed recovery leaves C's state files (flag 1 / 2 threads, per-thread marks);
// - the restarted B resumes from them without fetching the binlog again, recovers every file it
//   had uploaded itself and every file of A, under the old ids, and returns to ACTIVE.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { StorageClient } from '#src/client/index.js';
import { parseFileId } from '#src/protocol/file-id/index.js';
import type { MetadataEntry } from '#src/protocol/metadata.js';
import { StorageStatus } from '#src/protocol/status.js';
import { Cluster } from './support/cluster.js';
import { waitActive, type StorageNode } from './support/cluster-storage.js';
import type { TrackerNode } from './support/cluster-tracker.js';
import { prng, testSeed, type Prng } from './support/prng.js';
import { addressOf as addr, logRecords, startStoragePair } from './support/recovery-support.js';
import { copyAsReplica, recoveryState } from './support/recovery-replica.js';

const ON_A = 200;
const ON_B = 1500;
const THREADS = 2;
const T = { timeout: 240_000 };

interface Expected {
  id: string;
  content: Buffer;
  metadata?: MetadataEntry[];
}

let cluster: Cluster;
let tracker: TrackerNode;
let a: StorageNode;
let b: StorageNode;
const client = new StorageClient({ connectTimeoutMs: 2000, networkTimeoutMs: 20_000 });

before(async () => {
  cluster = new Cluster('recovery-resume');
  tracker = await cluster.startTracker();
  const config = { disk_recovery_threads: THREADS };
  ({ a, b } = await startStoragePair(cluster, tracker, config));
});

after(async () => {
  await client.close();
  await cluster?.destroy();
});

/** `count` files (every 8th empty, every 5th with metadata) uploaded to `node`, 8 at a time. */
async function uploadSet(node: StorageNode, count: number, rnd: Prng): Promise<Expected[]> {
  const out: Expected[] = [];
  const plan = Array.from({ length: count }, (_, i) => ({
    i,
    content: rnd.bytes(i % 8 === 0 ? 0 : rnd.int(1, 4096)),
  }));
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let p = plan[next++]; p; p = plan[next++]) {
      const id = await client.upload(addr(node), { content: p.content, ext: 'bin' });
      const e: Expected = { id, content: p.content };
      if (p.i % 5 === 0) {
        e.metadata = [{ name: 'n', value: `${node.name}-${p.i}` }];
        await client.setMetadata(addr(node), id, e.metadata, 'O');
      }
      out.push(e);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return out;
}

async function dataFileCount(node: StorageNode): Promise<number> {
  const names = (await readdir(node.dataDir(0), { recursive: true })).map(String);
  return names.filter((n) => /^[0-9A-F]{2}\/[0-9A-F]{2}\/[^.][^/]*$/.test(n)).length;
}

test(
  'a storage SIGKILLed mid-recovery resumes from its flag and marks and recovers its own files',
  T,
  async () => {
    await cluster.withLogs(async () => {
      const rnd = prng(testSeed());
      const onA = await uploadSet(a, ON_A, rnd);
      const onB = await uploadSet(b, ON_B, rnd);
      const part1 = rnd.bytes(2000);
      const part2 = rnd.bytes(3000);
      const appender = await client.upload(addr(b), { content: part1, appender: true, ext: 'log' });
      await client.append(addr(b), appender, { content: part2 });
      onB.push({ id: appender, content: Buffer.concat([part1, part2]) });

      // Push sync copies B's files to A; wait for it, so A's binlog is complete before the copy.
      const deadline0 = Date.now() + 60_000;
      for (const e of onB) {
        while (
          !(await client.downloadToBuffer(addr(a), e.id).then(
            (g) => g.equals(e.content),
            () => false,
          ))
        ) {
          assert.ok(Date.now() < deadline0, `${e.id} never reached A by push sync`);
          await sleep(20);
        }
      }
      // A as B's replica; plus the line C writes for a slave link (§16 #2).
      await a.stop();
      const target = parseFileId(onA[1]!.id).logicName;
      const replicated = await copyAsReplica(
        b,
        a,
        `${Math.floor(Date.now() / 1000)} L  ${target}\n`,
      );
      assert.ok(replicated >= onB.length, `${replicated} records of B appended to A's binlog`);
      await a.start();
      await waitActive(tracker, [a, b]);

      await b.kill();
      await rm(b.dataDir(0), { recursive: true, force: true });
      await b.start();
      const deadline = Date.now() + 120_000;
      for (;;) {
        const s = await recoveryState(b);
        if (s.flag?.fetchBinlogDone && s.marks.some((m) => m > 0)) break;
        assert.ok(Date.now() < deadline, 'B never got half-way through a recovery');
        await sleep(5);
      }
      await b.kill();
      const killed = await recoveryState(b);
      assert.ok(killed.flag, 'the flag outlives the crash');
      assert.equal(killed.flag.fetchBinlogDone, true);
      assert.equal(killed.flag.recoveryThreads, THREADS);
      const before = await dataFileCount(b);
      const expected = [...onA, ...onB];
      assert.ok(before < expected.length, `killed before the end (${before} files there)`);

      const restarted = Date.now();
      await b.start();
      await waitActive(tracker, [a, b], 180_000);
      const activeMs = Date.now() - restarted;

      for (const e of expected) {
        const got = await client.downloadToBuffer(addr(b), e.id);
        assert.ok(got.equals(e.content), `${e.id}: content differs on the recovered storage`);
        if (e.metadata) {
          assert.deepEqual(
            await client.getMetadata(addr(b), e.id),
            e.metadata,
            `${e.id}: metadata`,
          );
        }
      }
      const after = await recoveryState(b);
      assert.deepEqual(after, { flag: undefined, marks: [] }, 'the recovery files are removed');

      assert.equal(logRecords(b, 'disk recovery: binlog fetched').length, 1, 'fetched once');
      const reported = logRecords(b, 'disk recovery: status reported').map((r) => r['status']);
      assert.deepEqual(reported.slice(0, 2), [StorageStatus.RECOVERY, StorageStatus.RECOVERY]);
      assert.equal(reported.length, 3, `statuses reported: ${JSON.stringify(reported)}`);
      const done = logRecords(b, 'disk recovery: store path recovered');
      assert.equal(done.length, 1);
      const resumedFiles = done[0]!['files'] as number;
      const total = await dataFileCount(b);
      assert.ok(resumedFiles < total, `the second run resumed: ${resumedFiles} of ${total} files`);
      const skippedOnA = logRecords(a, 'cmd 26: malformed binlog line skipped');
      const fetchFailures = logRecords(b, 'disk recovery: FETCH_ONE_PATH_BINLOG failed');
      assert.equal(
        skippedOnA.length,
        1,
        `A's cmd 26 skipped C's malformed link line once (B's failed fetches: ${JSON.stringify(fetchFailures)})`,
      );
      const ms = done[0]!['ms'] as number;
      console.log(
        `# resumed disk recovery: ${before} files before the SIGKILL, ${resumedFiles} after it in ` +
          `${ms} ms = ${Math.round((resumedFiles * 1000) / Math.max(1, ms))} files/s ` +
          `(${THREADS} threads); ACTIVE ${activeMs} ms after the restart`,
      );
    });
  },
);
