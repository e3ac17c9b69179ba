// NOTIFY_RESELECT_LEADER (68) from the storage (§9.12, §9.13): the pure decision, and two fake
// trackers whose beat replies each name themselves the leader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrackerCommand as C } from '../../protocol/commands.js';
import { encodeTrackerStatus } from '../../protocol/structs/tracker-cluster.js';
import { FakeHost } from './fake-host.test.helper.js';
import { FakeTracker, standardTracker, type StandardOptions } from './fake-tracker.test.helper.js';
import { TrackerReporters } from './index.js';
import { reselectTargets } from './leader-check.js';

test('reselectTargets: both, only when two different trackers lead', () => {
  assert.deepEqual(reselectTargets(0, 1, true), [0, 1]);
  assert.deepEqual(reselectTargets(0, 1, false), [], 'the old leader was replaced');
  assert.deepEqual(reselectTargets(1, 1, true), [], 'the same leader');
  assert.deepEqual(reselectTargets(-1, 1, true), [], 'no leader before');
});

/** Two fake trackers; each names itself leader in beat replies, and says if_leader = `leads`. */
async function twoLeaders(leads: [boolean, boolean], until: (t: FakeTracker[]) => Promise<void>) {
  const options = (i: number): StandardOptions => ({
    sync: (req, fake) =>
      req.cmd === C.STORAGE_BEAT
        ? { leader: { status: 0, port: fake.port, id: fake.host, ipAddr: fake.host } }
        : undefined,
    override: (req) =>
      req.cmd === C.TRACKER_GET_STATUS
        ? {
            body: encodeTrackerStatus({
              ifLeader: leads[i] ? 1 : 0,
              runningTime: 0,
              restartInterval: 0,
            }),
          }
        : undefined,
  });
  const trackers = await Promise.all(
    [0, 1].map((i) => FakeTracker.start(standardTracker(options(i)))),
  );
  const reporters = new TrackerReporters({
    config: {
      trackerServers: trackers.map((t) => t.address),
      clientBind: false,
      bindAddr: [],
      heartBeatInterval: 1,
      statReportInterval: 1,
      connectTimeout: 2,
      networkTimeout: 5,
    },
    host: new FakeHost({ syncOldDone: true }),
    timing: { heartBeatMs: 100, statReportMs: 300, fastBeatMs: 30, pollMs: 50, retryMs: 50 },
  });
  try {
    await reporters.start();
    await until(trackers);
  } finally {
    await reporters.stop();
    await Promise.all(trackers.map((t) => t.close()));
  }
}

test('two trackers both lead: 68 to each of them', async () => {
  await twoLeaders([true, true], async (trackers) => {
    await Promise.all(trackers.map((t) => t.waitForCmd(C.TRACKER_NOTIFY_RESELECT_LEADER)));
    for (const t of trackers) {
      const r = t.requests.find((x) => x.cmd === C.TRACKER_NOTIFY_RESELECT_LEADER)!;
      assert.equal(r.body.length, 0);
    }
  });
});

test('a leader that no longer leads was replaced: no 68', async () => {
  await twoLeaders([false, false], async (trackers) => {
    // Both have named themselves and been asked 64 by now; wait a few beats more.
    await Promise.all(trackers.map((t) => t.waitForCmd(C.STORAGE_BEAT, 4)));
    const asked = trackers.reduce((n, t) => n + t.count(C.TRACKER_GET_STATUS), 0);
    assert.ok(asked >= 1, 'the previous leader was asked');
    assert.equal(
      trackers.reduce((n, t) => n + t.count(C.TRACKER_NOTIFY_RESELECT_LEADER), 0),
      0,
    );
  });
});
