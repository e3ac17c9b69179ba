import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StorageStatus as S } from '../../protocol/status.js';
import { ReportState } from './report-state.js';

const T1 = { hosts: ['127.0.0.21'], port: 22300 };
const T2 = { hosts: ['127.0.0.24'], port: 22300 };
const SELF = {
  groupName: 'group1',
  ownId: '100001',
  useStorageId: true,
  ipChangedAutoAdjust: true,
};

function stateOf(trackers = [T1, T2], lastStatus?: number): ReportState {
  return new ReportState(trackers, SELF, {
    syncOldDone: false,
    syncSource: { srcId: '', untilTimestamp: 0 },
    lastStatus,
    offlineWindowMs: 1000,
    pendingWindowMs: 1000,
  });
}

const brief = (id: string, status: number) => ({ id, ipAddr: id, port: 23000, status });

test('join status: −1 while a tracker of several has not answered, then 0, then what we know (§4.7)', () => {
  const s = stateOf();
  assert.equal(s.joinStatus(), -1);
  s.joinAnswered[0] = true;
  assert.equal(s.joinStatus(), -1);
  s.joinAnswered[1] = true;
  assert.equal(s.joinStatus(), S.INIT);
  s.acceptMembers([brief('100001', S.ACTIVE)], 0);
  assert.equal(s.joinStatus(), S.ACTIVE);
  assert.equal(stateOf([T1]).joinStatus(), S.INIT, 'a lone tracker: 0');
  assert.equal(stateOf([T1, T2], S.ONLINE).joinStatus(), S.ONLINE, 'remembered by the host');
});

test('a follower whose view differs from the leader gets CHANGE_STATUS, unless both are available', () => {
  const s = stateOf();
  s.setTrackerStatus(1, S.INIT);
  s.setTrackerStatus(0, S.ACTIVE);
  assert.deepEqual(s.reportMyStatus, [false, false], 'no leader yet');
  assert.equal(s.setLeader(0), true);
  assert.equal(s.setLeader(0), false);
  assert.deepEqual(s.reportMyStatus, [false, true]);
  assert.equal(s.statusForFollower(1), S.ACTIVE);
  assert.equal(s.statusForFollower(0), undefined, 'never to the leader');
  const t = stateOf();
  t.setLeader(0);
  t.setTrackerStatus(0, S.ACTIVE);
  t.setTrackerStatus(1, S.ONLINE);
  assert.deepEqual(t.reportMyStatus, [false, false], 'ONLINE and ACTIVE are both available');
});

test('member lists: only from the leader; moved back to WAIT_SYNC means rejoin', () => {
  const s = stateOf();
  assert.equal(s.acceptsMembersFrom(1), true, 'no leader known: anyone');
  s.setLeader(0);
  assert.equal(s.acceptsMembersFrom(1), false);
  assert.equal(s.acceptMembers([brief('100001', S.ACTIVE)], 0).needRejoin, false);
  const back = s.acceptMembers([brief('100001', S.WAIT_SYNC)], 0);
  assert.equal(back.needRejoin, true);
  assert.equal(back.own?.status, S.WAIT_SYNC);
});

test('membership changing: a member on its way, an OFFLINE one for a while, a pending report', () => {
  const s = stateOf();
  assert.equal(s.isChanging(0), false);
  s.acceptMembers([brief('100001', S.ACTIVE), brief('100002', S.WAIT_SYNC)], 0);
  assert.equal(s.isChanging(0), true);
  s.acceptMembers([brief('100001', S.ACTIVE), brief('100002', S.OFFLINE)], 100);
  assert.equal(s.isChanging(500), true);
  assert.equal(s.isChanging(1200), false, 'OFFLINE for longer than the window');
  s.acceptMembers([brief('100001', S.ACTIVE), brief('100002', S.ACTIVE)], 1300);
  assert.equal(s.isChanging(1300), false);
  s.notePending('100002', S.OFFLINE, 2000);
  assert.equal(s.isChanging(2100), true);
  s.acceptMembers([brief('100001', S.ACTIVE), brief('100002', S.OFFLINE)], 2200);
  s.acceptMembers([brief('100001', S.ACTIVE), brief('100002', S.ACTIVE)], 2300);
  assert.equal(s.isChanging(2300), false, 'the pending status was seen');
  s.notePending('100003', S.SYNCING, 3000);
  assert.equal(s.isChanging(3500), true);
  assert.equal(s.isChanging(4001), false, 'pending expires');
  s.acceptMembers([brief('100001', S.ONLINE)], 5000);
  assert.equal(s.isChanging(5000), true, 'our own status is not ACTIVE yet');
});

test('the lock runs sections one after another, even when one fails', async () => {
  const s = stateOf();
  const order: string[] = [];
  const a = s.withLock(async () => {
    order.push('a1');
    await new Promise((r) => setTimeout(r, 20));
    order.push('a2');
    throw new Error('a fails');
  });
  const b = s.withLock(async () => {
    order.push('b');
  });
  await assert.rejects(a, /a fails/);
  await b;
  assert.deepEqual(order, ['a1', 'a2', 'b']);
});

test('sync report entries: every member in the leader order (us with 0), then other sources', () => {
  const s = stateOf();
  s.acceptMembers([brief('100001', S.ACTIVE), brief('100002', S.ACTIVE)], 0);
  const ts = new Map([
    ['100002', 1795263049],
    ['100009', 5],
  ]);
  assert.deepEqual(s.syncReportEntries(ts), [
    { srcId: '100001', timestamp: 0 },
    { srcId: '100002', timestamp: 1795263049 },
    { srcId: '100009', timestamp: 5 },
  ]);
});
