// Exit codes of every FastDFS-named tool, for success and for bad input, without a cluster:
// wrong arguments print the C usage text and exit 1; a bad file id exits 22 before any network
// traffic; an unreachable tracker exits 111; a failure is one line on stderr, with no stack
// trace unless --verbose is given (docs/CLI.md).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import {
  runFolder,
  runOurTool,
  TOOL_SCRIPTS,
  toolRuns,
  type RunResult,
} from './support/tool-runs.js';

let dir = '';
let remove = (): void => {};
let closedPort = 0;

before(async () => {
  ({ dir, remove } = runFolder('A'));
  // A port nothing listens on: bind, note the port, close.
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closedPort = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  writeFileSync(
    join(dir, 'down.conf'),
    `tracker_server = 127.0.0.1:${closedPort}\nconnect_timeout = 2\n`,
  );
});
after(() => remove());

/** Run many cases a few at a time (each is a node process). */
async function runAll(cases: [string, string[]][]): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (let i = 0; i < cases.length; i += 6) {
    const batch = cases.slice(i, i + 6).map(([tool, args]) => runOurTool(tool, args, dir));
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

function oneLine(r: RunResult, label: string): string {
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `${label}: one line on stderr, got ${JSON.stringify(r.stderr)}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `${label}: no stack trace`);
  return lines[0]!;
}

test('wrong arguments: the C usage text on stdout, exit 1', async () => {
  const cases: [string, string[]][] = Object.keys(TOOL_SCRIPTS)
    .filter(
      (t) =>
        !['fdfs_monitor', 'fdfs_storage_stat', 'fdfs_volumn_stat', 'fdfs_tracker_stat'].includes(t),
    )
    .map((t) => [t, []]);
  cases.push(['fdfs_monitor', ['client.conf', '-h']]);
  cases.push(['fdfs_storage_stat', ['-c', 'client.conf', '-Z']]);
  cases.push(['fdfs_volumn_stat', ['-c']]);
  cases.push(['fdfs_tracker_stat', ['-c', 'client.conf', '-T']]);
  const results = await runAll(cases);
  results.forEach((r, i) => {
    const tool = cases[i]![0];
    assert.equal(r.code, 1, `${tool}: exit 1`);
    assert.match(r.stdout, /Usage:/, `${tool}: usage on stdout`);
    assert.equal(r.stderr, '', `${tool}: nothing on stderr`);
  });
  // Where the C usage run was recorded, it is the same text.
  for (const run of toolRuns().filter((r) => r.case.endsWith('usage'))) {
    const i = cases.findIndex(([t]) => t === run.tool);
    assert.equal(results[i]!.stdout, run.stdout, `${run.tool} usage as recorded`);
  }
});

test('a bad file id exits 22 before any network traffic', async () => {
  const bad = 'nogroupslash';
  const cases: [string, string[]][] = [
    ['fdfs_delete_file', ['down.conf', bad]],
    ['fdfs_download_file', ['down.conf', bad, 'x.dl']],
    ['fdfs_file_info', ['down.conf', bad]],
    ['fdfs_file_info', ['down.conf', 'group1/M00/00/00/short']],
    ['fdfs_append_file', ['down.conf', bad, 'part2.log']],
    ['fdfs_regenerate_filename', ['down.conf', bad]],
    ['fdfs_test', ['down.conf', 'getmeta', 'group1', 'short']],
    ['fdfs_test1', ['down.conf', 'delete', bad]],
  ];
  const results = await runAll(cases);
  results.forEach((r, i) => {
    const label = cases[i]!.join(' ');
    assert.equal(r.code, 22, `${label}: exit 22 (${r.stderr})`);
    assert.match(oneLine(r, label), /fail, error no: 22, error info: Invalid argument/);
  });
});

test('an unreachable tracker exits 111 (ECONNREFUSED) with one line', async () => {
  const id = 'group1/M00/00/00/fwAADGsBidOAXtDXAAAAHdnGElo349.txt';
  const cases: [string, string[]][] = [
    ['fdfs_upload_file', ['down.conf', 'hello.txt']],
    ['fdfs_upload_appender', ['down.conf', 'part1.log']],
    ['fdfs_append_file', ['down.conf', id, 'part2.log']],
    ['fdfs_download_file', ['down.conf', id]],
    ['fdfs_delete_file', ['down.conf', id]],
    ['fdfs_file_info', ['down.conf', id.replace('.txt', '_big.txt')]],
    ['fdfs_regenerate_filename', ['down.conf', id]],
    ['fdfs_monitor', ['down.conf', 'list']],
    ['fdfs_test', ['down.conf', 'upload', 'pic.jpg']],
    ['fdfs_test1', ['down.conf', 'query_servers', id]],
    ['fdfs_appender_test', ['down.conf', 'apptest.txt']],
    ['fdfs_storage_stat', ['-c', 'down.conf']],
    ['fdfs_volumn_stat', ['-c', 'down.conf', '-d']],
    ['fdfs_tracker_stat', ['-c', 'down.conf', '-L']],
  ];
  const results = await runAll(cases);
  results.forEach((r, i) => {
    const label = cases[i]!.join(' ');
    assert.equal(r.code, 111, `${label}: exit 111 (${r.stderr})`);
    assert.match(oneLine(r, label), /error no: 111, error info: Connection refused/);
  });
});

test('local files: crc32 of a file, a missing file, a missing config', async () => {
  const cases: [string, string[]][] = [
    ['fdfs_crc32', ['hello.txt']],
    ['fdfs_crc32', ['empty']],
    ['fdfs_crc32', ['nonexistent.bin']],
    ['fdfs_upload_file', ['client.conf', 'nonexistent.bin']],
    ['fdfs_delete_file', ['missing.conf', 'group1/M00/00/00/x']],
    ['fdfs_file_info', ['--verbose', 'down.conf', 'nogroupslash']],
  ];
  const [hello, empty, missing, upload, conf, verbose] = await runAll(cases);
  assert.deepEqual([hello!.stdout, hello!.code], ['d9c6125a\n', 0]);
  assert.deepEqual([empty!.stdout, empty!.code], ['0\n', 0]);
  assert.equal(missing!.code, 2);
  assert.equal(
    oneLine(missing!, 'crc32'),
    'open file nonexistent.bin fail, errno: 2, error info: No such file or directory',
  );
  assert.equal(upload!.code, 2);
  assert.match(
    oneLine(upload!, 'upload'),
    /^upload file fail, error no: 2, error info: No such file/,
  );
  assert.equal(conf!.code, 2, conf!.stderr);
  oneLine(conf!, 'missing config');
  assert.equal(verbose!.code, 22);
  assert.match(verbose!.stderr, /^\s+at /m, '--verbose adds the stack');
});
