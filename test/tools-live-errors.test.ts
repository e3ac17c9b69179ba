// The recorded error and usage runs of cluster A (`t-*`) and fdfs_crc32, run again with a live
// cluster A of ours. A success or a usage text is compared through the mask; a failure as
// docs/CLI.md says ours differs (#1, #2: the C failure line alone on stderr, the errno as the
// exit code, stdout otherwise the C tool's; #4: fdfs_crc32 names no C source line).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster } from './support/cluster.js';
import { startClusterA } from './support/tool-live-clusters.js';
import { LiveComparison, runIn } from './support/tool-live.js';
import type { RunResult } from './support/tool-runs.js';

const live = new LiveComparison('tools-live-errors');
let cluster: Cluster;
let dir = '';
let remove = (): void => {};
let ours: (tool: string, ...args: string[]) => Promise<RunResult> = () => {
  throw new Error('no cluster');
};

before(async () => {
  cluster = new Cluster('tools-live-errors');
  ({ dir, remove } = await startClusterA(cluster));
  ours = runIn(dir);
});
after(async () => {
  remove();
  await cluster?.destroy();
});

/** The recorder's file `a06` (vectors README "File contents"): 1 MiB, byte i = 0x20 + ((i*7 + 6) % 95). */
function fileA06(): Buffer {
  const b = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < b.length; i++) b[i] = 0x20 + ((i * 7 + 6) % 95);
  return b;
}

test('fdfs_crc32 of the recorded files (a-crc32-*, t-crc32-big)', async () => {
  writeFileSync(join(dir, 'a06'), fileA06());
  live.sameAs('a-crc32-empty', await ours('fdfs_crc32', 'empty'));
  live.sameAs('a-crc32-hello', await ours('fdfs_crc32', 'hello.txt'));
  live.sameAs('t-crc32-big', await ours('fdfs_crc32', 'a06'));
});

test('fdfs_crc32 of a missing file: the C line without its source position (#2, #4)', async () => {
  const r = await ours('fdfs_crc32', 'nonexistent.bin');
  live.documented('t-crc32-missing', 4, (run) => {
    const cLine = run.stdout.trimEnd();
    assert.match(cLine, /^file: fdfs_crc32\.c, line: \d+, /);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trimEnd(), cLine.replace(/^file: fdfs_crc32\.c, line: \d+, /, ''));
    assert.equal(r.code, run.exitCode);
  });
});

test('bad file ids: the C failure line on stderr, exit 22 (t-*-bad-id, t-file-info-*)', async () => {
  const short = 'group1/M00/00/00/short';
  live.sameFailure('t-delete-bad-id', await ours('fdfs_delete_file', 'client.conf', short));
  live.sameFailure(
    't-download-bad-id',
    await ours('fdfs_download_file', 'client.conf', short, 'x.dl'),
  );
  live.sameFailure('t-file-info-short-id', await ours('fdfs_file_info', 'client.conf', short));
  live.sameFailure(
    't-file-info-no-group',
    await ours('fdfs_file_info', 'client.conf', 'nogroupslash'),
  );
});

test('usage texts and a missing local file (t-*-usage, t-upload-missing-local)', async () => {
  live.sameAs('t-test-usage', await ours('fdfs_test', 'client.conf'));
  live.sameAs('t-upload-file-usage', await ours('fdfs_upload_file'));
  live.sameFailure(
    't-upload-missing-local',
    await ours('fdfs_upload_file', 'client.conf', 'nonexistent.bin'),
  );
});

test('every run listed for tools-live-errors was compared', () => live.assertAllCompared());
