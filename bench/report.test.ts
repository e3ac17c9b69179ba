import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LatencyRecorder, ROW_FIELDS, formatTable, makeRow, writeResultFile } from './report.js';

test('percentiles are exact nearest-rank values over 1..1000 ns', () => {
  const rec = new LatencyRecorder();
  // Recorded out of order and past the initial capacity, to exercise sorting and growth.
  for (let i = 1000; i >= 1; i--) rec.record(i);
  for (let i = 0; i < 5000; i++) rec.record(2000);
  const small = new LatencyRecorder();
  for (let i = 1; i <= 1000; i++) small.record(i * 1e6);
  assert.equal(small.percentileMs(50), 500);
  assert.equal(small.percentileMs(99), 990);
  assert.equal(small.percentileMs(99.9), 999);
  assert.equal(small.percentileMs(100), 1000);
  assert.equal(rec.count, 6000);
  assert.equal(rec.percentileMs(10), 600 / 1e6);
  assert.equal(rec.percentileMs(50), 2000 / 1e6);
});

test('a recorder with no samples refuses to invent a percentile', () => {
  assert.throws(() => new LatencyRecorder().percentileMs(50), RangeError);
  const rec = new LatencyRecorder();
  rec.record(1);
  assert.throws(() => rec.percentileMs(0), RangeError);
  assert.throws(() => rec.percentileMs(101), RangeError);
});

test('makeRow computes rates and puts null where a field does not apply', () => {
  const row = makeRow({
    scenario: 's',
    label: 'l',
    concurrency: 4,
    ops: 1000,
    errors: 2,
    elapsedNs: 2_000_000_000n,
    bytes: 4 * 1024 * 1024,
  });
  assert.deepEqual(Object.keys(row), [...ROW_FIELDS]);
  assert.equal(row.opsPerSec, 500);
  assert.equal(row.mbPerSec, 2);
  assert.equal(row.p50Ms, null);
  assert.equal(row.serverRssMb, null);
  assert.equal(row.serverCpuS, null);
  assert.equal(row.serverLoopP99Ms, null);
  assert.equal(row.serverLoopMaxMs, null);
  const noBytes = makeRow({
    ...row,
    elapsedNs: 1n,
    serverRssMb: 12.5,
    serverCpuS: 0.25,
    serverLoopP99Ms: 0.5,
    serverLoopMaxMs: 3.25,
  });
  assert.equal(noBytes.mbPerSec, null);
  assert.equal(noBytes.serverRssMb, 12.5);
  assert.equal(noBytes.serverCpuS, 0.25);
  assert.deepEqual([noBytes.serverLoopP99Ms, noBytes.serverLoopMaxMs], [0.5, 3.25]);
});

test('the table has one aligned column per field, "-" for nulls', () => {
  const rows = [
    makeRow({
      scenario: 'codec',
      label: 'a',
      concurrency: 1,
      ops: 5,
      errors: 0,
      elapsedNs: 10n ** 9n,
    }),
    makeRow({
      scenario: 'upload',
      label: 'a longer label',
      concurrency: 16,
      ops: 1234567,
      errors: 0,
      elapsedNs: 10n ** 9n,
      bytes: 1024 * 1024,
    }),
  ];
  const lines = formatTable(rows).trimEnd().split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[0]!, /^scenario {2}label +conc +ops +errors +ops\/s +MB\/s +p50 ms/);
  assert.match(lines[3]!, /1,234,567/);
  assert.match(lines[2]!, / - +- +- +- +- +-$/);
  // Right-aligned numbers: the "ops" column ends at the same offset in every line.
  const opsEnd = lines[0]!.indexOf('ops ') + 3;
  assert.equal(lines[2]!.slice(0, opsEnd).endsWith('5'), true);
  assert.equal(lines[3]!.slice(0, opsEnd).endsWith('1,234,567'), true);
});

test('writeResultFile creates the folder and writes every row field in order', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-bench-report-'));
  try {
    const target = join(dir, 'nested', 'results');
    const row = makeRow({
      scenario: 'codec',
      label: 'x',
      concurrency: 1,
      ops: 1,
      errors: 0,
      elapsedNs: 1n,
    });
    const path = await writeResultFile(
      target,
      { scenario: 'codec', startedAt: new Date('2026-01-02T03:04:05.678Z'), options: {} },
      [row],
    );
    assert.equal(path, join(target, 'codec-2026-01-02T03-04-05-678Z.json'));
    assert.deepEqual(await readdir(target), ['codec-2026-01-02T03-04-05-678Z.json']);
    const doc = JSON.parse(await readFile(path, 'utf8')) as { rows: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(doc.rows[0]!), [...ROW_FIELDS]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
