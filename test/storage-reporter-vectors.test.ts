// The storage's tracker conversation against the real 6.16.1 recordings (§9.13): the A-boot and
// B-boot captures replayed by fake trackers on the recorded loopback addresses (port 0), our
// requests compared with the recorded ones, and the join / sync-report bodies rebuilt from the
// recorded fields byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '#src/common/logger.js';
import { TrackerCommand as C } from '#src/protocol/commands.js';
import {
  decodeFetchStorageIdsReply,
  encodeFetchStorageIdsReply,
} from '#src/protocol/messages/tracker-identity.js';
import { encodeSyncReportRequest } from '#src/protocol/messages/tracker-reports.js';
import { StorageStatus as S } from '#src/protocol/status.js';
import { decodeBeatResponse, encodeBeatResponse } from '#src/protocol/structs/beat-response.js';
import {
  decodeStorageJoinBody,
  encodeStorageJoinBody,
  type StorageJoinBody,
} from '#src/protocol/structs/join-body.js';
import { FakeHost, testIdentity } from '#src/storage/reporter/fake-host.test.helper.js';
import {
  FakeTracker,
  type FakeScript,
  type Recorded,
} from '#src/storage/reporter/fake-tracker.test.helper.js';
import { TrackerReporters } from '#src/storage/reporter/index.js';
import { joinBodyFor } from '#src/storage/reporter/join-request.js';
import { ReportState } from '#src/storage/reporter/report-state.js';
import { runStartup } from '#src/storage/reporter/startup.js';
import { frameBody, loadPacket, loadPackets } from './support/vectors.js';

const requestOf = (file: string, i = 0): Buffer =>
  frameBody(loadPacket(file).frames.filter((f) => f.from !== 'server')[i]!);
const replyOf = (file: string, i = 0): Buffer =>
  frameBody(loadPacket(file).frames.filter((f) => f.from === 'server')[i]!);
const joinOf = (file: string): StorageJoinBody => decodeStorageJoinBody(requestOf(file));

const TIMING = { heartBeatMs: 100, statReportMs: 250, fastBeatMs: 30, pollMs: 50, retryMs: 50 };

function reportersFor(trackers: FakeTracker[], bind: string, host: FakeHost): TrackerReporters {
  return new TrackerReporters({
    config: {
      trackerServers: trackers.map((t) => t.address),
      clientBind: true,
      bindAddr: [bind],
      heartBeatInterval: 1,
      statReportInterval: 1,
      connectTimeout: 2,
      networkTimeout: 5,
    },
    host,
    timing: TIMING,
  });
}

/** A recorded leader brief pointed at the fake's port (the recording says 22200 / 22300). */
function withLeaderPort(body: Buffer, port: number): Buffer {
  const reply = decodeBeatResponse(body);
  assert.deepEqual(encodeBeatResponse(reply), body, 'the recorded reply re-encodes');
  return encodeBeatResponse({ ...reply, leader: { ...reply.leader!, port } });
}

/** Commands of each recorded storage connection of a capture, keyed by the requester address. */
function recordedConnections(capture: string, storageIp: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const p of loadPackets()) {
    const from = String(p.context.requesterAddr ?? '');
    if (p.context.capture !== capture || !from.startsWith(`${storageIp}:`)) continue;
    if (!String(p.context.producedBy).includes('storage daemon')) continue;
    const cmds = p.frames.filter((f) => f.from !== 'server').map((f) => f.cmd);
    out.set(from, [...(out.get(from) ?? []), ...cmds]);
  }
  return out;
}

const byConnection = (fake: FakeTracker): number[][] => {
  const conns = [...new Set(fake.requests.map((r) => r.conn))];
  return conns.map((c) => fake.commands(c));
};

