// The bench harness end to end: `main.js codec` prints its table and writes a JSON file with
// exactly the documented row fields (bench/README.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST_DIR, REPO_ROOT } from './support/paths.js';

const BENCH_MAIN = join(DIST_DIR, '_test', 'bench', 'main.js');

const ROW_FIELDS = [
  'scenario',
  'label',
  'concurrency',
  'ops',
  'errors',
  'opsPerSec',
  'mbPerSec',
  'p50Ms',
  'p99Ms',
  'p999Ms',
  'serverRssMb',
  'serverCpuS',
  'serverLoopP99Ms',
  'serverLoopMaxMs',
];
const NULLABLE = new Set([
  'mbPerSec',
  'p50Ms',
  'p99Ms',
  'p999Ms',
  'serverRssMb',
  'serverCpuS',
  'serverLoopP99Ms',
  'serverLoopMaxMs',
]);

function bench(args: string[]) {
  return spawnSync(process.execPath, [BENCH_MAIN, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

test(
  'bench codec --duration 0.2 prints a table and writes the JSON rows',
  { timeout: 90_000 },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fdfs-bench-smoke-'));
    try {
      const run = bench(['codec', '--duration', '0.2', '--results-dir', dir]);
      assert.equal(
        run.status,
        0,
        `exit ${run.status}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`,
      );

      const lines = run.stdout.split('\n');
      const headerAt = lines.findIndex((l) => l.startsWith('scenario'));
      assert.ok(headerAt >= 0, `no table header in:\n${run.stdout}`);
      for (const title of [
        'label',
        'conc',
        'ops',
        'errors',
        'ops/s',
        'MB/s',
        'p50 ms',
        'p99 ms',
        'p99.9 ms',
      ]) {
        assert.ok(lines[headerAt]!.includes(title), `column "${title}" missing`);
      }
      assert.match(lines[headerAt + 1]!, /^-+( +-+)+$/);
      const tableRows = lines.slice(headerAt + 2).filter((l) => l.startsWith('codec '));
      assert.ok(tableRows.some((l) => l.includes('header decode')));
      assert.ok(tableRows.some((l) => l.includes('frame decoder')));

      const files = await readdir(dir);
      assert.equal(files.length, 1, `files: ${files.join(', ')}`);
      assert.match(files[0]!, /^codec-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.json$/);
      assert.ok(run.stdout.includes(join(dir, files[0]!)), 'the JSON path is printed');

      const doc = JSON.parse(await readFile(join(dir, files[0]!), 'utf8')) as {
        scenario: string;
        rows: Record<string, unknown>[];
      };
      assert.equal(doc.scenario, 'codec');
      assert.equal(doc.rows.length, tableRows.length);
      for (const row of doc.rows) {
        assert.deepEqual(Object.keys(row), ROW_FIELDS);
        assert.equal(row.scenario, 'codec');
        assert.equal(row.concurrency, 1);
        assert.equal(row.errors, 0);
        assert.equal(typeof row.label, 'string');
        for (const field of ['ops', 'opsPerSec']) {
          assert.ok(typeof row[field] === 'number' && (row[field] as number) > 0, `${field} > 0`);
        }
        for (const field of NULLABLE) {
          const v = row[field];
          assert.ok(v === null || (typeof v === 'number' && v >= 0), `${field} is ${String(v)}`);
        }
        // No server in the codec scenario; the codec rows all have latencies.
        assert.equal(row.serverRssMb, null);
        assert.equal(row.serverCpuS, null);
        assert.equal(typeof row.p50Ms, 'number');
        assert.ok((row.p50Ms as number) <= (row.p99Ms as number));
        assert.ok((row.p99Ms as number) <= (row.p999Ms as number));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);

test('bench refuses an unknown scenario and a bad option value', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-bench-smoke-'));
  try {
    const unknown = bench(['nosuch', '--results-dir', dir]);
    assert.notEqual(unknown.status, 0);
    assert.match(unknown.stderr, /unknown scenario "nosuch"; known: codec/);
    const badDuration = bench(['codec', '--duration', 'soon', '--results-dir', dir]);
    assert.notEqual(badDuration.status, 0);
    assert.match(badDuration.stderr, /--duration/);
    assert.deepEqual(await readdir(dir), [], 'nothing written on a refused run');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
