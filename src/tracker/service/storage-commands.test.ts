// Storage → tracker commands over an in-memory connection (§5.3): join, beat, disk and sync
// reports, the join checks of §5.0, the beat reply of leader and follower, and the errno cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrackerCommand as C } from '../../protocol/commands.js';
import { Errno } from '../../protocol/errno.js';
import { StorageStatus as S } from '../../protocol/status.js';
import {
  encodeChangeStatusRequest,
  encodeDiskUsageRequest,
  encodeReportStatusRequest,
  encodeSyncReportRequest,
} from '../../protocol/messages/tracker-reports.js';
import { encodeSyncSrcRequest } from '../../protocol/messages/tracker-sync-source.js';
import { decodeBeatResponse } from '../../protocol/structs/beat-response.js';
import { decodeStorageJoinResponse } from '../../protocol/structs/join-body.js';
import { encodeStorageBriefList } from '../../protocol/structs/storage-brief.js';
import {
  emptyStorageStatBlock,
  encodeStorageStatBlock,
} from '../../protocol/structs/storage-stat-block.js';
import { encodeSyncBody } from '../../protocol/structs/sync-body.js';
import { TRACKER_FILES } from '../persist/store.js';
import { STAT_COUNTER_NAMES } from '../state/index.js';
import { STORAGE_STAT_COUNTER_FIELDS } from '../../protocol/structs/storage-stat-block.js';
import {
  TRACKER_IP,
  TRACKER_PORT,
  harness,
  joinBody,
  waitFor,
  type RawClient,
} from './harness.test.helper.js';

async function usable(client: RawClient): Promise<void> {
  assert.equal((await client.call(C.ACTIVE_TEST)).status, 0, 'the connection stays usable');
}

async function joined(client: RawClient, over: Parameters<typeof joinBody>[0] = {}) {
  const reply = await client.call(C.STORAGE_JOIN, joinBody(over));
  assert.equal(reply.status, 0);
  return decodeStorageJoinResponse(reply.body);
}

test('the stat block counters of the wire and of the state are in the same order', () => {
  assert.equal(STAT_COUNTER_NAMES.length, STORAGE_STAT_COUNTER_FIELDS.length - 4);
  STAT_COUNTER_NAMES.forEach((name, i) => {
    const camel = name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    assert.equal(STORAGE_STAT_COUNTER_FIELDS[i], camel);
  });
});

test('commands marked J answer EACCES before a join (84: EINVAL; 88 and 79: ENOENT)', async () => {
  const h = await harness();
  try {
    const c = h.connect('127.0.0.12');
    for (const cmd of [
      C.STORAGE_BEAT,
      C.STORAGE_SYNC_REPORT,
      C.STORAGE_CHANGE_STATUS,
      C.STORAGE_REPLICA_CHG,
      C.STORAGE_SYNC_DEST_REQ,
      C.STORAGE_FETCH_TRUNK_FID,
      C.STORAGE_REPORT_TRUNK_FID,
      C.STORAGE_REPORT_TRUNK_FREE,
    ]) {
      const r = await c.call(cmd);
      assert.equal(r.status, Errno.EACCES, `cmd ${cmd}`);
      assert.equal(r.body.length, 0);
    }
    assert.equal(
      (await c.call(C.STORAGE_REPORT_DISK_USAGE, Buffer.alloc(32))).status,
      Errno.EINVAL,
    );
    const sync = encodeSyncBody({ srcId: '', untilTimestamp: 0 });
    assert.equal((await c.call(C.STORAGE_SYNC_NOTIFY, sync)).status, Errno.ENOENT);
    assert.equal((await c.call(C.STORAGE_SYNC_DEST_QUERY)).status, Errno.ENOENT);
    await usable(c);
  } finally {
    await h.close();
  }
});