test('join bodies rebuilt from the recorded fields are the recorded bytes (4 recordings)', () => {
  const cases: { file: string; trackers: { hosts: string[]; port: number }[]; ownId: string }[] = [
    {
      file: 'tracker-81-storage-join-first.json',
      trackers: [{ hosts: ['127.0.0.11'], port: 22200 }],
      ownId: '127.0.0.12',
    },
    {
      file: 'tracker-81-storage-join-second.json',
      trackers: [{ hosts: ['127.0.0.11'], port: 22200 }],
      ownId: '127.0.0.13',
    },
    {
      file: 'tracker-81-storage-join-restart-ip46.json',
      trackers: [{ hosts: ['127.0.0.11'], port: 22200 }],
      ownId: '127.0.0.13',
    },
    {
      file: 'tracker-81-storage-join-2-trackers.json',
      trackers: [
        { hosts: ['127.0.0.21'], port: 22300 },
        { hosts: ['127.0.0.24'], port: 22300 },
      ],
      ownId: '100003',
    },
  ];
  for (const c of cases) {
    const recorded = joinOf(c.file);
    const state = new ReportState(
      c.trackers,
      {
        groupName: recorded.groupName,
        ownId: c.ownId,
        useStorageId: recorded.storageId !== '',
        ipChangedAutoAdjust: true,
      },
      {
        syncOldDone: recorded.initFlag === 0,
        syncSource: { srcId: '', untilTimestamp: 0 },
        lastStatus: undefined,
        offlineWindowMs: 1000,
        pendingWindowMs: 1000,
      },
    );
    // No tracker has answered a join yet: 0 with one tracker, −1 with two (§4.7).
    const body = joinBodyFor({
      identity: testIdentity({
        groupName: recorded.groupName,
        port: recorded.storagePort,
        storePathCount: recorded.storePathCount,
        joinTime: recorded.joinTime,
        upTime: recorded.upTime,
      }),
      self: state.self,
      trackers: c.trackers,
      syncOldDone: recorded.initFlag === 0,
      status: state.joinStatus(),
      currentTrackerIp: recorded.currentTrackerIp,
    });
    assert.deepEqual(encodeStorageJoinBody(body), requestOf(c.file), c.file);
  }
});

test('SYNC_REPORT body: every member of the leader list, ourselves with 0 (tracker-89-sync-report.json)', () => {
  const reply = decodeBeatResponse(replyOf('tracker-89-sync-report.json'));
  const state = new ReportState(
    [{ hosts: ['127.0.0.11'], port: 22200 }],
    { groupName: 'group1', ownId: '127.0.0.13', useStorageId: false, ipChangedAutoAdjust: true },
    {
      syncOldDone: true,
      syncSource: { srcId: '127.0.0.12', untilTimestamp: 1795263070 },
      lastStatus: undefined,
      offlineWindowMs: 1000,
      pendingWindowMs: 1000,
    },
  );
  state.acceptMembers(reply.groupServers!, 0);
  const entries = state.syncReportEntries(new Map([['127.0.0.12', 1795263049]]));
  assert.deepEqual(encodeSyncReportRequest(entries), requestOf('tracker-89-sync-report.json'));
});

