// Issue 5 test 3, §8.7 with real processes: a group of two storages (A, B) holds files — uploaded
// to each, one deleted on each, an appender appended to — and a third storage C joins. The
// tracker names a source; the source copies everything it held at until_timestamp to C and
// reports C SYNCING, then OFFLINE; C's next beat makes it ACTIVE. Checked: C goes through the
// full-copy statuses; it holds every file byte-identical (and neither deleted one) the moment the
// tracker first lists it ACTIVE; QUERY_FETCH_ONE and QUERY_FETCH_ALL, polled for every file
// throughout, never name C before that; the source's mark for C says need_sync_old=1,
// sync_old_done=1 (§8.4); files uploaded after until reach C by normal sync.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StorageClient } from '#src/client/index.js';
import { isFdfsError } from '#src/common/errors.js';
import { StorageStatus } from '#src/protocol/status.js';
import { Cluster } from './support/cluster.js';
import { groupMembers, waitActive, type StorageNode } from './support/cluster-storage.js';
import type { TrackerNode } from './support/cluster-tracker.js';
import { prng, testSeed } from './support/prng.js';
import { addressOf as addr, logRecords, startStoragePair } from './support/recovery-support.js';
import { connectTracker, queryFetch, queryFetchAll } from './support/tracker-queries.js';

const PER_STORAGE = 30;
const T = { timeout: 180_000 };

let cluster: Cluster;
let tracker: TrackerNode;
let a: StorageNode;
let b: StorageNode;
/** The third storage (test 1). */
let c: StorageNode;
const client = new StorageClient({ connectTimeoutMs: 2000, networkTimeoutMs: 20_000 });
/** Every live file of the group (test 1 fills it, test 2 reuses it). */
const files = new Map<string, Buffer>();

before(async () => {
  cluster = new Cluster('new-member');
  tracker = await cluster.startTracker();
  ({ a, b } = await startStoragePair(cluster, tracker));
});

after(async () => {
  await client.close();
  await cluster?.destroy();
});

async function contentOn(node: StorageNode, id: string): Promise<Buffer | undefined> {
  try {
    return await client.downloadToBuffer(addr(node), id);
  } catch (err) {
    if (isFdfsError(err) && err.code === 'ERR_SERVER_STATUS') return undefined;
    throw err;
  }
}

async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Every file of `expected` on `node` with exactly that content (at once, or within `ms`). */
async function allOn(node: StorageNode, expected: Map<string, Buffer>, ms: number): Promise<void> {
  const pending = new Map(expected);
  await until(
    `${pending.size} files on ${node.name}`,
    async () => {
      for (const [id, content] of [...pending]) {
        const got = await contentOn(node, id);
        if (got === undefined) return false;
        assert.ok(got.equals(content), `${id}: content differs on ${node.name}`);
        pending.delete(id);
      }
      return true;
    },
    ms,
  );
}

/** "group1/M00/..." → ["group1", "M00/..."]. */
function split(id: string): [string, string] {
  const slash = id.indexOf('/');
  return [id.slice(0, slash), id.slice(slash + 1)];
}