test('join, then the leader sends bit0 + bit2 once per connection and an empty flag after', async () => {
  const h = await harness({ leader: true });
  try {
    const c = h.connect('127.0.0.12');
    assert.deepEqual(await joined(c), { myStatus: S.INIT, srcId: '' });
    assert.equal(h.clusterChanges(), 1, 'the first join makes the cluster known');
    // Saved before the reply: the record is on disk already (§16 #11).
    const saved = await readFile(join(h.dir, 'data', TRACKER_FILES.storages), 'latin1');
    assert.match(saved, /ip_addr=127\.0\.0\.12/);

    assert.equal((await c.call(C.STORAGE_SYNC_DEST_REQ)).body.length, 0, 'nobody to copy from');
    const first = decodeBeatResponse((await c.call(C.STORAGE_BEAT)).body);
    assert.equal(first.flags, 5);
    assert.deepEqual(first.leader, {
      status: 0,
      port: TRACKER_PORT,
      id: TRACKER_IP,
      ipAddr: TRACKER_IP,
    });
    assert.deepEqual(first.groupServers, [
      { status: S.ACTIVE, port: 23200, id: '127.0.0.12', ipAddr: '127.0.0.12' },
    ]);
    const second = await c.call(C.STORAGE_BEAT, encodeStorageStatBlock(emptyStorageStatBlock()));
    assert.deepEqual(second.body, Buffer.from([0]));
    const disk = encodeDiskUsageRequest([
      { totalMb: 1000, freeMb: 500 },
      { totalMb: 1000, freeMb: 400 },
    ]);
    assert.deepEqual((await c.call(C.STORAGE_REPORT_DISK_USAGE, disk)).body, Buffer.from([0]));

    // A second storage joins: the first storage's next reply carries the new member list only.
    const d = h.connect('127.0.0.13');
    await joined(d);
    const third = decodeBeatResponse((await c.call(C.STORAGE_BEAT)).body);
    assert.equal(third.flags, 4);
    assert.deepEqual(
      third.groupServers?.map((b) => `${b.id}=${b.status}`),
      ['127.0.0.12=7', '127.0.0.13=0'],
    );
    // A new connection of the same storage gets everything again.
    const again = h.connect('127.0.0.12');
    await joined(again);
    assert.equal(decodeBeatResponse((await again.call(C.STORAGE_BEAT)).body).flags, 5);
    const report = encodeSyncReportRequest([
      { srcId: '127.0.0.13', timestamp: 0 },
      { srcId: '127.0.0.12', timestamp: 0 },
    ]);
    assert.deepEqual((await again.call(C.STORAGE_SYNC_REPORT, report)).body, Buffer.from([0]));
  } finally {
    await h.close();
  }
});

test('a follower answers beats, disk and sync reports with one 0x00 byte', async () => {
  const h = await harness({ leader: false });
  try {
    const c = h.connect('127.0.0.12');
    await joined(c);
    assert.deepEqual((await c.call(C.STORAGE_BEAT)).body, Buffer.from([0]));
    const disk = encodeDiskUsageRequest([
      { totalMb: 1, freeMb: 1 },
      { totalMb: 1, freeMb: 1 },
    ]);
    assert.deepEqual((await c.call(C.STORAGE_REPORT_DISK_USAGE, disk)).body, Buffer.from([0]));
    const report = encodeSyncReportRequest([{ srcId: '127.0.0.12', timestamp: 0 }]);
    assert.deepEqual((await c.call(C.STORAGE_SYNC_REPORT, report)).body, Buffer.from([0]));
  } finally {
    await h.close();
  }
});

