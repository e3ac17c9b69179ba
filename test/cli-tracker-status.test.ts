// `fdfs tracker-status` against a live tracker and storage (in this process), run as a child
// process: the text and --json, with the leader's TRACKER_CLUSTER_STAT (96) view.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { CLI_PATH } from './support/paths.js';
import { HOST, startNodes, type LiveNodes } from './support/storage-node.js';

function fdfs(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_PATH, ...args],
      { env: { ...process.env, FDFS_CLIENT_CONF: '' }, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('fdfs tracker-status', { timeout: 90_000 }, () => {
  let nodes: LiveNodes;
  let tracker: string;

  before(async () => {
    nodes = await startNodes();
    tracker = `${HOST}:${nodes.trackerPort}`;
  });
  after(() => nodes?.close());

  test('--json: the lone tracker leads, and its 96 view lists it active', async () => {
    let view: {
      leader: string | null;
      trackers: { tracker: string; role: string }[];
      cluster: { host: string; isLeader: number; isActive: number }[] | null;
    };
    // The lone tracker leads once the storage's join made the cluster known.
    for (let i = 0; ; i++) {
      const run = await fdfs(['tracker-status', '--tracker', tracker, '--json']);
      assert.equal(run.code, 0, run.stderr);
      view = JSON.parse(run.stdout) as typeof view;
      if (view.cluster || i > 50) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(view.leader, tracker);
    assert.deepEqual(
      view.trackers.map((t) => [t.tracker, t.role]),
      [[tracker, 'leader']],
    );
    assert.deepEqual(
      view.cluster?.map((c) => [c.host, c.isLeader, c.isActive]),
      [[tracker, 1, 1]],
    );
  });

  test('text: one line per tracker, then the leader’s view', async () => {
    const run = await fdfs(['tracker-status', '--tracker', tracker]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines[0], `trackers: 1, leader: ${tracker}`);
    assert.match(lines[1]!, new RegExp(`^  ${tracker}  leader  running \\d+ s`));
    assert.equal(lines[2], "the leader's view (1):");
    assert.match(lines[3]!, new RegExp(`^  ${tracker}  leader  active  version 6\\.16\\.1`));
  });

  test('an unreachable tracker: down, exit 0, no leader', async () => {
    const run = await fdfs(['tracker-status', '--tracker', `${HOST}:1`]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^trackers: 1, leader: none known\n {2}\S+:1 {2}down/);
  });
});