test(
  'a third storage becomes ACTIVE only once it holds every file, never routed before',
  T,
  async () => {
    await cluster.withLogs(async () => {
      const rand = prng(testSeed());
      const deleted: string[] = [];
      for (const [k, node] of [a, b].entries()) {
        for (let i = 0; i < PER_STORAGE; i++) {
          const size = i % 10 === 0 ? 0 : rand.int(1, 600_000);
          const content = Buffer.alloc(size, (i * 7 + k * 101) & 0xff);
          const id = await client.upload(addr(node), { content, ext: 'bin' });
          files.set(id, content);
          // One file deleted on each storage (the delete reaches the group, not C's copy).
          if (i === 3) deleted.push(id);
        }
      }
      // An appender on B, appended twice; one file deleted on each storage.
      const appender = await client.upload(addr(b), {
        content: Buffer.from('head-'),
        ext: 'log',
        appender: true,
      });
      await client.append(addr(b), appender, { content: Buffer.from('middle-') });
      await client.append(addr(b), appender, { content: Buffer.from('tail') });
      files.set(appender, Buffer.from('head-middle-tail'));
      for (const [k, id] of deleted.entries()) {
        await client.deleteFile(addr(k === 0 ? a : b), id);
        files.delete(id);
      }
      // The group is settled: A and B each hold everything (the source must have it all).
      await allOn(a, files, 60_000);
      await allOn(b, files, 60_000);

      c = await cluster.startStorage({ trackers: [tracker] });
      const seen: number[] = [];
      let activeAt = -1;
      let polls = 0;
      const routedEarly: string[] = [];
      let stop = false as boolean;
      const ids = [...files.keys()];
      // Poll routing and status together: a query first, then the status, so a C in an answer
      // while the status that follows is not ACTIVE was routed before ACTIVE.
      const deadline = Date.now() + 90_000;
      const poller = (async () => {
        const conn = await connectTracker(tracker.host, tracker.port);
        let n = 0;
        try {
          while (!stop && Date.now() < deadline) {
            const [group, name] = split(ids[n++ % ids.length]!);
            polls = n;
            const one = await queryFetch(conn, group, name);
            const all = await queryFetchAll(conn, group, name);
            const answers = [one, ...all.servers].map((s) => `${s.ip}:${s.port}`);
            const members = await groupMembers(tracker, c.group);
            const me = members.find((m) => m.ipAddr === c.host && m.storagePort === c.port);
            if (me === undefined) continue;
            if (seen[seen.length - 1] !== me.status) seen.push(me.status);
            if (me.status === StorageStatus.ACTIVE) {
              activeAt = Date.now();
              stop = true;
            } else if (answers.includes(`${c.host}:${c.port}`)) {
              routedEarly.push(`${name} while ${me.status}`);
            }
          }
        } finally {
          conn.destroy();
        }
      })();
      await poller;
      assert.ok(activeAt > 0, 'C became ACTIVE');
      console.log(`# C's statuses: ${seen.join(' -> ')}; ${polls} routing polls before ACTIVE`);
      assert.deepEqual(routedEarly, [], 'no download routed to C before ACTIVE');
      // Full-copy statuses before ACTIVE: WAIT_SYNC (87), SYNCING and OFFLINE (76 from the source).
      assert.ok(
        seen.some((s) => s === StorageStatus.WAIT_SYNC || s === StorageStatus.SYNCING),
        `C waited for its full copy (statuses seen: ${seen.join(',')})`,
      );
      assert.equal(seen[seen.length - 1], StorageStatus.ACTIVE);
      // At ACTIVE, C already holds every file, byte-identical, and neither deleted one.
      await allOn(c, files, 0);
      for (const id of deleted) assert.equal(await contentOn(c, id), undefined, `${id} deleted`);

      // The source reported SYNCING then OFFLINE, and its mark for C is a finished full copy.
      const reports = [a, b].flatMap((n) =>
        logRecords(n, 'full copy: peer status reported').map((r) => ({ n, status: r['status'] })),
      );
      const source = reports[0]?.n;
      assert.ok(source, 'a source reported C');
      assert.ok(reports.some((r) => r.status === StorageStatus.OFFLINE && r.n === source));
      assert.ok(
        reports.every((r) => r.n === source),
        'only the source reports',
      );
      const syncDir = join(source.basePath, 'data', 'sync');
      const marks = readdirSync(syncDir)
        .filter((f) => f.endsWith('.mark'))
        .map((f) => readFileSync(join(syncDir, f), 'utf8'));
      assert.ok(
        marks.some((m) => m.includes('need_sync_old=1\n') && m.includes('sync_old_done=1\n')),
        `the source's mark for C: ${marks.join(' | ')}`,
      );

      // Files uploaded after until reach C by normal sync, from either storage.
      const later = new Map<string, Buffer>();
      for (const node of [a, b]) {
        for (let i = 0; i < 5; i++) {
          const content = Buffer.from(`later ${node.name} ${i}`);
          later.set(await client.upload(addr(node), { content, ext: 'txt' }), content);
        }
      }
      await allOn(c, later, 30_000);
      for (const [id, content] of later) files.set(id, content);
      await waitActive(tracker, [a, b, c]);
    });
  },
);

test('the full copy resumes after the source and the new storage are SIGKILLed', T, async () => {
  await cluster.withLogs(async () => {
    // More data, so the copy is likely still running when the kills come.
    for (let i = 0; i < 20; i++) {
      const content = Buffer.alloc(1_000_000 + i, i);
      files.set(await client.upload(addr(a), { content, ext: 'bin' }), content);
    }
    await allOn(b, files, 60_000);
    const d = await cluster.startStorage({ trackers: [tracker] });
    // The source is the lowest-id writable ACTIVE storage (§8.7 step 2): A. Both are killed
    // while it copies (SYNCING), if the poll catches it.
    let killedAt: number | undefined;
    await until(
      'D in its full copy',
      async () => {
        const me = (await groupMembers(tracker, d.group)).find(
          (m) => m.ipAddr === d.host && m.storagePort === d.port,
        );
        if (me?.status === StorageStatus.SYNCING) {
          killedAt = me.status;
          return true;
        }
        return me?.status === StorageStatus.ACTIVE;
      },
      30_000,
    );
    await Promise.all([a.kill(), d.kill()]);
    console.log(`# SIGKILLed source A and new storage D with D ${killedAt ?? 'already ACTIVE'}`);
    await Promise.all([a.start(), d.start()]);
    await waitActive(tracker, [a, b, c, d], 90_000);
    await allOn(d, files, 0);
  });
});