test('A-boot replayed: start-up and report sequence and bodies as recorded', async () => {
  let beats = 0;
  const script: FakeScript = (req, fake) => {
    switch (req.cmd) {
      case C.STORAGE_GET_MY_IP:
        return { body: replyOf('tracker-60-get-my-ip.json') };
      case C.STORAGE_PARAMETER_REQ:
        return { body: replyOf('tracker-75-parameter-req-from-storage.json') };
      case C.STORAGE_JOIN:
        return { body: replyOf('tracker-81-storage-join-first.json') };
      case C.STORAGE_SYNC_DEST_REQ:
        return { body: replyOf('tracker-87-sync-dest-req-empty.json') };
      case C.STORAGE_BEAT:
        return ++beats === 1
          ? {
              body: withLeaderPort(
                replyOf('tracker-83-beat-leader-and-group-changed.json'),
                fake.port,
              ),
            }
          : { body: replyOf('tracker-83-beat-with-stats.json') };
      case C.STORAGE_REPORT_DISK_USAGE:
        return { body: replyOf('tracker-84-report-disk-usage.json') };
      default:
        return {};
    }
  };
  const tracker = await FakeTracker.start(script, '127.0.0.11');
  const recordedJoin = joinOf('tracker-81-storage-join-first.json');
  const host = new FakeHost({
    port: 23200,
    storePathCount: 2,
    joinTime: recordedJoin.joinTime,
    upTime: recordedJoin.upTime,
  });
  host.disk = [
    { totalMb: 258019, freeMb: 79330 },
    { totalMb: 258019, freeMb: 79330 },
  ];
  const reporters = reportersFor([tracker], '127.0.0.12', host);
  try {
    await reporters.start();
    const disk = await tracker.waitForCmd(C.STORAGE_REPORT_DISK_USAGE);
    host.stats = { ...host.stats, version: 1 };
    const withStats = await tracker.waitFor((r) => r.cmd === C.STORAGE_BEAT && r.body.length > 0);
    // 76 as replication sends it (tracker-76-report-status-syncing.json, also from 127.0.0.12).
    const syncing = { status: S.SYNCING, port: 0, id: '127.0.0.13', ipAddr: '127.0.0.13' };
    assert.equal(await reporters.reportStatus(syncing), 1);

    const ours = byConnection(tracker);
    assert.deepEqual(ours[0], [C.STORAGE_GET_MY_IP, C.QUIT]);
    assert.deepEqual(ours[1], [C.STORAGE_PARAMETER_REQ]);
    assert.deepEqual(ours[2]!.slice(0, 6), [
      C.STORAGE_JOIN,
      C.STORAGE_SYNC_DEST_REQ,
      C.STORAGE_SYNC_NOTIFY,
      C.STORAGE_BEAT,
      C.STORAGE_CHANGELOG_REQ,
      C.STORAGE_REPORT_DISK_USAGE,
    ]);
    assert.deepEqual(ours.at(-1), [C.STORAGE_REPORT_STATUS, C.QUIT]);
    // The recorded connections of the storage in A-boot: the same commands on the same connections.
    const recorded = [...recordedConnections('A-boot', '127.0.0.12').values()];
    const recordedJoined = recorded.find((c) => c.includes(C.STORAGE_JOIN))!;
    // Recorded: 81, 87, 88, two beats, 84 and 77 — ours up to the second beat holds the same.
    assert.deepEqual(
      recordedJoined.slice().sort(),
      ours[2]!.slice(0, 7).sort(),
      'joined connection',
    );
    assert.ok(recorded.some((c) => c.join() === [C.STORAGE_GET_MY_IP, C.QUIT].join()));
    assert.ok(recorded.some((c) => c.join() === String(C.STORAGE_PARAMETER_REQ)));

    const first = (cmd: number): Recorded => tracker.requests.find((r) => r.cmd === cmd)!;
    assert.deepEqual(first(C.STORAGE_GET_MY_IP).body, requestOf('tracker-60-get-my-ip.json'));
    const join = decodeStorageJoinBody(first(C.STORAGE_JOIN).body);
    assert.deepEqual({ ...join, trackers: ['127.0.0.11:22200'] }, recordedJoin);
    assert.deepEqual(
      first(C.STORAGE_SYNC_NOTIFY).body,
      requestOf('tracker-88-sync-notify-empty.json'),
    );
    assert.equal(first(C.STORAGE_BEAT).body.length, 0, 'the first beat of the recording is empty');
    assert.deepEqual(withStats.body, requestOf('tracker-83-beat-with-stats.json'));
    assert.deepEqual(disk.body, requestOf('tracker-84-report-disk-usage.json'));
    assert.deepEqual(
      first(C.STORAGE_CHANGELOG_REQ).body,
      requestOf('tracker-77-changelog-req.json'),
    );
    assert.deepEqual(
      first(C.STORAGE_REPORT_STATUS).body,
      requestOf('tracker-76-report-status-syncing.json'),
    );
    assert.ok(tracker.requests.every((r) => r.peer.address === '127.0.0.12'));
    // The replies reached the host.
    assert.equal(host.params?.reservedStorageSpace.kind, 'ratio');
    assert.deepEqual(
      host.leaders.map((l) => l?.ipAddr),
      ['127.0.0.11'],
    );
    assert.deepEqual(host.lastMembers(), [['127.0.0.12', S.ACTIVE]]);
  } finally {
    await reporters.stop();
    await tracker.close();
  }
});

