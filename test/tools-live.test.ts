// The recorded C tool runs whose packets are not linked, run again against a live cluster of ours
// (one tracker, one storage with two store paths, like cluster A of the recording) and compared
// with the recorded stdout through a mask. The mask hides only what differs between two runs of
// the same command: addresses (127.0.0.x:port), dates, the generated part of file names
// (ports, store path, sub-directories, 27-character block and random digits), versions and, for
// fdfs_monitor / fdfs_storage_stat / fdfs_volumn_stat, every number and human size (counters,
// disk space). Everything else — the words, the order, the blank lines, sizes and CRCs of the
// files — must be the C tool's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster } from './support/cluster.js';
import { waitActive, type StorageNode } from './support/cluster-storage.js';
import type { TrackerNode } from './support/cluster-tracker.js';
import {
  runFolder,
  runOurTool,
  toolRuns,
  LOCAL_FILES,
  type RunResult,
} from './support/tool-runs.js';

const STAT_TOOLS = new Set(['fdfs_monitor', 'fdfs_storage_stat', 'fdfs_volumn_stat']);

/** The documented mask (see the header). */
export function maskOutput(tool: string, text: string): string {
  let t = text
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/g, '<date>')
    .replace(/127\.0\.0\.\d+(:\d+)?/g, '<addr>')
    .replace(/port=\d+/g, 'port=<port>')
    .replace(/file save to \S+/g, 'file save to <name>')
    .replace(/M\d\d\/[0-9A-F]{2}\/[0-9A-F]{2}\/[A-Za-z0-9_-]{27}\d*/g, '<file>')
    .replace(/(version(?: =|:)) [^\s,]+/g, '$1 <v>');
  if (STAT_TOOLS.has(tool)) {
    t = t
      .replace(/\d+(\.\d+)? [KMGTPE]?B\b/g, '<size>')
      .replace(/\d+\.\d\d%/g, '<pct>')
      .replace(/\b\d+\b/g, '<n>')
      .replace(/ +<size>/g, ' <size>')
      .replace(/(last_synced_timestamp = <date>) .*$/gm, '$1 <delay>');
  }
  return t;
}

const recorded = new Map(toolRuns().map((r) => [r.case, r]));
let cluster: Cluster;
let tracker: TrackerNode;
let storage: StorageNode;
let dir = '';
let remove = (): void => {};

before(async () => {
  cluster = new Cluster('tools-live');
  tracker = await cluster.startTracker();
  storage = await cluster.startStorage({
    trackers: [{ host: tracker.host, port: tracker.port }],
    storePathCount: 2,
  });
  await waitActive({ host: tracker.host, port: tracker.port }, [storage]);
  ({ dir, remove } = runFolder('A'));
  const conf = readFileSync(join(dir, 'client.conf'), 'utf8').replace(
    /^tracker_server *=.*$/m,
    `tracker_server = ${tracker.host}:${tracker.port}`,
  );
  writeFileSync(join(dir, 'client.conf'), conf);
});
after(async () => {
  remove();
  await cluster?.destroy();
});

async function run(tool: string, ...args: string[]): Promise<RunResult> {
  const r = await runOurTool(tool, args, dir);
  assert.equal(r.code, 0, `${tool} ${args.join(' ')}: exit ${r.code}, stderr ${r.stderr}`);
  assert.equal(r.stderr, '', `${tool}: nothing on stderr`);
  return r;
}

/** Our stdout, masked, equals the recorded run's, masked. */
function sameAs(caseName: string, r: RunResult): void {
  const c = recorded.get(caseName);
  assert.ok(c, caseName);
  assert.equal(maskOutput(c.tool, r.stdout), maskOutput(c.tool, c.stdout), caseName);
}

const lineOf = (r: RunResult): string => r.stdout.trim();

