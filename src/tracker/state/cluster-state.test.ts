import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errno } from '../../protocol/errno.js';
import { StorageStatus } from '../../protocol/status.js';
import { ClusterState } from './cluster-state.js';
import type { JoinRequest } from './join.js';
import { makePolicy, type TrackerPolicy } from './policy.js';
import { emptyCounters } from './stats.js';
import type { StorageKey } from './status-rules.js';

const S = StorageStatus;

function joinReq(ip: string, extra: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupName: 'group1',
    peerIp: ip,
    port: 23000,
    storePathCount: 1,
    subdirCountPerPath: 256,
    uploadPriority: 10,
    joinTime: 1000,
    upTime: 1000,
    version: '6.16.1',
    initFlag: false,
    status: S.ACTIVE,
    storageId: '',
    ...extra,
  };
}

function activeStorage(state: ClusterState, ip: string, now: number): StorageKey {
  const joined = state.join(joinReq(ip));
  assert.ok(joined.ok);
  const key = { groupName: joined.value.groupName, storageId: joined.value.storageId };
  assert.ok(state.beat(key, null, now).ok);
  assert.ok(state.reportDiskUsage(key, [{ totalMb: 10000, freeMb: 9000 }]).ok);
  return key;
}

function fresh(policy: Partial<TrackerPolicy> = {}): ClusterState {
  return new ClusterState(makePolicy({ reservedSpace: { kind: 'mb', mb: 100 }, ...policy }));
}

test('rule violations come back as errno values, never as exceptions', () => {
  const state = fresh();
  const bad = state.join(joinReq('127.0.0.1', { port: Number.NaN }));
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.errno, Errno.EINVAL);
  const unknown = { groupName: 'group1', storageId: '127.0.0.1' };
  const beat = state.beat(unknown, null, 1000);
  assert.equal(!beat.ok && beat.errno, Errno.ENOENT);
  assert.equal(state.hasPendingSaves, false, 'a refused join saves nothing');
});

test('every status change asks for an immediate save of the storages (§16 #11)', () => {
  const state = fresh();
  const key = activeStorage(state, '127.0.0.1', 1000);
  state.takePendingSaves();
  assert.ok(state.beat(key, null, 1010).ok);
  assert.equal(state.hasPendingSaves, false, 'a beat that changes nothing saves nothing');
  state.disconnect(key);
  const saves = state.takePendingSaves();
  assert.deepEqual(saves, { groups: false, storages: true, syncTimestamps: false, changelog: [] });
  assert.ok(state.beat(key, null, 1020).ok);
  assert.equal(state.takePendingSaves().storages, true, 'OFFLINE -> ACTIVE is saved too');
});

test('the 1000th beat with stats and the 1000th sync report are saved', () => {
  const state = fresh();
  const a = activeStorage(state, '127.0.0.1', 1000);
  activeStorage(state, '127.0.0.2', 1000);
  state.takePendingSaves();
  const stats = {
    connection: { allocCount: 1, currentCount: 1, maxCount: 2 },
    counters: { ...emptyCounters(), total_upload_bytes: 2n ** 60n },
    lastSourceUpdate: 999,
    lastSyncUpdate: 998,
  };
  for (let i = 1; i < 1000; i++) assert.ok(state.beat(a, stats, 1000 + i / 1000).ok);
  assert.equal(state.hasPendingSaves, false);
  assert.ok(state.beat(a, stats, 1001).ok);
  assert.equal(state.takePendingSaves().storages, true);
  const listed = state.listStorages('group1', '127.0.0.1');
  assert.ok(listed.ok);
  assert.equal(listed.value[0]?.counters.total_upload_bytes, 2n ** 60n);
  assert.equal(listed.value[0]?.lastSourceUpdate, 999);

  for (let i = 1; i < 1000; i++) state.syncReport(a, [{ srcId: '127.0.0.2', timestamp: i }]);
  assert.equal(state.hasPendingSaves, false);
  state.syncReport(a, [{ srcId: '127.0.0.2', timestamp: 1000 }]);
  assert.equal(state.takePendingSaves().syncTimestamps, true);
});

