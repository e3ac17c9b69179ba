// The report connections (§9.13 steps 1–6) against fake trackers on loopback, port 0: order,
// bodies, reply handling, reconnects, backoff, the faster beat, CHANGE_STATUS and stop().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrackerCommand as C } from '../../protocol/commands.js';
import {
  encodeReportStatusRequest,
  encodeSyncReportRequest,
} from '../../protocol/messages/tracker-reports.js';
import { StorageStatus as S } from '../../protocol/status.js';
import { decodeStorageJoinBody } from '../../protocol/structs/join-body.js';
import { STORAGE_STAT_BLOCK_SIZE } from '../../protocol/structs/storage-stat-block.js';
import { FakeHost } from './fake-host.test.helper.js';
import {
  FakeTracker,
  standardTracker,
  type Recorded,
  type StandardOptions,
} from './fake-tracker.test.helper.js';
import { TrackerReporters, type ReporterTiming } from './index.js';

const BIND = '127.0.0.2';
const PEER = '127.0.0.3';
const FAST: Partial<ReporterTiming> = {
  heartBeatMs: 100,
  statReportMs: 300,
  fastBeatMs: 30,
  pollMs: 50,
  retryMs: 50,
  backoffMaxMs: 400,
};

interface Setup {
  trackers: FakeTracker[];
  host: FakeHost;
  reporters: TrackerReporters;
}

async function withReporters(
  options: StandardOptions[],
  host: FakeHost,
  fn: (s: Setup) => Promise<void>,
  extra: { timing?: Partial<ReporterTiming>; clientBind?: boolean } = {},
): Promise<void> {
  const trackers = await Promise.all(options.map((o) => FakeTracker.start(standardTracker(o))));
  const reporters = new TrackerReporters({
    config: {
      trackerServers: trackers.map((t) => t.address),
      clientBind: extra.clientBind ?? true,
      bindAddr: [BIND],
      heartBeatInterval: 1,
      statReportInterval: 1,
      connectTimeout: 2,
      networkTimeout: 5,
    },
    host,
    timing: { ...FAST, ...extra.timing },
  });
  try {
    await reporters.start();
    await fn({ trackers, host, reporters });
  } finally {
    await reporters.stop();
    await Promise.all(trackers.map((t) => t.close()));
  }
}

const brief = (id: string, status: number, port = 23000) => ({ id, ipAddr: id, port, status });
const leaderOf = (t: FakeTracker) => ({ status: 0, port: t.port, id: t.host, ipAddr: t.host });
const isJoin = (r: Recorded) => r.cmd === C.STORAGE_JOIN;

test('first start, one tracker: 81, 87, 88, 83, 77, 84 on one bound connection (§9.13)', async () => {
  const host = new FakeHost();
  await withReporters([{}], host, async ({ trackers: [t] }) => {
    const disk = await t!.waitForCmd(C.STORAGE_REPORT_DISK_USAGE);
    assert.deepEqual(t!.commands(disk.conn), [
      C.STORAGE_JOIN,
      C.STORAGE_SYNC_DEST_REQ,
      C.STORAGE_SYNC_NOTIFY,
      C.STORAGE_BEAT,
      C.STORAGE_CHANGELOG_REQ,
      C.STORAGE_REPORT_DISK_USAGE,
    ]);
    const join = decodeStorageJoinBody(t!.requests.find(isJoin)!.body);
    assert.equal(join.initFlag, 1);
    assert.equal(join.status, 0, 'a lone tracker: INIT, never −1');
    assert.equal(join.storageId, '', 'storage ids off');
    assert.equal(join.currentTrackerIp, t!.host);
    assert.deepEqual(join.trackers, [`${t!.host}:${t!.port}`]);
    const notify = t!.requests.find((r) => r.cmd === C.STORAGE_SYNC_NOTIFY)!;
    assert.deepEqual(notify.body, Buffer.alloc(24), 'nothing to copy');
    assert.equal(t!.requests.find((r) => r.cmd === C.STORAGE_BEAT)!.body.length, 0);
    assert.equal(t!.requests.find((r) => r.cmd === C.STORAGE_CHANGELOG_REQ)!.body.length, 0);
    assert.deepEqual(host.sources, [
      { source: { srcId: '', untilTimestamp: 0 }, cause: 'assigned' },
    ]);
    assert.ok(
      t!.requests.every((r) => r.peer.address === BIND),
      'client_bind: bound to bind_addr',
    );
  });
});