test('upload, file info, download, delete (a-upload-*, a-file-info-hello, a-download-hello)', async () => {
  const hello = await run('fdfs_upload_file', 'client.conf', 'hello.txt');
  sameAs('a-upload-hello', hello);
  const id = lineOf(hello);
  sameAs('a-upload-tgz', await run('fdfs_upload_file', 'client.conf', 'small.tar.gz'));
  sameAs('a-file-info-hello', await run('fdfs_file_info', 'client.conf', id));
  sameAs('a-download-hello', await run('fdfs_download_file', 'client.conf', id, 'hello.dl'));
  assert.equal(readFileSync(join(dir, 'hello.dl'), 'utf8'), LOCAL_FILES['hello.txt']);
  await run('fdfs_download_file', 'client.conf', id, 'range.dl', '6', '7');
  assert.equal(readFileSync(join(dir, 'range.dl'), 'utf8'), 'FastDFS');
  sameAs('a-delete-tgz', await run('fdfs_delete_file', 'client.conf', id));
  const gone = await runOurTool('fdfs_delete_file', ['client.conf', id], dir);
  assert.equal(gone.code, 2, gone.stderr);
});

test('appender: upload, append, file info, regenerate (a-upload-appender ...)', async () => {
  const up = await run('fdfs_upload_appender', 'client.conf', 'part1.log');
  sameAs('a-upload-appender', up);
  const id = lineOf(up);
  sameAs('a-append-file', await run('fdfs_append_file', 'client.conf', id, 'part2.log'));
  sameAs('a-file-info-appender-appended', await run('fdfs_file_info', 'client.conf', id));
  sameAs('a-file-info-appender-appended-n', await run('fdfs_file_info', '-n', 'client.conf', id));
  sameAs('a-regenerate-filename', await run('fdfs_regenerate_filename', 'client.conf', id));
});

test('fdfs_test, fdfs_test1 and fdfs_appender_test', async () => {
  const up = await run('fdfs_test', 'client.conf', 'upload', 'pic.jpg');
  sameAs('a-test-upload', up);
  const remote = /remote_filename=(M\S+\.jpg)\n/.exec(up.stdout)![1]!;
  const slave = remote.replace('.jpg', '_big.jpg');
  sameAs('a-test-getmeta', await run('fdfs_test', 'client.conf', 'getmeta', 'group1', remote));
  sameAs(
    'a-test-setmeta-O',
    await run('fdfs_test', 'client.conf', 'setmeta', 'group1', remote, 'O', 'color=red,size=big'),
  );
  sameAs(
    'a-test-getmeta-after-O',
    await run('fdfs_test', 'client.conf', 'getmeta', 'group1', remote),
  );
  sameAs('a-test-download', await run('fdfs_test', 'client.conf', 'download', 'group1', remote));
  sameAs(
    'a-test-query-servers',
    await run('fdfs_test', 'client.conf', 'query_servers', 'group1', remote),
  );
  sameAs('a-file-info-slave', await run('fdfs_file_info', 'client.conf', `group1/${slave}`));
  sameAs('a-test-delete-slave', await run('fdfs_test', 'client.conf', 'delete', 'group1', slave));
  sameAs('a-test1-upload', await run('fdfs_test1', 'client.conf', 'upload', 'hello.txt'));
  sameAs('a-appender-test', await run('fdfs_appender_test', 'client.conf', 'apptest.txt'));
});

test('fdfs_monitor, fdfs_storage_stat and fdfs_volumn_stat', async () => {
  sameAs('a-monitor-list', await run('fdfs_monitor', 'client.conf', 'list'));
  sameAs('a-monitor-group', await run('fdfs_monitor', 'client.conf', 'list', 'group1'));
  sameAs('a-storage-stat', await run('fdfs_storage_stat', '-c', 'client.conf'));
  sameAs('a-volumn-stat', await run('fdfs_volumn_stat', '-c', 'client.conf'));
  sameAs('a-volumn-stat-d', await run('fdfs_volumn_stat', '-c', 'client.conf', '-d'));
  const bad = await runOurTool('fdfs_monitor', ['client.conf', 'foo'], dir);
  assert.equal(bad.code, 1);
  assert.equal(
    maskOutput('fdfs_monitor', bad.stdout),
    maskOutput('fdfs_monitor', recorded.get('a-monitor-bad-op')!.stdout),
  );
});
