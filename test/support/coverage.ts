// Which recorded packets each codec is checked against, kept in test/vectors/coverage.json.
// Each vector test records a (codec, packet file) pair once that check has passed, then compares
// what it recorded with its area of coverage.json, so a packet that silently stops being checked
// (a filter changed, a table entry dropped) fails the test instead of vanishing unnoticed.
// `node scripts/update-coverage.mjs` rewrites the file: it runs the tests with
// FDFS_WRITE_COVERAGE=<dir>, where each area is written to <dir>/<area>.json instead of compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vectorPath } from './vectors.js';

/** Codec name → packet files (sorted, no duplicates). */
export type CoverageTable = Record<string, string[]>;

const COVERAGE_FILE = vectorPath('coverage.json');
const UPDATE_HINT =
  'If the change is intended, run `npm run build && node scripts/update-coverage.mjs` and review ' +
  'the diff of test/vectors/coverage.json. If other tests of this file failed, fix them first: ' +
  'a failed check records nothing.';
const MAX_LISTED = 25;

/** Collects the (codec, packet file) pairs a test file has checked. */
export class CoverageRecorder {
  private readonly pairs = new Map<string, Set<string>>();

  record(codec: string, file: string): void {
    let files = this.pairs.get(codec);
    if (!files) this.pairs.set(codec, (files = new Set()));
    files.add(file);
  }

  table(): CoverageTable {
    return normalize(
      Object.fromEntries([...this.pairs].map(([codec, files]) => [codec, [...files]])),
    );
  }
}

/** Codec names in order, file lists sorted and without duplicates. */
export function normalize(table: CoverageTable): CoverageTable {
  return Object.fromEntries(
    Object.keys(table)
      .sort()
      .map((codec) => [codec, [...new Set(table[codec])].sort()]),
  );
}

function pairsOf(table: CoverageTable): Set<string> {
  return new Set(
    Object.entries(table).flatMap(([codec, files]) => files.map((f) => `${codec}: ${f}`)),
  );
}

/** The differences, one line each: `+` checked but not listed, `-` listed but no longer checked. */
function describeDifference(listed: CoverageTable, computed: CoverageTable): string[] {
  const before = pairsOf(listed);
  const after = pairsOf(computed);
  const lines = [
    ...[...after].filter((p) => !before.has(p)).map((p) => `  + ${p}  (checked, not listed)`),
    ...[...before].filter((p) => !after.has(p)).map((p) => `  - ${p}  (listed, no longer checked)`),
  ];
  // A codec listed with no file, or files out of order: the pair sets agree but the tables do not.
  if (lines.length === 0)
    lines.push('  (same pairs; the listed section is not sorted or has empty entries)');
  if (lines.length > MAX_LISTED) {
    return [...lines.slice(0, MAX_LISTED), `  ... and ${lines.length - MAX_LISTED} more`];
  }
  return lines;
}

function readArea(area: string): CoverageTable | undefined {
  if (!existsSync(COVERAGE_FILE)) return undefined;
  const all = JSON.parse(readFileSync(COVERAGE_FILE, 'utf8')) as Record<string, CoverageTable>;
  return all[area];
}

/**
 * Assert that the `area` section of test/vectors/coverage.json equals `computed`. With
 * FDFS_WRITE_COVERAGE=<dir> set, write `computed` to <dir>/<area>.json instead.
 */
export function checkCoverage(area: string, computed: CoverageTable): void {
  const table = normalize(computed);
  const writeDir = process.env['FDFS_WRITE_COVERAGE'];
  if (writeDir) {
    writeFileSync(join(writeDir, `${area}.json`), `${JSON.stringify(table, null, 2)}\n`);
    return;
  }
  const listed = readArea(area);
  if (listed === undefined) {
    assert.fail(`test/vectors/coverage.json has no "${area}" section. ${UPDATE_HINT}`);
  }
  const message = [
    `test/vectors/coverage.json "${area}" differs from the packets this test checked:`,
    ...describeDifference(listed, table),
    UPDATE_HINT,
  ].join('\n');
  assert.deepEqual(listed, table, message);
}

/** A run that selects tests by name checks only some packets: the table cannot be compared. */
const PARTIAL_RUN = process.execArgv.some(
  (a) =>
    a.startsWith('--test-name-pattern') ||
    a.startsWith('--test-skip-pattern') ||
    a.startsWith('--test-only'),
);

/**
 * Declare the test that checks the coverage of `area`; call it after every other test of the file
 * (node:test runs a file's top-level tests in order).
 */
export function coverageTest(area: string, recorder: CoverageRecorder): void {
  test(
    `coverage.json "${area}" lists exactly the packets checked above`,
    { skip: PARTIAL_RUN && 'tests were selected by name' },
    () => checkCoverage(area, recorder.table()),
  );
}
