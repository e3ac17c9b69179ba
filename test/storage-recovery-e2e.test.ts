// Issue 5 test 4, disk recovery (§8.8), with real processes: a group of two storages; files of
// every kind (0-byte files, files with metadata, an appender file after appends, a slave and a
// CREATE_LINK link) on the storage that stays whole (A). B's store path is emptied and B
// restarted: it enters RECOVERY, fetches A's path binlog with cmd 26, downloads every file and
// returns to ACTIVE; every file is on B under its old id, byte-identical, with the same metadata
// and mtime, and B's recovery files are gone. The recovery rate is printed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageClient } from '#src/client/index.js';
import { parseFileId } from '#src/protocol/file-id/index.js';
import type { MetadataEntry } from '#src/protocol/metadata.js';
import { StorageStatus } from '#src/protocol/status.js';
import { Cluster } from './support/cluster.js';
import { groupMembers, waitActive, type StorageNode } from './support/cluster-storage.js';
import type { TrackerNode } from './support/cluster-tracker.js';
import { prng, testSeed } from './support/prng.js';
import { addressOf as addr, logRecords, startStoragePair } from './support/recovery-support.js';

const FILES = 600;
const T = { timeout: 180_000 };

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
  cluster = new Cluster('recovery');
  tracker = await cluster.startTracker();
  const config = { disk_recovery_threads: 4 };
  ({ a, b } = await startStoragePair(cluster, tracker, config));
});

after(async () => {
  await client.close();
  await cluster?.destroy();
});

async function uploadAll(): Promise<Expected[]> {
  const rnd = prng(testSeed());
  const out: Expected[] = [];
  const src = addr(a);
  for (let i = 0; i < FILES; i++) {
    const size = i % 10 === 0 ? 0 : i % 97 === 1 ? rnd.int(200_000, 1_500_000) : rnd.int(1, 8192);
    const content = rnd.bytes(size);
    const id = await client.upload(src, { content, ext: i % 3 === 0 ? 'jpg' : 'bin' });
    const e: Expected = { id, content };
    if (i % 7 === 0) {
      const metadata = [
        { name: 'i', value: String(i) },
        { name: 'seed', value: String(rnd.seed) },
      ];
      await client.setMetadata(src, id, metadata, 'O');
      e.metadata = metadata;
    }
    out.push(e);
  }
  // An appender file after two appends, still an appender under its old name.
  const part1 = rnd.bytes(3000);
  const part2 = rnd.bytes(5000);
  const appender = await client.upload(src, { content: part1, appender: true, ext: 'log' });
  await client.append(src, appender, { content: part2 });
  out.push({ id: appender, content: Buffer.concat([part1, part2]) });
  // A slave of the first non-empty file, and a CREATE_LINK link to it.
  const master = out[1]!;
  const slaveContent = rnd.bytes(1234);
  const slave = await client.uploadSlave(src, {
    masterFileId: master.id,
    prefix: '_small',
    ext: 'jpg',
    content: slaveContent,
  });
  out.push({ id: slave, content: slaveContent });
  const link = await client.createLink(src, {
    sourceFileId: master.id,
    signature: Buffer.from('sig'),
  });
  out.push({ id: link, content: master.content });
  return out;
}

async function listData(node: StorageNode): Promise<string[]> {
  return (await readdir(node.dataDir(0), { recursive: true })).map(String);
}

test(
  'an emptied store path is recovered from the peer and the storage returns to ACTIVE',
  T,
  async () => {
    await cluster.withLogs(async () => {
      const expected = await uploadAll();
      await b.kill();
      await rm(b.dataDir(0), { recursive: true, force: true });
      const restarted = Date.now();
      await b.start();
      await waitActive(tracker, [a, b], 120_000);
      const activeMs = Date.now() - restarted;

      const dst = addr(b);
      for (const e of expected) {
        const got = await client.downloadToBuffer(dst, e.id);
        assert.ok(got.equals(e.content), `${e.id}: content differs on the recovered storage`);
        if (e.metadata) {
          assert.deepEqual(await client.getMetadata(dst, e.id), e.metadata, `${e.id}: metadata`);
        }
        const { logicName } = parseFileId(e.id);
        const onA = await stat(join(a.dataDir(0), logicName.slice(4)));
        const onB = await stat(join(b.dataDir(0), logicName.slice(4)));
        assert.equal(
          Math.floor(onB.mtimeMs / 1000),
          Math.floor(onA.mtimeMs / 1000),
          `${e.id}: mtime`,
        );
      }
      const leftovers = (await listData(b)).filter((n) => /recovery/.test(n));
      assert.deepEqual(leftovers, [], 'recovery files are removed when done');

      const reported = logRecords(b, 'disk recovery: status reported').map((r) => r['status']);
      assert.deepEqual(reported, [StorageStatus.RECOVERY, StorageStatus.OFFLINE]);
      const done = logRecords(b, 'disk recovery: store path recovered');
      assert.equal(done.length, 1);
      const files = done[0]!['files'] as number;
      const ms = done[0]!['ms'] as number;
      assert.ok(files >= expected.length, `recovered ${files} files, expected ${expected.length}+`);
      // client_bind is on (the default): the cmd-26 connection came from B's bind_addr (§16 #7).
      const served = logRecords(a, 'cmd 26: sending a path binlog');
      assert.equal(served.at(-1)?.['peer'], b.host);
      const members = await groupMembers(tracker, b.group);
      const me = members.find((m) => m.ipAddr === b.host);
      assert.equal(me?.status, StorageStatus.ACTIVE);
      console.log(
        `# disk recovery: ${files} files (+${done[0]!['links'] as number} links) in ${ms} ms = ` +
          `${Math.round((files * 1000) / Math.max(1, ms))} files/s (4 threads); ACTIVE again ` +
          `${activeMs} ms after the restart`,
      );
    });
  },
);