test('two trackers: 87 on one, 88 under the lock to the other, then 88 on both; the first join says −1', async () => {
  const src = { srcId: '100001', untilTimestamp: 1795263574 };
  const host = new FakeHost();
  await withReporters([{ syncDest: src }, { syncDest: src }], host, async ({ trackers }) => {
    await Promise.all(trackers.map((t) => t.waitForCmd(C.STORAGE_BEAT)));
    const asked = trackers.filter((t) => t.count(C.STORAGE_SYNC_DEST_REQ) === 1);
    assert.equal(asked.length, 1, 'exactly one 87');
    const other = trackers.find((t) => t !== asked[0])!;
    assert.equal(other.count(C.STORAGE_SYNC_DEST_REQ), 0);
    const notifies = other.requests.filter((r) => r.cmd === C.STORAGE_SYNC_NOTIFY);
    assert.equal(notifies.length, 2, 'the relayed answer, then the current source');
    for (const n of notifies)
      assert.equal(n.body.toString('hex'), '31303030303100000000000000000000000000006b018c56');
    assert.equal(asked[0]!.count(C.STORAGE_SYNC_NOTIFY), 1);
    const joins = trackers.flatMap((t) => t.requests.filter(isJoin)).sort((a, b) => a.at - b.at);
    assert.equal(decodeStorageJoinBody(joins[0]!.body).status, -1);
    assert.equal(joins[0]!.body[74], 0xff);
    assert.deepEqual(host.sources, [{ source: src, cause: 'assigned' }]);
  });
});

test('beat replies: the leader and the member list reach the host, our brief gives our status', async () => {
  const host = new FakeHost();
  let beats = 0;
  const sync: StandardOptions['sync'] = (req, fake) =>
    req.cmd === C.STORAGE_BEAT && ++beats === 1
      ? { leader: leaderOf(fake), groupServers: [brief(BIND, S.ACTIVE), brief(PEER, S.ACTIVE)] }
      : undefined;
  await withReporters([{ sync }], host, async ({ trackers: [t], reporters }) => {
    await t!.waitForCmd(C.STORAGE_BEAT, 2);
    assert.deepEqual(host.leaders, [leaderOf(t!)]);
    assert.deepEqual(reporters.leader(), { index: 0, ip: t!.host, port: t!.port });
    assert.deepEqual(host.lastMembers(), [
      [BIND, S.ACTIVE],
      [PEER, S.ACTIVE],
    ]);
    assert.deepEqual(
      reporters.members().map((b) => b.id),
      [BIND, PEER],
    );
    assert.deepEqual(host.statuses.at(-1), { status: S.ACTIVE, fromLeader: true });
  });
});

test('the tracker drops the connection: the reporter waits heart_beat_interval and joins again', async () => {
  const host = new FakeHost({ syncOldDone: true });
  let beats = 0;
  const override: StandardOptions['override'] = (req) =>
    req.cmd === C.STORAGE_BEAT && ++beats === 2 ? 'drop' : undefined;
  await withReporters([{ override }], host, async ({ trackers: [t], reporters }) => {
    const disconnected = new Promise((resolve) => reporters.once('disconnected', resolve));
    const second = await t!.waitFor(isJoin, 2);
    await disconnected;
    const dropped = t!.requests.filter((r) => r.cmd === C.STORAGE_BEAT)[1]!;
    assert.notEqual(second.conn, dropped.conn);
    assert.ok(second.at - dropped.at >= FAST.heartBeatMs! * 0.9, 'waited heart_beat_interval');
    assert.equal(decodeStorageJoinBody(second.body).initFlag, 0);
    await t!.waitForCmd(C.STORAGE_BEAT, 3);
  });
});

test('backoff: a join that keeps failing is retried after 1, 2, 4 heartbeats, capped', async () => {
  const host = new FakeHost({ syncOldDone: true });
  const override: StandardOptions['override'] = (req) => (isJoin(req) ? { status: 11 } : undefined);
  const timing = { heartBeatMs: 50, backoffMaxMs: 200 };
  await withReporters(
    [{ override }],
    host,
    async ({ trackers: [t] }) => {
      await t!.waitFor(isJoin, 5);
      const at = t!.requests.filter(isJoin).map((r) => r.at);
      const gaps = at.slice(1).map((v, i) => v - at[i]!);
      const expected = [50, 100, 200, 200];
      gaps.slice(0, 4).forEach((gap, i) => {
        assert.ok(gap >= expected[i]! * 0.9, `gap ${i}: ${gap} ≥ ${expected[i]}`);
        assert.ok(gap < expected[i]! + 150, `gap ${i}: ${gap} ≈ ${expected[i]}`);
      });
    },
    { timing },
  );
});

