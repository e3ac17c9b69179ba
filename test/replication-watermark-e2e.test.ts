// Issue 5 test 5: the sync watermark routes downloads to the peer (§9.7, cmd 89). A tracker with
// download_server = 0 (round robin) and store_server = 0 (uploads alternate between A and B),
// two readable storages, 500 uploads through the tracker. Each upload is followed, a fixed 2.5 s
// after its reply, by QUERY_FETCH_ONE (102) and a download from the storage it names. Every
// download must succeed, and at least a third must come from the storage that did not receive the
// upload.
//
// Why a delay: file timestamps are whole seconds, and §9.7 lets a non-source storage serve a file
// only when its last_synced_timestamp is *greater* than the file's timestamp (rule 3) — rules 2
// and 4 need the file to be older than storage_sync_file_max_time (300 s) or max_delay (86400 s).
// So a query in the second of the upload can only name the source. 2.5 s later the peer has
// applied records of a later second from that source, reports that second − 1 as its true
// low-watermark (sync/watermark.ts) within 250 ms, and only that watermark can route the file to
// it. A watermark that claimed files it lacked would fail a download here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { StorageClient, TrackerClient } from '#src/client/index.js';
import { Cluster } from './support/cluster.js';
import type { StorageNode } from './support/cluster-storage.js';
import type { TrackerNode } from './support/cluster-tracker.js';
import { startStoragePair } from './support/recovery-support.js';

const UPLOADS = 500;
/** One upload every PACE_MS: 500 of them in 25 s. */
const PACE_MS = 50;
const QUERY_DELAY_MS = 2500;
const T = { timeout: 180_000 };

let cluster: Cluster;
let tracker: TrackerNode;
let a: StorageNode;
let b: StorageNode;
const storage = new StorageClient({ connectTimeoutMs: 2000, networkTimeoutMs: 20_000 });
let trackerClient: TrackerClient;

before(async () => {
  cluster = new Cluster('replication-watermark');
  tracker = await cluster.startTracker({
    config: { download_server: 0, store_server: 0, store_lookup: 0 },
  });
  ({ a, b } = await startStoragePair(cluster, tracker));
  trackerClient = new TrackerClient({
    trackers: [{ host: tracker.host, port: tracker.port }],
    connectTimeoutMs: 2000,
    networkTimeoutMs: 20_000,
  });
});

after(async () => {
  await trackerClient?.close();
  await storage.close();
  await cluster?.destroy();
});

interface Outcome {
  uploadedTo: string;
  servedBy: string;
  ok: boolean;
}

const key = (s: { host: string; port: number }): string => `${s.host}:${s.port}`;

async function uploadThenFetch(i: number): Promise<Outcome> {
  const content = Buffer.from(`watermark file ${i} `.repeat(1 + (i % 50)));
  const target = await trackerClient.queryStore();
  const id = await storage.upload(target, {
    content,
    ext: 'txt',
    ...(target.storePathIndex !== undefined ? { storePathIndex: target.storePathIndex } : {}),
  });
  await sleep(QUERY_DELAY_MS);
  const server = await trackerClient.queryFetch(id);
  const got = await storage.downloadToBuffer(server, id).catch(() => undefined);
  return { uploadedTo: key(target), servedBy: key(server), ok: got?.equals(content) === true };
}

test('round robin reads: every download succeeds, a third or more from the peer', T, async () => {
  await cluster.withLogs(async () => {
    const started = Date.now();
    const work: Promise<Outcome>[] = [];
    for (let i = 0; i < UPLOADS; i++) {
      const wait = started + i * PACE_MS - Date.now();
      if (wait > 0) await sleep(wait);
      work.push(uploadThenFetch(i));
    }
    const outcomes = await Promise.all(work);
    const failed = outcomes.filter((o) => !o.ok);
    assert.equal(failed.length, 0, `${failed.length} downloads failed`);
    const targets = new Set(outcomes.map((o) => o.uploadedTo));
    assert.deepEqual([...targets].sort(), [key(a), key(b)].sort(), 'uploads alternate');
    const byPeer = outcomes.filter((o) => o.servedBy !== o.uploadedTo).length;
    console.log(
      `# watermark: ${byPeer} of ${UPLOADS} downloads served by the peer, ` +
        `${Date.now() - started} ms`,
    );
    assert.ok(byPeer >= UPLOADS / 3, `only ${byPeer} of ${UPLOADS} served by the peer`);
  });
});