test('wrong bodies and refused joins answer their errno; the connection stays usable', async () => {
  const h = await harness();
  try {
    const c = h.connect('127.0.0.12');
    const cases: [string, number, Buffer, number][] = [
      ['join: body too short', C.STORAGE_JOIN, Buffer.alloc(100), Errno.EINVAL],
      [
        'join: invalid group name',
        C.STORAGE_JOIN,
        joinBody({ groupName: 'bad-name' }),
        Errno.EINVAL,
      ],
      ['join: 0 store paths', C.STORAGE_JOIN, joinBody({ storePathCount: 0 }), Errno.EINVAL],
      [
        'join: impossible status',
        C.STORAGE_JOIN,
        joinBody({ initFlag: 0, status: S.DELETED }),
        Errno.EFAULT,
      ],
    ];
    for (const [what, cmd, body, errno] of cases) {
      const r = await c.call(cmd, body);
      assert.equal(r.status, errno, what);
      assert.equal(r.body.length, 0, what);
      await usable(c);
    }
    await joined(c);
    const joinedCases: [string, number, Buffer, number][] = [
      ['beat: 10 bytes', C.STORAGE_BEAT, Buffer.alloc(10), Errno.EINVAL],
      ['disk: one path of two', C.STORAGE_REPORT_DISK_USAGE, Buffer.alloc(16), Errno.EINVAL],
      ['disk: not a multiple of 16', C.STORAGE_REPORT_DISK_USAGE, Buffer.alloc(33), Errno.EINVAL],
      ['sync report: empty', C.STORAGE_SYNC_REPORT, Buffer.alloc(0), Errno.EINVAL],
      ['sync report: 21 bytes', C.STORAGE_SYNC_REPORT, Buffer.alloc(21), Errno.EINVAL],
      ['change status: 2 bytes', C.STORAGE_CHANGE_STATUS, Buffer.alloc(2), Errno.EINVAL],
      ['replica chg: 66 bytes', C.STORAGE_REPLICA_CHG, Buffer.alloc(66), Errno.EINVAL],
      ['sync dest req: a body', C.STORAGE_SYNC_DEST_REQ, Buffer.alloc(1), Errno.EINVAL],
      ['sync notify: 23 bytes', C.STORAGE_SYNC_NOTIFY, Buffer.alloc(23), Errno.EINVAL],
      [
        'sync notify: unknown source',
        C.STORAGE_SYNC_NOTIFY,
        encodeSyncBody({ srcId: '127.0.0.99', untilTimestamp: 1 }),
        Errno.ENOENT,
      ],
      [
        'sync src req: unknown group',
        C.STORAGE_SYNC_SRC_REQ,
        encodeSyncSrcRequest({ groupName: 'nosuch', destId: 'x' }),
        Errno.ENOENT,
      ],
      [
        'sync src req: unknown storage',
        C.STORAGE_SYNC_SRC_REQ,
        encodeSyncSrcRequest({ groupName: 'group1', destId: '127.0.0.99' }),
        Errno.ENOENT,
      ],
      ['sync src req: 31 bytes', C.STORAGE_SYNC_SRC_REQ, Buffer.alloc(31), Errno.EINVAL],
      [
        'report status: unknown group',
        C.STORAGE_REPORT_STATUS,
        encodeReportStatusRequest({
          groupName: 'nosuch',
          brief: { status: 5, port: 0, id: 'a', ipAddr: 'a' },
        }),
        Errno.ENOENT,
      ],
      ['report status: 82 bytes', C.STORAGE_REPORT_STATUS, Buffer.alloc(82), Errno.EINVAL],
      ['trunk fid: a body', C.STORAGE_FETCH_TRUNK_FID, Buffer.alloc(1), Errno.EINVAL],
      ['report trunk fid', C.STORAGE_REPORT_TRUNK_FID, Buffer.alloc(4), Errno.EINVAL],
      ['report trunk free', C.STORAGE_REPORT_TRUNK_FREE, Buffer.alloc(8), Errno.EINVAL],
    ];
    for (const [what, cmd, body, errno] of joinedCases) {
      const r = await c.call(cmd, body);
      assert.equal(r.status, errno, what);
      assert.equal(r.body.length, 0, what);
      await usable(c);
    }
    const fid = await c.call(C.STORAGE_FETCH_TRUNK_FID);
    assert.deepEqual(fid.body, Buffer.from([0, 0, 0, 0]), '72: the group trunk file id, 0');
  } finally {
    await h.close();
  }
});