test('list results are copies: changing them does not change the state', () => {
  const state = fresh();
  activeStorage(state, '127.0.0.1', 1000);
  const first = state.listStorages('group1');
  assert.ok(first.ok);
  first.value[0]!.counters.total_upload_count = 99n;
  first.value[0]!.connection.maxCount = 99;
  const second = state.listStorages('group1');
  assert.ok(second.ok);
  assert.equal(second.value[0]?.counters.total_upload_count, 0n);
  assert.equal(second.value[0]?.connection.maxCount, 0);
});

test('a storage made ACTIVE by a disk report without any beat is retired by the next query', () => {
  const state = fresh({ checkActiveInterval: 100 });
  const joined = state.join(joinReq('127.0.0.1'));
  assert.ok(joined.ok);
  const key = { groupName: 'group1', storageId: '127.0.0.1' };
  assert.ok(state.reportDiskUsage(key, [{ totalMb: 1000, freeMb: 900 }]).ok);
  assert.equal(state.storage('group1', '127.0.0.1')?.status, S.ACTIVE);
  const query = state.queryStore({}, 1000);
  assert.equal(!query.ok && query.errno, Errno.ENOENT);
  assert.equal(state.storage('group1', '127.0.0.1')?.status, S.OFFLINE);
});

test('group change counters only grow, across a group delete and re-creation', () => {
  const state = fresh();
  const key = activeStorage(state, '127.0.0.1', 1000);
  const seen: number[] = [state.groupChangeCount('group1')];
  state.disconnect(key);
  seen.push(state.groupChangeCount('group1'));
  assert.ok(state.deleteStorage('group1', '127.0.0.1', 1100).ok);
  seen.push(state.groupChangeCount('group1'));
  assert.ok(state.deleteGroup('group1').ok);
  assert.equal(state.groupChangeCount('group1'), 0, 'no group, no counter');
  assert.ok(state.join(joinReq('127.0.0.1', { initFlag: true, status: S.INIT })).ok);
  seen.push(state.groupChangeCount('group1'));
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! > seen[i - 1]!, `${seen}`);
});

test('member briefs are sorted by id and carry each storage port', () => {
  const state = fresh();
  activeStorage(state, '127.0.0.3', 1000);
  assert.ok(state.join(joinReq('127.0.0.10', { initFlag: true, status: S.INIT })).ok);
  activeStorage(state, '127.0.0.2', 1000);
  assert.deepEqual(state.memberBriefs('group1'), [
    { id: '127.0.0.10', ip: '127.0.0.10', port: 23000, status: S.INIT },
    { id: '127.0.0.2', ip: '127.0.0.2', port: 23000, status: S.ACTIVE },
    { id: '127.0.0.3', ip: '127.0.0.3', port: 23000, status: S.ACTIVE },
  ]);
  assert.deepEqual(state.memberBriefs('nosuch'), []);
  const before = state.leaderChangeCount;
  state.noteLeaderChange();
  assert.equal(state.leaderChangeCount, before + 1);
});

test('snapshot and restore keep the saved fields and the sync matrix', () => {
  const state = fresh();
  const a = activeStorage(state, '127.0.0.1', 1000);
  const b = activeStorage(state, '127.0.0.2', 1000);
  assert.ok(state.syncReport(b, [{ srcId: '127.0.0.1', timestamp: 950 }]).ok);
  assert.ok(state.syncReport(a, [{ srcId: '127.0.0.2', timestamp: 960 }]).ok);
  const joined = state.join(joinReq('127.0.0.3', { initFlag: true, status: S.INIT }));
  assert.ok(joined.ok);
  const c = { groupName: 'group1', storageId: '127.0.0.3' };
  assert.ok(state.syncDestReq(c, 1010).ok);
  const snap = state.snapshot();
  assert.deepEqual(snap.groups[0]?.syncTimestamps, [
    [0, 950, 0],
    [960, 0, 0],
    [0, 0, 0],
  ]);

  const restored = new ClusterState(state.policy);
  restored.restore(snap);
  assert.equal(restored.hasPendingSaves, false);
  const again = restored.snapshot();
  const statuses = again.groups[0]?.storages.map((s) => s.status);
  assert.deepEqual(statuses, [S.OFFLINE, S.OFFLINE, S.WAIT_SYNC]);
  // Apart from the statuses nobody is connected any more, the content is what was saved.
  const withoutStatus = (x: typeof snap) =>
    x.groups.map((g) => ({ ...g, storages: g.storages.map((s) => ({ ...s, status: 0 })) }));
  assert.deepEqual(withoutStatus(again), withoutStatus(snap));
  assert.deepEqual(restored.syncDestQuery(c), {
    ok: true,
    value: { srcId: '127.0.0.1', untilTimestamp: 1010 },
  });
});