test('membership changing: beats every fastBeat while a member is not ACTIVE, then heart_beat_interval', async () => {
  const host = new FakeHost({ syncOldDone: true });
  let beats = 0;
  const sync: StandardOptions['sync'] = (req, fake) => {
    if (req.cmd !== C.STORAGE_BEAT) return undefined;
    beats++;
    if (beats === 1) {
      return {
        leader: leaderOf(fake),
        groupServers: [brief(BIND, S.ACTIVE), brief(PEER, S.WAIT_SYNC)],
      };
    }
    if (beats === 6) return { groupServers: [brief(BIND, S.ACTIVE), brief(PEER, S.ACTIVE)] };
    return undefined;
  };
  const timing = { heartBeatMs: 400, fastBeatMs: 40, statReportMs: 10_000 };
  await withReporters(
    [{ sync }],
    host,
    async ({ trackers: [t] }) => {
      await t!.waitForCmd(C.STORAGE_BEAT, 8, 5000);
      const at = t!.requests.filter((r) => r.cmd === C.STORAGE_BEAT).map((r) => r.at);
      const gaps = at.slice(1).map((v, i) => v - at[i]!);
      for (const gap of gaps.slice(0, 5)) assert.ok(gap < 200, `fast gap ${gap}`);
      for (const gap of gaps.slice(5, 7)) assert.ok(gap >= 350, `slow gap ${gap}`);
    },
    { timing },
  );
});

test('the host says a change is pending: beats go fast too', async () => {
  const host = new FakeHost({ syncOldDone: true });
  host.changing = true;
  const timing = { heartBeatMs: 1000, fastBeatMs: 40, statReportMs: 10_000 };
  await withReporters(
    [{}],
    host,
    async ({ trackers: [t] }) => {
      await t!.waitForCmd(C.STORAGE_BEAT, 4, 2000);
      const at = t!.requests.filter((r) => r.cmd === C.STORAGE_BEAT).map((r) => r.at);
      assert.ok(at[3]! - at[0]! < 600, 'three fast beats well within one heart_beat_interval');
    },
    { timing },
  );
});

test('CHANGE_STATUS: a follower that sees us INIT while the leader says ACTIVE gets 59, then a new join', async () => {
  const host = new FakeHost({ syncOldDone: true });
  const leaderSync: StandardOptions['sync'] = (req, fake) =>
    req.cmd === C.STORAGE_BEAT
      ? { leader: leaderOf(fake), groupServers: [brief(BIND, S.ACTIVE)] }
      : undefined;
  let followerJoins = 0;
  const follower: StandardOptions = {
    join: () => ({ myStatus: ++followerJoins === 1 ? S.INIT : S.ACTIVE, srcId: '' }),
  };
  await withReporters([{ sync: leaderSync }, follower], host, async ({ trackers: [, f] }) => {
    const change = await f!.waitForCmd(C.STORAGE_CHANGE_STATUS);
    assert.deepEqual(change.body, Buffer.from([S.ACTIVE]));
    const rejoin = await f!.waitFor(isJoin, 2);
    assert.notEqual(rejoin.conn, change.conn, 'the connection ended after 59');
    await f!.waitForCmd(C.STORAGE_BEAT, 2);
    assert.equal(f!.count(C.STORAGE_CHANGE_STATUS), 1);
  });
});

test('the stat block goes out only when it changed; SYNC_REPORT only when the timestamps did', async () => {
  const host = new FakeHost({ syncOldDone: true });
  const sync: StandardOptions['sync'] = (req, fake) =>
    req.cmd === C.STORAGE_BEAT && fake.count(C.STORAGE_BEAT) === 1
      ? { leader: leaderOf(fake), groupServers: [brief(BIND, S.ACTIVE), brief(PEER, S.ACTIVE)] }
      : undefined;
  await withReporters([{ sync }], host, async ({ trackers: [t] }) => {
    await t!.waitForCmd(C.STORAGE_BEAT, 2);
    host.stats = { ...host.stats, version: 1 };
    host.timestamps.set(PEER, 1795263049);
    const report = await t!.waitForCmd(C.STORAGE_SYNC_REPORT);
    await t!.waitForCmd(C.STORAGE_BEAT, 5);
    const sizes = t!.requests.filter((r) => r.cmd === C.STORAGE_BEAT).map((r) => r.body.length);
    assert.equal(
      sizes.filter((n) => n === STORAGE_STAT_BLOCK_SIZE).length,
      1,
      `beat sizes ${sizes}`,
    );
    assert.equal(sizes[0], 0);
    assert.deepEqual(
      report.body,
      encodeSyncReportRequest([
        { srcId: BIND, timestamp: 0 },
        { srcId: PEER, timestamp: 1795263049 },
      ]),
    );
    assert.equal(t!.count(C.STORAGE_SYNC_REPORT), 1);
  });
});