test('status commands: 59, 76, 85 (a follower merges it, the leader ignores it), 86/87/88/79', async () => {
  const h = await harness({ leader: false });
  try {
    const a = h.connect('127.0.0.12');
    await joined(a);
    await a.call(C.STORAGE_SYNC_DEST_REQ);
    await a.call(C.STORAGE_BEAT);
    const b = h.connect('127.0.0.13');
    await joined(b);
    const src = await b.call(C.STORAGE_SYNC_DEST_REQ);
    assert.equal(src.body.subarray(0, 10).toString(), '127.0.0.12');
    assert.equal(h.ctx.state.storage('group1', '127.0.0.13')?.status, S.WAIT_SYNC);
    const query = await b.call(C.STORAGE_SYNC_DEST_QUERY);
    assert.deepEqual(query.body, src.body);
    const asked = await a.call(
      C.STORAGE_SYNC_SRC_REQ,
      encodeSyncSrcRequest({ groupName: 'group1', destId: '127.0.0.13' }),
    );
    assert.deepEqual(asked.body, src.body);
    // 76 from the source: the destination is SYNCING.
    const brief = { status: S.SYNCING, port: 0, id: '127.0.0.13', ipAddr: '127.0.0.13' };
    const r76 = await a.call(
      C.STORAGE_REPORT_STATUS,
      encodeReportStatusRequest({ groupName: 'group1', brief }),
    );
    assert.equal(r76.status, 0);
    assert.equal(h.ctx.state.storage('group1', '127.0.0.13')?.status, S.SYNCING);
    // 59 on a follower: a requested ACTIVE is stored as OFFLINE.
    assert.equal(
      (await b.call(C.STORAGE_CHANGE_STATUS, encodeChangeStatusRequest(S.ACTIVE))).status,
      0,
    );
    assert.equal(h.ctx.state.storage('group1', '127.0.0.13')?.status, S.OFFLINE);
    // 85 on a follower: an unknown storage reported OFFLINE is added.
    const briefs = encodeStorageBriefList([
      { status: S.OFFLINE, port: 23200, id: '127.0.0.14', ipAddr: '127.0.0.14' },
    ]);
    assert.equal((await a.call(C.STORAGE_REPLICA_CHG, briefs)).status, 0);
    assert.equal(h.ctx.state.storage('group1', '127.0.0.14')?.status, S.OFFLINE);
    // ... and ignored by a leader.
    h.leader.isLeader = true;
    const other = encodeStorageBriefList([
      { status: S.OFFLINE, port: 23200, id: '127.0.0.15', ipAddr: '127.0.0.15' },
    ]);
    assert.equal((await a.call(C.STORAGE_REPLICA_CHG, other)).status, 0);
    assert.equal(h.ctx.state.storage('group1', '127.0.0.15'), undefined);
    // 88 with an empty source: nothing to copy.
    const c = h.connect('127.0.0.16');
    await joined(c);
    assert.equal(
      (await c.call(C.STORAGE_SYNC_NOTIFY, encodeSyncBody({ srcId: '', untilTimestamp: 0 })))
        .status,
      0,
    );
    assert.equal(h.ctx.state.storage('group1', '127.0.0.16')?.status, S.ONLINE);
  } finally {
    await h.close();
  }
});

test('QUIT and a closed connection of a joined storage run the disconnect rule (§9.3)', async () => {
  const h = await harness();
  try {
    const a = h.connect('127.0.0.12');
    await joined(a);
    await a.call(C.STORAGE_SYNC_DEST_REQ);
    await a.call(C.STORAGE_BEAT);
    assert.equal(h.ctx.state.storage('group1', '127.0.0.12')?.status, S.ACTIVE);
    a.write(Buffer.from('00000000000000005200', 'hex'));
    await a.closed;
    assert.equal(h.ctx.state.storage('group1', '127.0.0.12')?.status, S.OFFLINE);
    const b = h.connect('127.0.0.12');
    assert.equal((await joined(b)).myStatus, S.ONLINE, 'OFFLINE → ONLINE on join (§9.1 step 9)');
    await b.call(C.STORAGE_BEAT);
    b.end();
    await waitFor(() => h.ctx.state.storage('group1', '127.0.0.12')?.status === S.OFFLINE);
    await h.ctx.store.flushed();
    const saved = await readFile(join(h.dir, 'data', TRACKER_FILES.storages), 'latin1');
    assert.match(saved, /status=5/, 'the OFFLINE status is saved');
  } finally {
    await h.close();
  }
});
