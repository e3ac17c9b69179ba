// fdfs_tracker_stat (§12) against the 9 recorded C runs, stdout byte for byte. The run whose
// connection was recorded (a-tracker-stat: 95 then 96 on one connection) is replayed request for
// request. For the others the fake trackers answer 95 with the leader the run printed and 96
// (only at that leader; EOPNOTSUPP elsewhere, as a follower answers) with the records the run
// printed; the 3-byte filter our tool sends must be the one §12 gives for the run's flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrackerCommand as T } from '#src/protocol/commands.js';
import { encodeLeaderReply } from '#src/protocol/messages/tracker-admin.js';
import {
  encodeTrackerClusterStatReply,
  type TrackerClusterStat,
} from '#src/protocol/structs/tracker-cluster-stat.js';
import { connectionScripts, ReplayCluster, type Fill } from './support/tool-replay.js';
import { commandArgs, runFolder, runOurTool, toolRuns, type ToolRun } from './support/tool-runs.js';

const runs = toolRuns().filter((r) => r.tool === 'fdfs_tracker_stat');

const TRACKERS = {
  A: ['127.0.0.11:22200'],
  B: ['127.0.0.21:22300', '127.0.0.24:22300'],
};
const clusterOf = (run: ToolRun): 'A' | 'B' => (run.case.startsWith('b-') ? 'B' : 'A');

/** §12: -A/-N filter value 1 with is_active 1/0, -L/-F value 2 with is_leader 1/0. */
const FILTERS: Record<string, string> = {
  '': '000000',
  '-d': '000000',
  '-A': '010100',
  '-N': '010000',
  '-L': '020001',
  '-F': '020000',
};

const seconds = (date: string): number => Date.parse(`${date.replace(' ', 'T')}Z`) / 1000;

/** The records a run printed (with -d: version and times too). */
function printedRecords(stdout: string): TrackerClusterStat[] {
  const re =
    /^(\S+), is_leader: (\d), is_active: (\d), connections \{alloc: (\d+), current: (\d+), max: (\d+)\}\n(?: {2}version: (\S+), up_time: (\S+ \S+)(?:, last_heartbeat_time: (\S+ \S+))?\n)?/gm;
  return [...stdout.matchAll(re)].map((m) => ({
    host: m[1]!,
    isLeader: Number(m[2]),
    isActive: Number(m[3]),
    allocCount: Number(m[4]),
    currentCount: Number(m[5]),
    maxCount: Number(m[6]),
    version: m[7] ?? '6.16.1',
    upTime: m[8] ? seconds(m[8]) : 1_795_263_445,
    lastHeartbeatTime: m[9] ? seconds(m[9]) : 0,
  }));
}

function fillFor(run: ToolRun, flags: string): { fill: Fill; leader: string } {
  const records = printedRecords(run.stdout);
  const leader = records.find((r) => r.isLeader === 1)?.host ?? TRACKERS[clusterOf(run)].at(-1)!;
  const colon = leader.lastIndexOf(':');
  const fill: Fill = (server, cmd, body) => {
    if (cmd === T.SERVER_GET_LEADER) {
      return encodeLeaderReply({
        ip: leader.slice(0, colon),
        port: Number(leader.slice(colon + 1)),
      });
    }
    if (cmd !== T.SERVER_TRACKER_CLUSTER_STAT) return undefined;
    if (server !== leader) return { status: 95 };
    assert.equal(body.toString('hex'), FILTERS[flags], `filter of ${flags || 'no flags'}`);
    return encodeTrackerClusterStatReply(records);
  };
  return { fill, leader };
}

test('the 9 recorded fdfs_tracker_stat runs are all here', () => {
  assert.equal(runs.length, 9);
});

for (const run of runs) {
  test(`fdfs_tracker_stat ${run.case} prints as recorded`, async () => {
    const args = commandArgs(run.command);
    const flags = args.filter((a) => a !== '-c' && a !== 'client.conf').join(' ');
    const cluster = clusterOf(run);
    const { fill } = fillFor(run, flags);
    const scripts = connectionScripts(run.case);
    const replay = new ReplayCluster(scripts, fill);
    const folder = runFolder(cluster);
    try {
      await replay.listen([...TRACKERS[cluster], ...scripts.keys()]);
      const result = await runOurTool(run.tool, args, folder.dir);
      const problems = replay.check();
      assert.deepEqual(problems, [], `${problems.join('\n')}\nstderr: ${result.stderr}`);
      if (scripts.size > 0) assert.deepEqual(replay.filled, [], 'every exchange was recorded');
      assert.equal(result.stderr, '');
      assert.equal(result.stdout, run.stdout);
      assert.equal(result.code, run.exitCode);
    } finally {
      await replay.close();
      folder.remove();
    }
  });
}