test('A-ip46-boot: a restart sends 77 with group and id (tracker-77-changelog-req-with-id.json)', async () => {
  const script: FakeScript = (req) => {
    if (req.cmd === C.STORAGE_PARAMETER_REQ) {
      return { body: replyOf('tracker-75-parameter-req-from-storage.json') };
    }
    if (req.cmd === C.STORAGE_GET_MY_IP) return { body: replyOf('tracker-60-get-my-ip.json') };
    return {};
  };
  const tracker = await FakeTracker.start(script, '127.0.0.11');
  try {
    const host = new FakeHost({ port: 23200, syncOldDone: true, lastIpAddr: '127.0.0.12' });
    await runStartup({
      trackers: [tracker.address],
      link: {
        connectTimeoutMs: 2000,
        networkTimeoutMs: 5000,
        bindAddrs: ['127.0.0.12'],
        signal: new AbortController().signal,
      },
      host,
      identity: host.identity(),
      retryMs: 50,
      logger: silentLogger,
    });
    const req = tracker.requests.find((r) => r.cmd === C.STORAGE_CHANGELOG_REQ)!;
    assert.deepEqual(req.body, requestOf('tracker-77-changelog-req-with-id.json'));
    assert.deepEqual(tracker.commands(req.conn), [C.STORAGE_CHANGELOG_REQ, C.QUIT]);
  } finally {
    await tracker.close();
  }
});