test('restore drops DELETED records and any sync source that pointed at them', () => {
  const state = fresh();
  activeStorage(state, '127.0.0.1', 1000);
  const snap = state.snapshot();
  const group = snap.groups[0]!;
  group.storages.push({
    ...group.storages[0]!,
    id: '127.0.0.9',
    ipAddr: '127.0.0.9',
    status: S.DELETED,
  });
  group.storages.push({
    ...group.storages[0]!,
    id: '127.0.0.8',
    ipAddr: '127.0.0.8',
    status: S.WAIT_SYNC,
    syncSrcId: '127.0.0.9',
  });
  group.syncTimestamps = [
    [0, 5, 6],
    [7, 0, 8],
    [9, 10, 0],
  ];
  const restored = new ClusterState(state.policy);
  restored.restore(snap);
  const again = restored.snapshot().groups[0]!;
  assert.deepEqual(
    again.storages.map((s) => [s.id, s.status, s.syncSrcId]),
    [
      ['127.0.0.1', S.OFFLINE, ''],
      ['127.0.0.8', S.WAIT_SYNC, ''],
    ],
  );
  assert.deepEqual(again.syncTimestamps, [
    [0, 6],
    [9, 0],
  ]);
});

test('with storage ids, a restored record gets its addresses and rw mode from storage_ids.conf', () => {
  const policy = {
    useStorageId: true,
    storageIds: [
      {
        id: '100001',
        groupName: 'group1',
        ips: ['10.0.0.1', '192.168.0.1'],
        port: 23000,
        rwMode: 4 as const,
      },
    ],
  };
  const state = fresh(policy);
  assert.ok(state.join(joinReq('192.168.0.1')).ok);
  const restored = fresh(policy);
  restored.restore(state.snapshot());
  const record = restored.storage('group1', '100001');
  assert.deepEqual(record?.ips, ['10.0.0.1', '192.168.0.1']);
  assert.equal(record?.currentIp, '192.168.0.1');
  assert.equal(record?.rwMode, 4);
});

test('a storage id entry without a port matches any port', () => {
  const state = fresh({
    useStorageId: true,
    trustStorageServerId: false,
    storageIds: [{ id: '100001', groupName: 'group1', ips: ['127.0.0.1'], port: 0, rwMode: 6 }],
  });
  const joined = state.join(joinReq('127.0.0.1', { port: 23456 }));
  assert.ok(joined.ok);
  assert.equal(joined.value.storageId, '100001');
});

test('volume stats follow the group reserve check (98)', () => {
  const state = fresh();
  const key = activeStorage(state, '127.0.0.1', 1000);
  assert.deepEqual(state.volumeStats(), [
    {
      groupName: 'group1',
      totalMb: 10000,
      freeMb: 9000,
      reservedMb: 100,
      availMb: 8900,
      trunkFreeMb: 0,
      diskAvailable: true,
      trunkAvailable: false,
    },
  ]);
  assert.ok(state.reportDiskUsage(key, [{ totalMb: 10000, freeMb: 100 }]).ok);
  assert.equal(state.volumeStats()[0]?.availMb, 0);
  assert.equal(state.listAllStorages().length, 1);
  assert.equal(state.hasGroups, true);
});
