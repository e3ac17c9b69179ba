// The recorded C tool runs of cluster A after its second storage joined group1 (`as-*`), run
// again against a live cluster of ours: one tracker, two storages of group1 (the second ACTIVE
// once its §8.7 full copy is reported), compared through the mask of docs/CLI.md.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from './support/cluster.js';
import { startClusterA } from './support/tool-live-clusters.js';
import { LiveComparison, printedId, runIn } from './support/tool-live.js';
import type { RunResult } from './support/tool-runs.js';

const live = new LiveComparison('tools-live-pair');
let cluster: Cluster;
let remove = (): void => {};
let ours: (tool: string, ...args: string[]) => Promise<RunResult> = () => {
  throw new Error('no cluster');
};

before(async () => {
  cluster = new Cluster('tools-live-pair');
  const started = await startClusterA(cluster, { pair: true });
  remove = started.remove;
  ours = runIn(started.dir);
});
after(async () => {
  remove();
  await cluster?.destroy();
});

test('two storages listed ACTIVE (as-monitor-list)', async () => {
  live.sameAs('as-monitor-list', await ours('fdfs_monitor', 'client.conf', 'list'));
});

test('uploads, appender, regenerate and delete with two storages (as-upload-*, as-append-file …)', async () => {
  const hello = await ours('fdfs_upload_file', 'client.conf', 'hello.txt');
  live.sameAs('as-upload-hello', hello);
  const appender = await ours('fdfs_upload_appender', 'client.conf', 'part1.log');
  live.sameAs('as-upload-appender', appender);
  live.sameAs('as-upload-pic', await ours('fdfs_upload_file', 'client.conf', 'pic.jpg'));
  const appenderId = printedId(appender);
  live.sameAs(
    'as-append-file',
    await ours('fdfs_append_file', 'client.conf', appenderId, 'part2.log'),
  );
  live.sameAs('as-appender-test', await ours('fdfs_appender_test', 'client.conf', 'apptest.txt'));
  live.sameAs(
    'as-regenerate-filename',
    await ours('fdfs_regenerate_filename', 'client.conf', appenderId),
  );
  live.sameAs('as-delete-hello', await ours('fdfs_delete_file', 'client.conf', printedId(hello)));
});

test('fdfs_test upload (two servers listed), setmeta, delete (as-test-*)', async () => {
  const up = await ours('fdfs_test', 'client.conf', 'upload', 'pic.jpg');
  live.sameAs('as-test-upload', up);
  assert.equal([...up.stdout.matchAll(/\tserver \d+\. /g)].length, 2, 'both storages listed');
  const remote = /remote_filename=(M\S+\.jpg)\n/.exec(up.stdout)![1]!;
  live.sameAs(
    'as-test-setmeta-M',
    await ours('fdfs_test', 'client.conf', 'setmeta', 'group1', remote, 'M', 'color=blue'),
  );
  live.sameAs(
    'as-test-delete-master',
    await ours('fdfs_test', 'client.conf', 'delete', 'group1', remote),
  );
  live.sameAs('as-monitor-list-2', await ours('fdfs_monitor', 'client.conf', 'list'));
});

test('every run listed for tools-live-pair was compared', () => live.assertAllCompared());
