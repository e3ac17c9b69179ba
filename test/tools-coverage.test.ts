// Issue 6: every recorded run of the C tools is compared with ours somewhere — replayed byte for
// byte (tools-replay), compared on a live cluster (a tools-live* suite, which itself fails unless
// it compared every run listed for it), compared by tools-tracker-stat (fdfs_tracker_stat), or excluded with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './support/paths.js';
import {
  EXCLUDED,
  LIVE_CASES,
  TRACKER_STAT_RUNS,
  replayedCases,
  type LiveSuite,
} from './support/tool-coverage.js';
import { toolRuns } from './support/tool-runs.js';

const runs = toolRuns();
const byCase = new Map(runs.map((r) => [r.case, r]));
const replayed = new Set(
  [...replayedCases()].filter((c) => byCase.has(c) && byCase.get(c)!.tool !== 'fdfs_tracker_stat'),
);
const suites = Object.keys(LIVE_CASES) as LiveSuite[];
const live = new Set<string>(suites.flatMap((s) => [...LIVE_CASES[s]]));

test('the 140 recorded runs have distinct case names; 40 of them are replayed', () => {
  assert.equal(runs.length, 140);
  assert.equal(byCase.size, 140);
  assert.equal(replayed.size, 40, 'as tools-replay counts them');
});

test('every recorded run is replayed, compared live, by tools-tracker-stat, or excluded', () => {
  const nowhere = runs
    .map((r) => r.case)
    .filter(
      (c) => !replayed.has(c) && !live.has(c) && !TRACKER_STAT_RUNS.includes(c) && !(c in EXCLUDED),
    );
  assert.deepEqual(nowhere, [], 'runs compared nowhere');
});

test('every listed case is a recorded run, listed once per suite', () => {
  const listed = [
    ...suites.flatMap((s) => LIVE_CASES[s].map((c) => `${s}: ${c}`)),
    ...TRACKER_STAT_RUNS.map((c) => `tracker-stat: ${c}`),
    ...Object.keys(EXCLUDED).map((c) => `excluded: ${c}`),
  ];
  for (const entry of listed) {
    const c = entry.slice(entry.indexOf(': ') + 2);
    assert.ok(byCase.has(c), `${entry} is not a recorded run`);
  }
  assert.equal(new Set(listed).size, listed.length, 'a case listed twice in one place');
});

test('tracker-stat and excluded runs are compared nowhere else; exclusions are few and justified', () => {
  for (const c of TRACKER_STAT_RUNS) {
    assert.equal(byCase.get(c)?.tool, 'fdfs_tracker_stat', `${c} is a fdfs_tracker_stat run`);
    assert.ok(!live.has(c) && !(c in EXCLUDED), c);
  }
  for (const [c, reason] of Object.entries(EXCLUDED)) {
    assert.ok(!replayed.has(c) && !live.has(c), `${c} is excluded yet compared`);
    assert.ok(reason.length > 20, `${c}: a real reason`);
  }
  assert.ok(Object.keys(EXCLUDED).length <= 5, 'exclusions must stay few');
});

test('each live suite exists, compares through LiveComparison and checks it compared all', () => {
  for (const suite of suites) {
    const path = join(REPO_ROOT, 'test', `${suite}.test.ts`);
    assert.ok(existsSync(path), `${path} exists`);
    const source = readFileSync(path, 'utf8');
    assert.ok(source.includes(`new LiveComparison('${suite}'`), `${suite} uses its own list`);
    assert.ok(source.includes('.assertAllCompared()'), `${suite} checks it compared every case`);
  }
});

test('tools-tracker-stat compares exactly the fdfs_tracker_stat runs', () => {
  const ofTool = runs.filter((r) => r.tool === 'fdfs_tracker_stat').map((r) => r.case);
  assert.deepEqual([...TRACKER_STAT_RUNS].sort(), ofTool.sort());
  const source = readFileSync(join(REPO_ROOT, 'test', 'tools-tracker-stat.test.ts'), 'utf8');
  assert.ok(source.includes("r.tool === 'fdfs_tracker_stat'"), 'it takes every run of the tool');
});
