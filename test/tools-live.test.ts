// The recorded C tool runs of cluster A (one tracker, one storage with two store paths), run
// again against a live cluster of ours and compared with the recorded stdout through the mask of
// docs/CLI.md (test/support/tool-live.ts): addresses, dates, the generated part of file names,
// versions and, for fdfs_monitor / fdfs_storage_stat / fdfs_volumn_stat, every number and human
// size. Everything else — the words, the order, the blank lines, sizes and CRCs — must be the C
// tool's. The runs listed for this suite in tool-coverage.ts must all be compared.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster } from './support/cluster.js';
import { startClusterA } from './support/tool-live-clusters.js';
import { LiveComparison, maskOutput, printedId, recordedRun, runIn } from './support/tool-live.js';
import { LOCAL_FILES, type RunResult } from './support/tool-runs.js';

const live = new LiveComparison('tools-live');
let cluster: Cluster;
let dir = '';
let remove = (): void => {};
let ours: (tool: string, ...args: string[]) => Promise<RunResult> = () => {
  throw new Error('no cluster');
};

before(async () => {
  cluster = new Cluster('tools-live');
  ({ dir, remove } = await startClusterA(cluster));
  ours = runIn(dir);
});
after(async () => {
  remove();
  await cluster?.destroy();
});

/** A file name of the same kind that does not exist: its trailing random digits changed. */
const otherDigits = (id: string): string =>
  id.replace(
    /(\d+)(\.\w+)?$/,
    (_, d: string, ext = '') => [...d].map((c) => String((Number(c) + 1) % 10)).join('') + ext,
  );

test('upload, file info, download, delete (a-upload-*, a-file-info-hello, a-download-hello)', async () => {
  const hello = await ours('fdfs_upload_file', 'client.conf', 'hello.txt');
  live.sameAs('a-upload-hello', hello);
  const id = printedId(hello);
  live.sameAs('a-upload-tgz', await ours('fdfs_upload_file', 'client.conf', 'small.tar.gz'));
  live.sameAs('a-file-info-hello', await ours('fdfs_file_info', 'client.conf', id));
  // A normal file's info is decoded from its name: a name of the same shape prints, existing or not.
  const missing = otherDigits(id);
  assert.notEqual(missing, id);
  live.sameAs('a-file-info-missing-normal', await ours('fdfs_file_info', 'client.conf', missing));
  live.sameAs('a-download-hello', await ours('fdfs_download_file', 'client.conf', id, 'hello.dl'));
  assert.equal(readFileSync(join(dir, 'hello.dl'), 'utf8'), LOCAL_FILES['hello.txt']);
  await ours('fdfs_download_file', 'client.conf', id, 'range.dl', '6', '7');
  assert.equal(readFileSync(join(dir, 'range.dl'), 'utf8'), 'FastDFS');
  live.sameAs('a-delete-tgz', await ours('fdfs_delete_file', 'client.conf', id));
  const gone = await ours('fdfs_delete_file', 'client.conf', id);
  assert.equal(gone.code, 2, gone.stderr);
});

test('appender: upload, append, file info, regenerate, the old name gone', async () => {
  const up = await ours('fdfs_upload_appender', 'client.conf', 'part1.log');
  live.sameAs('a-upload-appender', up);
  const id = printedId(up);
  live.sameAs('a-append-file', await ours('fdfs_append_file', 'client.conf', id, 'part2.log'));
  live.sameAs('a-file-info-appender-appended', await ours('fdfs_file_info', 'client.conf', id));
  live.sameAs(
    'a-file-info-appender-appended-n',
    await ours('fdfs_file_info', '-n', 'client.conf', id),
  );
  const renamed = await ours('fdfs_regenerate_filename', 'client.conf', id);
  live.sameAs('a-regenerate-filename', renamed);
  const newId = printedId(renamed);
  live.sameAs('a-file-info-regenerated', await ours('fdfs_file_info', 'client.conf', newId));
  // The appender name no longer exists: asking the server fails with ENOENT (docs/CLI.md #1, #2).
  live.sameFailure('a-file-info-appender-gone', await ours('fdfs_file_info', 'client.conf', id));
  live.sameFailure(
    'a-file-info-appender-gone-s',
    await ours('fdfs_file_info', '-s', 'client.conf', id),
  );
});

test('fdfs_test, fdfs_test1 and fdfs_appender_test', async () => {
  const up = await ours('fdfs_test', 'client.conf', 'upload', 'pic.jpg');
  live.sameAs('a-test-upload', up);
  const remote = /remote_filename=(M\S+\.jpg)\n/.exec(up.stdout)![1]!;
  const slave = remote.replace('.jpg', '_big.jpg');
  live.sameAs(
    'a-file-info-master',
    await ours('fdfs_file_info', 'client.conf', `group1/${remote}`),
  );
  live.sameAs(
    'a-test-getmeta',
    await ours('fdfs_test', 'client.conf', 'getmeta', 'group1', remote),
  );
  live.sameAs(
    'a-test-setmeta-O',
    await ours('fdfs_test', 'client.conf', 'setmeta', 'group1', remote, 'O', 'color=red,size=big'),
  );
  live.sameAs(
    'a-test-getmeta-after-O',
    await ours('fdfs_test', 'client.conf', 'getmeta', 'group1', remote),
  );
  live.sameAs(
    'a-test-download',
    await ours('fdfs_test', 'client.conf', 'download', 'group1', remote),
  );
  live.sameAs(
    'a-test-query-servers',
    await ours('fdfs_test', 'client.conf', 'query_servers', 'group1', remote),
  );
  live.sameAs('a-file-info-slave', await ours('fdfs_file_info', 'client.conf', `group1/${slave}`));
  live.sameAs(
    'a-file-info-slave-n',
    await ours('fdfs_file_info', '-n', 'client.conf', `group1/${slave}`),
  );
  live.sameAs(
    'a-test-delete-slave',
    await ours('fdfs_test', 'client.conf', 'delete', 'group1', slave),
  );
  live.sameAs('a-test1-upload', await ours('fdfs_test1', 'client.conf', 'upload', 'hello.txt'));
  live.sameAs('a-appender-test', await ours('fdfs_appender_test', 'client.conf', 'apptest.txt'));
});

test('fdfs_monitor, fdfs_storage_stat and fdfs_volumn_stat', async () => {
  live.sameAs('a-monitor-list', await ours('fdfs_monitor', 'client.conf', 'list'));
  live.sameAs('a-monitor-group', await ours('fdfs_monitor', 'client.conf', 'list', 'group1'));
  live.sameAs('a-storage-stat', await ours('fdfs_storage_stat', '-c', 'client.conf'));
  live.sameAs('a-storage-stat-d', await ours('fdfs_storage_stat', '-c', 'client.conf', '-d'));
  live.sameAs('a-volumn-stat', await ours('fdfs_volumn_stat', '-c', 'client.conf'));
  live.sameAs('a-volumn-stat-d', await ours('fdfs_volumn_stat', '-c', 'client.conf', '-d'));
  // docs/CLI.md #7: the same text on stdout, but an unknown operation exits 1.
  const bad = await ours('fdfs_monitor', 'client.conf', 'foo');
  live.documented('a-monitor-bad-op', 7, (run) => {
    assert.equal(bad.code, 1);
    assert.equal(maskOutput(run.tool, bad.stdout), maskOutput(run.tool, run.stdout));
    assert.equal(recordedRun('a-monitor-bad-op').exitCode, 0);
  });
});

test('every run listed for tools-live was compared', () => live.assertAllCompared());
