// The recorded C tool runs of cluster A restarted with response_ip_addr_size = IPv6 (`x-*`: the
// tracker's replies carry 46-byte IP fields), run again against a live cluster of ours set the
// same way (one tracker, two storages of group1) and compared through the mask of docs/CLI.md.
// Our tools decode the replies by their length (§14.6), so the output is the 16-byte one's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster } from './support/cluster.js';
import type { TrackerNode } from './support/cluster-tracker.js';
import { startClusterA } from './support/tool-live-clusters.js';
import { LiveComparison, printedId, runIn } from './support/tool-live.js';
import { LOCAL_FILES, type RunResult } from './support/tool-runs.js';
import { connectTracker, queryStore } from './support/tracker-queries.js';

const live = new LiveComparison('tools-live-ipv6');
let cluster: Cluster;
let tracker: TrackerNode;
let dir = '';
let remove = (): void => {};
let ours: (tool: string, ...args: string[]) => Promise<RunResult> = () => {
  throw new Error('no cluster');
};

before(async () => {
  cluster = new Cluster('tools-live-ipv6');
  const started = await startClusterA(cluster, {
    pair: true,
    trackerConfig: { response_ip_addr_size: 'IPv6' },
  });
  ({ dir, remove } = started);
  tracker = started.trackers[0]!;
  ours = runIn(dir);
});
after(async () => {
  remove();
  await cluster?.destroy();
});

test('the tracker answers in the 46-byte dialect', async () => {
  const conn = await connectTracker(tracker.host, tracker.port);
  try {
    assert.equal((await queryStore(conn, 'group1')).ipSize, 46);
  } finally {
    conn.destroy();
  }
});

test('upload, file info, download, delete through 46-byte replies (x-upload-*, x-file-info-*)', async () => {
  const hello = await ours('fdfs_upload_file', 'client.conf', 'hello.txt');
  live.sameAs('x-upload-hello', hello);
  const hello2 = await ours('fdfs_upload_file', 'client.conf', 'hello.txt');
  live.sameAs('x-upload-hello-2', hello2);
  const appender = await ours('fdfs_upload_appender', 'client.conf', 'part1.log');
  live.sameAs('x-upload-appender', appender);
  const id = printedId(hello);
  live.sameAs('x-file-info-hello', await ours('fdfs_file_info', 'client.conf', id));
  live.sameAs(
    'x-file-info-appender',
    await ours('fdfs_file_info', 'client.conf', printedId(appender)),
  );
  live.sameAs('x-download-hello', await ours('fdfs_download_file', 'client.conf', id, 'x.dl'));
  assert.equal(readFileSync(join(dir, 'x.dl'), 'utf8'), LOCAL_FILES['hello.txt']);
  live.sameAs('x-delete-hello2', await ours('fdfs_delete_file', 'client.conf', printedId(hello2)));
  const up = await ours('fdfs_test', 'client.conf', 'upload', 'pic.jpg');
  live.sameAs('x-test-upload', up);
  const remote = /remote_filename=(M\S+_big\.jpg)\n/.exec(up.stdout)![1]!;
  live.sameAs('x-file-info-slave', await ours('fdfs_file_info', 'client.conf', `group1/${remote}`));
  live.sameAs('x-test1-upload', await ours('fdfs_test1', 'client.conf', 'upload', 'hello.txt'));
  live.sameAs(
    'x-test-query-servers',
    await ours('fdfs_test', 'client.conf', 'query_servers', 'group1', id.slice('group1/'.length)),
  );
});

test('fdfs_monitor and fdfs_volumn_stat read the 46-byte storage records (x-monitor-list …)', async () => {
  live.sameAs('x-monitor-list', await ours('fdfs_monitor', 'client.conf', 'list'));
  live.sameAs('x-volumn-stat', await ours('fdfs_volumn_stat', '-c', 'client.conf'));
});

test('every run listed for tools-live-ipv6 was compared', () => live.assertAllCompared());
