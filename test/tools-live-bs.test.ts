// The recorded C tool runs of cluster B after 100002 joined group1 (`bs-*`: storage ids, two
// trackers, group1 = 100001 + 100002, group2 = 100003), run again against a live cluster of ours
// of that shape (100002 ACTIVE once its §8.7 full copy is reported) and compared through the mask
// of docs/CLI.md. Before each upload the round-robin tracker is put where the recorder's was
// (steerUploads), so a file lands in the recorded group and on the recorded storage.
import { after, before, test } from 'node:test';
import { modifyFile, StorageClient, TrackerClient, truncateFile } from '#src/client/index.js';
import { Cluster } from './support/cluster.js';
import type { StorageNode } from './support/cluster-storage.js';
import type { TrackerNode } from './support/cluster-tracker.js';
import { startClusterB, steerUploads } from './support/tool-live-clusters.js';
import { LiveComparison, printedId, runIn } from './support/tool-live.js';
import type { RunResult } from './support/tool-runs.js';

const live = new LiveComparison('tools-live-bs');
let cluster: Cluster;
let trackers: TrackerNode[] = [];
let storages: StorageNode[] = [];
let remove = (): void => {};
let ours: (tool: string, ...args: string[]) => Promise<RunResult> = () => {
  throw new Error('no cluster');
};

before(async () => {
  cluster = new Cluster('tools-live-bs');
  let dir: string;
  ({ trackers, storages, dir, remove } = await startClusterB(cluster, { second: true }));
  ours = runIn(dir);
});
after(async () => {
  remove();
  await cluster?.destroy();
});

/** client_t1.conf names the first tracker only. */
const steer = (group: string, storage?: StorageNode): Promise<void> =>
  steerUploads(trackers[0]!, group, storage);
const T1 = 'client_t1.conf';

test('an appender on 100001, metadata and delete on 100002 (bs-*)', async () => {
  const [s1, , s2] = storages;
  await steer('group2');
  live.sameAs('bs-upload-appender-try1', await ours('fdfs_upload_appender', T1, 'part1.log'));
  await steer('group1', s1);
  const a = await ours('fdfs_upload_appender', T1, 'part1.log');
  live.sameAs('bs-upload-appender-try2', a);
  const appender = printedId(a);
  live.sameAs('bs-append-file', await ours('fdfs_append_file', T1, appender, 'part2.log'));
  // The recorder's crafted requests of capture B-sync: MODIFY offset 4, TRUNCATE 32 → 20 → 40.
  const clients = {
    tracker: new TrackerClient({ trackers: [trackers[0]!], connectTimeoutMs: 2000 }),
    storage: new StorageClient({ connectTimeoutMs: 2000 }),
  };
  try {
    await modifyFile(clients, appender, { offset: 4, content: Buffer.from('MODIFIED') });
    await truncateFile(clients, appender, 20);
    await truncateFile(clients, appender, 40);
  } finally {
    await clients.tracker.close();
    await clients.storage.close();
  }
  live.sameAs('bs-file-info-appender', await ours('fdfs_file_info', T1, appender));
  live.sameAs('bs-regenerate-filename', await ours('fdfs_regenerate_filename', T1, appender));
  await steer('group2');
  live.sameAs('bs-upload-hello-try1', await ours('fdfs_upload_file', T1, 'hello.txt'));
  await steer('group1', s2);
  const h = await ours('fdfs_upload_file', T1, 'hello.txt');
  live.sameAs('bs-upload-hello-try2', h);
  const name = printedId(h).slice('group1/'.length);
  const setmeta = (flag: string, meta: string): Promise<RunResult> =>
    ours('fdfs_test', T1, 'setmeta', 'group1', name, flag, meta);
  live.sameAs('bs-test-setmeta-O', await setmeta('O', 'k1=v1,k2=v2'));
  live.sameAs('bs-test-setmeta-M', await setmeta('M', 'k2=v2b,k3=v3'));
  live.sameAs('bs-test-setmeta-O-empty', await setmeta('O', ''));
  live.sameAs('bs-delete-hello', await ours('fdfs_delete_file', T1, printedId(h)));
});

test('every run listed for tools-live-bs was compared', () => live.assertAllCompared());