test('B-boot replayed: two trackers, storage ids, 87 on one and 88 on the other, 59 to the follower', async () => {
  const params = replyOf('tracker-75-parameter-req-storage-ids.json');
  const ids = replyOf('tracker-69-70-storage-startup.json', 0);
  const scriptFor =
    (leader: boolean): FakeScript =>
    (req, fake) => {
      switch (req.cmd) {
        case C.STORAGE_GET_MY_IP:
          return { body: Buffer.from(req.peer.address) };
        case C.STORAGE_PARAMETER_REQ:
          return { body: params };
        case C.STORAGE_FETCH_STORAGE_IDS:
          return { body: ids };
        case C.STORAGE_JOIN:
          return { body: replyOf('tracker-81-storage-join-2-trackers.json') };
        case C.STORAGE_BEAT:
        case C.STORAGE_REPORT_DISK_USAGE:
          return {
            body: encodeBeatResponse(
              leader
                ? {
                    leader: { status: 0, port: fake.port, id: fake.host, ipAddr: fake.host },
                    groupServers: [
                      { status: S.ACTIVE, port: 23300, id: '100003', ipAddr: '127.0.0.25' },
                    ],
                  }
                : { flags: 0 },
            ),
          };
        default:
          return {};
      }
    };
  const t21 = await FakeTracker.start(scriptFor(false), '127.0.0.21');
  const t24 = await FakeTracker.start(scriptFor(true), '127.0.0.24');
  const recordedJoin = joinOf('tracker-81-storage-join-2-trackers.json');
  const host = new FakeHost({
    groupName: 'group2',
    port: 23300,
    joinTime: recordedJoin.joinTime,
    upTime: recordedJoin.upTime,
  });
  const reporters = reportersFor([t21, t24], '127.0.0.25', host);
  try {
    const result = await reporters.start();
    assert.equal(result.ownId, '100003', 'found in the storage ids: no 70');
    assert.equal(host.storageIds?.length, 5);
    const change = await t21.waitForCmd(C.STORAGE_CHANGE_STATUS);
    assert.deepEqual(change.body, requestOf('tracker-59-change-status.json'));
    await t21.waitFor((r) => r.cmd === C.STORAGE_JOIN, 2);

    const both = [t21, t24];
    const ask = both.filter((t) => t.count(C.STORAGE_SYNC_DEST_REQ) === 1);
    assert.equal(ask.length, 1, '87 on one tracker');
    const other = both.find((t) => t !== ask[0])!;
    assert.equal(other.count(C.STORAGE_SYNC_DEST_REQ), 0);
    assert.ok(
      other.count(C.STORAGE_SYNC_NOTIFY) >= 2,
      '88 with its answer, then the current source',
    );
    const fetch = both
      .flatMap((t) => t.requests)
      .find((r) => r.cmd === C.STORAGE_FETCH_STORAGE_IDS)!;
    assert.deepEqual(fetch.body, requestOf('tracker-69-70-storage-startup.json', 0));

    const joins = both.flatMap((t) => t.requests.filter((r) => r.cmd === C.STORAGE_JOIN));
    const earliest = joins.reduce((a, b) => (a.at <= b.at ? a : b));
    assert.equal(decodeStorageJoinBody(earliest.body).status, -1);
    const to24 = decodeStorageJoinBody(t24.requests.find((r) => r.cmd === C.STORAGE_JOIN)!.body);
    assert.deepEqual(
      { ...to24, status: -1, trackers: ['127.0.0.21:22300', '127.0.0.24:22300'] },
      recordedJoin,
    );
    assert.ok(both.every((t) => t.requests.every((r) => r.peer.address === '127.0.0.25')));
    assert.deepEqual(reporters.leader(), { index: 1, ip: '127.0.0.24', port: t24.port });
  } finally {
    await reporters.stop();
    await Promise.all([t21.close(), t24.close()]);
  }
});

test('B-boot start-up when the id list lacks us: 69 then 70 on one connection, as recorded', async () => {
  const recorded = decodeFetchStorageIdsReply(replyOf('tracker-69-70-storage-startup.json', 0));
  const without = encodeFetchStorageIdsReply({
    totalCount: recorded.totalCount - 1,
    entries: recorded.entries.filter((e) => e.id !== '100003'),
  });
  const tracker = await FakeTracker.start((req) => {
    switch (req.cmd) {
      case C.STORAGE_GET_MY_IP:
        return { body: Buffer.from('127.0.0.25') };
      case C.STORAGE_PARAMETER_REQ:
        return { body: replyOf('tracker-75-parameter-req-storage-ids.json') };
      case C.STORAGE_FETCH_STORAGE_IDS:
        return { body: without };
      case C.STORAGE_GET_SERVER_ID:
        return { body: replyOf('tracker-69-70-storage-startup.json', 1) };
      default:
        return {};
    }
  }, '127.0.0.21');
  try {
    const host = new FakeHost({ groupName: 'group2', port: 23300 });
    const result = await runStartup({
      trackers: [tracker.address],
      link: {
        connectTimeoutMs: 2000,
        networkTimeoutMs: 5000,
        bindAddrs: ['127.0.0.25'],
        signal: new AbortController().signal,
      },
      host,
      identity: host.identity(),
      retryMs: 50,
      logger: silentLogger,
    });
    const get = tracker.requests.find((r) => r.cmd === C.STORAGE_GET_SERVER_ID)!;
    assert.deepEqual(tracker.commands(get.conn), [
      C.STORAGE_FETCH_STORAGE_IDS,
      C.STORAGE_GET_SERVER_ID,
    ]);
    assert.deepEqual(get.body, requestOf('tracker-69-70-storage-startup.json', 1));
    assert.equal(result.ownId, '100003');
  } finally {
    await tracker.close();
  }
});
