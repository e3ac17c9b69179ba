// The recorded C tool runs of cluster B (`b-*`: storage ids, two trackers, group1 = 100001,
// group2 = 100003), run again against a live cluster of ours of that shape and compared through the mask of docs/CLI.md. Storage ids
// and group names are compared as is: before each upload the round-robin tracker is put where the
// recorder's was (steerUploads), so a file lands in the recorded group and on the recorded storage.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster } from './support/cluster.js';
import type { StorageNode } from './support/cluster-storage.js';
import type { TrackerNode } from './support/cluster-tracker.js';
import { startClusterB, steerUploads } from './support/tool-live-clusters.js';
import { LiveComparison, printedId, runIn } from './support/tool-live.js';
import { LOCAL_FILES, type RunResult } from './support/tool-runs.js';

const live = new LiveComparison('tools-live-b');
let cluster: Cluster;
let trackers: TrackerNode[] = [];
let dir = '';
let remove = (): void => {};
let ours: (tool: string, ...args: string[]) => Promise<RunResult> = () => {
  throw new Error('no cluster');
};

before(async () => {
  cluster = new Cluster('tools-live-b');
  ({ trackers, dir, remove } = await startClusterB(cluster));
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

let hello = '';
let pic = '';

test('uploads to both groups, appender, regenerate (b-upload-*, b-append-file …)', async () => {
  await steer('group1');
  const h = await ours('fdfs_upload_file', T1, 'hello.txt');
  live.sameAs('b-upload-hello', h);
  hello = printedId(h);
  await steer('group2');
  const p = await ours('fdfs_upload_file', T1, 'pic.jpg');
  live.sameAs('b-upload-pic', p);
  pic = printedId(p);
  await steer('group1');
  live.sameAs('b-upload-tgz', await ours('fdfs_upload_file', T1, 'small.tar.gz'));
  await steer('group2');
  const a = await ours('fdfs_upload_appender', T1, 'part1.log');
  live.sameAs('b-upload-appender', a);
  const appender = printedId(a);
  live.sameAs('b-file-info-appender', await ours('fdfs_file_info', T1, appender));
  live.sameAs('b-append-file', await ours('fdfs_append_file', T1, appender, 'part2.log'));
  live.sameAs('b-regenerate-filename', await ours('fdfs_regenerate_filename', T1, appender));
});

test('file info by storage id, with and without ids, download (b-file-info-*, b-download-hello)', async () => {
  // Read-only runs: side by side.
  const [info, loadparams, noids, infoPic, noidsPic, download] = await Promise.all([
    ours('fdfs_file_info', T1, hello),
    ours('fdfs_file_info', 'client_loadparams.conf', hello),
    ours('fdfs_file_info', 'client_noids.conf', hello),
    ours('fdfs_file_info', T1, pic),
    ours('fdfs_file_info', 'client_noids.conf', pic),
    ours('fdfs_download_file', T1, hello, 'bhello.dl'),
  ]);
  live.sameAs('b-file-info-hello', info);
  live.sameAs('b-file-info-hello-loadparams', loadparams);
  live.sameAs('b-file-info-hello-noids', noids);
  live.sameAs('b-file-info-pic', infoPic);
  live.sameAs('b-file-info-pic-noids', noidsPic);
  live.sameAs('b-download-hello', download);
  assert.equal(readFileSync(join(dir, 'bhello.dl'), 'utf8'), LOCAL_FILES['hello.txt']);
});

test('fdfs_test master and slave, delete twice, fdfs_test1 (b-test-*, b-delete-*, b-test1-upload)', async () => {
  // The recorder's list query (106) named group2, then the upload query (101) group1.
  await steer('group2');
  const up = await ours('fdfs_test', T1, 'upload', 'pic.jpg');
  live.sameAs('b-test-upload', up);
  const slave = /remote_filename=(M\S+_big\.jpg)\n/.exec(up.stdout)![1]!;
  live.sameAs('b-file-info-slave-link', await ours('fdfs_file_info', T1, `group1/${slave}`));
  live.sameAs('b-test-getmeta-slave', await ours('fdfs_test', T1, 'getmeta', 'group1', slave));
  live.sameAs('b-test-download-slave', await ours('fdfs_test', T1, 'download', 'group1', slave));
  live.sameAs('b-delete-slave-link', await ours('fdfs_delete_file', T1, `group1/${slave}`));
  live.sameFailure('b-delete-missing', await ours('fdfs_delete_file', T1, `group1/${slave}`));
  live.sameFailure(
    'b-download-missing',
    await ours('fdfs_download_file', T1, `group1/${slave}`, 'missing.dl'),
  );
  await steer('group1');
  live.sameAs('b-test1-upload', await ours('fdfs_test1', T1, 'upload', 'hello.txt'));
});

test('every run listed for tools-live-b was compared', () => live.assertAllCompared());
