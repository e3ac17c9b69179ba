// Rewrites test/vectors/coverage.json (which recorded packets each codec is checked against) from
// what the vector tests actually check. Run `npm run build` first; this script builds nothing.
// Usage: node scripts/update-coverage.mjs
// The tests run with FDFS_WRITE_COVERAGE=<temp dir>, where each writes <area>.json instead of
// comparing (test/support/coverage.ts). Nothing is written unless every test passes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const COVERAGE_FILE = join(REPO_ROOT, 'test', 'vectors', 'coverage.json');
/** The test files that call checkCoverage (substrings for scripts/run-tests.mjs). */
const TEST_FILES = [
  'vectors-framing',
  'vectors-structs',
  'vectors-messages',
  'vectors-file-ids',
  'config-samples',
  'vectors-tracker-messages',
  'vectors-clients',
];

function sortedTable(table) {
  return Object.fromEntries(
    Object.keys(table)
      .sort()
      .map((codec) => [codec, [...new Set(table[codec])].sort()]),
  );
}

function run(dir) {
  const result = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'scripts', 'run-tests.mjs'), ...TEST_FILES],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, FDFS_WRITE_COVERAGE: dir },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  if (result.status !== 0) {
    process.stdout.write(result.stdout ?? '');
    process.stderr.write(result.stderr ?? '');
    throw new Error(
      `the tests failed (exit ${result.status ?? result.signal}): coverage.json left unchanged`,
    );
  }
}

function main() {
  const dir = mkdtempSync(join(tmpdir(), 'fdfs-coverage-'));
  try {
    run(dir);
    const areas = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort();
    if (areas.length === 0) throw new Error('no test wrote its coverage (did the build run?)');
    const merged = {};
    for (const area of areas) {
      merged[area] = sortedTable(JSON.parse(readFileSync(join(dir, `${area}.json`), 'utf8')));
    }
    if (existsSync(COVERAGE_FILE)) {
      const old = JSON.parse(readFileSync(COVERAGE_FILE, 'utf8'));
      for (const area of Object.keys(old).filter((a) => !(a in merged))) {
        console.warn(`dropped area "${area}": no test wrote it`);
      }
    }
    writeFileSync(COVERAGE_FILE, `${JSON.stringify(merged, null, 2)}\n`);
    for (const [area, table] of Object.entries(merged)) {
      const files = new Set(Object.values(table).flat());
      console.log(`${area}: ${Object.keys(table).length} codecs, ${files.size} packet files`);
    }
    console.log(`wrote ${COVERAGE_FILE}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