test('reportStatus: 76 to every tracker on a short connection ended by QUIT', async () => {
  const host = new FakeHost({ syncOldDone: true });
  await withReporters([{}, {}], host, async ({ trackers, reporters }) => {
    const b = { status: S.SYNCING, port: 0, id: PEER, ipAddr: PEER };
    assert.equal(await reporters.reportStatus(b), 2);
    for (const t of trackers) {
      const req = await t.waitForCmd(C.STORAGE_REPORT_STATUS);
      assert.deepEqual(req.body, encodeReportStatusRequest({ groupName: 'group1', brief: b }));
      await t.waitFor((r) => r.cmd === C.QUIT && r.conn === req.conn);
      assert.deepEqual(t.commands(req.conn), [C.STORAGE_REPORT_STATUS, C.QUIT]);
    }
  });
});

test('the changelog after a beat: our deleted source is cleared and the host told', async () => {
  const host = new FakeHost({ syncOldDone: true, syncSource: { srcId: PEER, untilTimestamp: 5 } });
  const override: StandardOptions['override'] = (req) =>
    req.cmd === C.STORAGE_CHANGELOG_REQ
      ? { body: Buffer.from(`1795263000 group1 ${PEER} 4 \n`) }
      : undefined;
  await withReporters(
    [{ override, join: () => ({ myStatus: S.ACTIVE, srcId: PEER }) }],
    host,
    async ({ trackers: [t] }) => {
      await t!.waitForCmd(C.STORAGE_CHANGELOG_REQ);
      await t!.waitForCmd(C.STORAGE_BEAT, 2);
      assert.deepEqual(host.sources, [
        { source: { srcId: '', untilTimestamp: 5 }, cause: 'cleared' },
      ]);
      assert.equal(host.changelog.length, 1);
    },
  );
});

test('88 answered ENOENT by the lone tracker: the source is cleared, then we join and notify again', async () => {
  const host = new FakeHost({
    syncOldDone: true,
    syncSource: { srcId: '127.0.0.9', untilTimestamp: 5 },
  });
  let notifies = 0;
  const override: StandardOptions['override'] = (req) =>
    req.cmd === C.STORAGE_SYNC_NOTIFY && ++notifies === 1 ? { status: 2 } : undefined;
  await withReporters(
    [{ override, join: () => ({ myStatus: S.ONLINE, srcId: '127.0.0.9' }) }],
    host,
    async ({ trackers: [t] }) => {
      await t!.waitForCmd(C.STORAGE_BEAT);
      assert.deepEqual(host.sources, [
        { source: { srcId: '', untilTimestamp: 5 }, cause: 'cleared' },
      ]);
      const last = t!.requests.filter((r) => r.cmd === C.STORAGE_SYNC_NOTIFY).at(-1)!;
      assert.equal(last.body.subarray(0, 16).toString('hex'), '00'.repeat(16));
    },
  );
});

test('client_bind = false: the system picks the source address', async () => {
  await withReporters(
    [{}],
    new FakeHost(),
    async ({ trackers: [t] }) => {
      await t!.waitForCmd(C.STORAGE_BEAT);
      assert.ok(t!.requests.every((r) => r.peer.address === '127.0.0.1'));
    },
    { clientBind: false },
  );
});

test('stop() closes every connection and ends every loop', async () => {
  const host = new FakeHost({ syncOldDone: true });
  const trackers = await Promise.all([0, 1].map(() => FakeTracker.start(standardTracker())));
  const reporters = new TrackerReporters({
    config: {
      trackerServers: trackers.map((t) => t.address),
      clientBind: true,
      bindAddr: [BIND],
      heartBeatInterval: 1,
      statReportInterval: 1,
      connectTimeout: 2,
      networkTimeout: 5,
    },
    host,
    timing: FAST,
  });
  try {
    await reporters.start();
    await Promise.all(trackers.map((t) => t.waitForCmd(C.STORAGE_BEAT)));
    await reporters.stop();
    const before = trackers.map((t) => t.requests.length);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(
      trackers.map((t) => t.requests.length),
      before,
      'nothing after stop()',
    );
    assert.deepEqual(
      trackers.map((t) => t.connectionCount),
      [0, 0],
    );
    await assert.rejects(reporters.start(), { code: 'ERR_CLOSED' });
  } finally {
    await reporters.stop();
    await Promise.all(trackers.map((t) => t.close()));
  }
});
