// Administration and monitoring commands over an in-memory connection (§5.2): lists, deletes,
// cluster and volume stats, leader and status, the commands this issue refuses, and the
// wire_compat layouts of 90/92.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrackerCommand as C } from '../../protocol/commands.js';
import { Errno } from '../../protocol/errno.js';
import { StorageStatus as S } from '../../protocol/status.js';
import { encodeGroupStorageRequest } from '../../protocol/messages/tracker-admin.js';
import { decodeGroupStat, decodeGroupStatList } from '../../protocol/structs/group-stat.js';
import {
  decodeStorageClusterStatReply,
  encodeStorageStatFilter,
} from '../../protocol/structs/storage-cluster-stat.js';
import { decodeStorageStatList } from '../../protocol/structs/storage-stat-record.js';
import {
  decodeTrackerClusterStatReply,
  encodeTrackerStatFilter,
} from '../../protocol/structs/tracker-cluster-stat.js';
import { decodeTrackerStatus } from '../../protocol/structs/tracker-cluster.js';
import {
  decodeVolumnStatReply,
  encodeVolumnStatFilter,
} from '../../protocol/structs/volumn-stat.js';
import { encodeDiskUsageRequest } from '../../protocol/messages/tracker-reports.js';
import {
  group16,
  harness,
  joinBody,
  waitFor,
  type Harness,
  type RawClient,
} from './harness.test.helper.js';

async function usable(client: RawClient): Promise<void> {
  assert.equal((await client.call(C.ACTIVE_TEST)).status, 0, 'the connection stays usable');
}

/** 127.0.0.12 ACTIVE in group1, 127.0.0.13 INIT in group1, 127.0.0.25 ACTIVE in group2. */
async function cluster(h: Harness): Promise<Record<string, RawClient>> {
  const out: Record<string, RawClient> = {};
  for (const [ip, groupName, active] of [
    ['127.0.0.12', 'group1', true],
    ['127.0.0.13', 'group1', false],
    ['127.0.0.25', 'group2', true],
  ] as const) {
    const c = h.connect(ip);
    assert.equal((await c.call(C.STORAGE_JOIN, joinBody({ groupName }))).status, 0);
    if (active) {
      await c.call(C.STORAGE_SYNC_DEST_REQ);
      const disk = encodeDiskUsageRequest([
        { totalMb: 100_000, freeMb: 60_000 },
        { totalMb: 100_000, freeMb: 50_000 },
      ]);
      assert.equal((await c.call(C.STORAGE_REPORT_DISK_USAGE, disk)).status, 0);
    }
    out[ip] = c;
  }
  return out;
}

test('lists: 90, 91, 92 with their errno cases', async () => {
  const h = await harness();
  try {
    await cluster(h);
    const c = h.connect();
    const one = await c.call(C.SERVER_LIST_ONE_GROUP, group16('group1'));
    assert.equal(one.body.length, 113);
    const g = decodeGroupStat(one.body);
    assert.deepEqual(
      [g.groupName, g.storageCount, g.readableServerCount, g.freeMb, g.currentTrunkFileId],
      ['group1', 2, 1, 110_000, -1],
    );
    assert.equal((await c.call(C.SERVER_LIST_ONE_GROUP, group16('nosuch'))).status, Errno.ENOENT);
    assert.equal((await c.call(C.SERVER_LIST_ONE_GROUP, Buffer.alloc(15))).status, Errno.EINVAL);
    const all = await c.call(C.SERVER_LIST_ALL_GROUPS);
    assert.deepEqual(
      decodeGroupStatList(all.body).map((x) => x.groupName),
      ['group1', 'group2'],
    );
    assert.equal((await c.call(C.SERVER_LIST_ALL_GROUPS, Buffer.alloc(1))).status, Errno.EINVAL);

    const list = await c.call(C.SERVER_LIST_STORAGE, group16('group1'));
    assert.equal(list.body.length, 2 * 487);
    assert.deepEqual(
      decodeStorageStatList(list.body).map((s) => `${s.id}=${s.status}`),
      ['127.0.0.12=7', '127.0.0.13=0'],
    );
    const byId = encodeGroupStorageRequest(C.SERVER_LIST_STORAGE, {
      groupName: 'group1',
      storageId: '127.0.0.13',
    });
    assert.equal((await c.call(C.SERVER_LIST_STORAGE, byId)).body.length, 487);
    const unknownId = encodeGroupStorageRequest(C.SERVER_LIST_STORAGE, {
      groupName: 'group1',
      storageId: '127.0.0.99',
    });
    assert.equal((await c.call(C.SERVER_LIST_STORAGE, unknownId)).status, Errno.ENOENT);
    assert.equal((await c.call(C.SERVER_LIST_STORAGE, group16('nosuch'))).status, Errno.ENOENT);
    for (const len of [15, 32]) {
      assert.equal((await c.call(C.SERVER_LIST_STORAGE, Buffer.alloc(len))).status, Errno.EINVAL);
    }
    await usable(c);
  } finally {
    await h.close();
  }
});

test('deletes: 93 EBUSY / OK / EALREADY / ENOENT, and 108 OK at once after the last storage', async () => {
  const h = await harness();
  try {
    const storages = await cluster(h);
    const c = h.connect();
    const del = (groupName: string, storageId: string): Buffer =>
      encodeGroupStorageRequest(C.SERVER_DELETE_STORAGE, { groupName, storageId });
    assert.equal(
      (await c.call(C.SERVER_DELETE_STORAGE, del('group1', '127.0.0.12'))).status,
      Errno.EBUSY,
    );
    assert.equal((await c.call(C.SERVER_DELETE_STORAGE, del('group1', '127.0.0.13'))).status, 0);
    assert.equal(
      (await c.call(C.SERVER_DELETE_STORAGE, del('group1', '127.0.0.13'))).status,
      Errno.EALREADY,
    );
    assert.equal(
      (await c.call(C.SERVER_DELETE_STORAGE, del('group1', '127.0.0.99'))).status,
      Errno.ENOENT,
    );
    assert.equal(
      (await c.call(C.SERVER_DELETE_STORAGE, del('nosuch', '127.0.0.13'))).status,
      Errno.ENOENT,
    );
    assert.equal((await c.call(C.SERVER_DELETE_STORAGE, group16('group1'))).status, Errno.EINVAL);
    assert.equal((await c.call(C.SERVER_DELETE_STORAGE, Buffer.alloc(32))).status, Errno.EINVAL);
    assert.equal((await c.call(C.SERVER_DELETE_GROUP, group16('group1'))).status, Errno.EBUSY);
    assert.equal((await c.call(C.SERVER_DELETE_GROUP, group16('nosuch'))).status, Errno.ENOENT);
    assert.equal((await c.call(C.SERVER_DELETE_GROUP, Buffer.alloc(17))).status, Errno.EINVAL);

    // group2: its only storage goes offline, is deleted, and the group goes at once (§16 #9).
    storages['127.0.0.25']!.end();
    await waitFor(() => h.ctx.state.storage('group2', '127.0.0.25')?.status === S.OFFLINE);
    assert.equal((await c.call(C.SERVER_DELETE_STORAGE, del('group2', '127.0.0.25'))).status, 0);
    assert.equal((await c.call(C.SERVER_DELETE_GROUP, group16('group2'))).status, 0);
    assert.equal((await c.call(C.SERVER_LIST_ONE_GROUP, group16('group2'))).status, Errno.ENOENT);
    await usable(c);
  } finally {
    await h.close();
  }
});

test('97 storage cluster stat and 98 volume stat, with their filters', async () => {
  const h = await harness({ conf: 'reserved_storage_space = 10%' });
  try {
    await cluster(h);
    const c = h.connect();
    const all = decodeStorageClusterStatReply(
      (await c.call(C.SERVER_STORAGE_CLUSTER_STAT, Buffer.alloc(4))).body,
    );
    assert.deepEqual(
      all.storages.map((s) => `${s.id} ${s.host} ${s.status}`),
      [
        '127.0.0.12 127.0.0.12:23200 7',
        '127.0.0.13 127.0.0.13:23200 0',
        '127.0.0.25 127.0.0.25:23200 7',
      ],
    );
    const filter = (opType: number): Buffer =>
      encodeStorageStatFilter({ filterBy: 2, opType, status: S.ACTIVE, isTrunkServer: 0 });
    const active = decodeStorageClusterStatReply(
      (await c.call(C.SERVER_STORAGE_CLUSTER_STAT, filter(0x3d))).body,
    );
    assert.equal(active.storages.length, 2);
    const inactive = decodeStorageClusterStatReply(
      (await c.call(C.SERVER_STORAGE_CLUSTER_STAT, filter(0x21))).body,
    );
    assert.deepEqual(
      inactive.storages.map((s) => s.id),
      ['127.0.0.13'],
    );
    const none = decodeStorageClusterStatReply(
      (await c.call(C.SERVER_STORAGE_CLUSTER_STAT, filter(0x3f))).body,
    );
    assert.equal(none.storages.length, 0);
    assert.equal(
      (await c.call(C.SERVER_STORAGE_CLUSTER_STAT, Buffer.alloc(3))).status,
      Errno.EINVAL,
    );

    const volumes = decodeVolumnStatReply(
      (await c.call(C.SERVER_STORAGE_VOLUMN_STAT, Buffer.alloc(4))).body,
    );
    assert.deepEqual(
      volumes.groups.map(
        (v) => `${v.groupName} ${v.freeMb}/${v.totalMb} avail=${v.availMb} ${v.isDiskAvailable}`,
      ),
      ['group1 110000/200000 avail=90000 1', 'group2 110000/200000 avail=90000 1'],
    );
    const notAvailable = encodeVolumnStatFilter({
      filterBy: 1,
      isDiskAvailable: 0,
      isTrunkAvailable: 0,
      isSpaceAvailable: 0,
    });
    const d = await c.call(C.SERVER_STORAGE_VOLUMN_STAT, notAvailable);
    assert.deepEqual(
      d.body,
      Buffer.from('0000000000', 'hex'),
      'fdfs_volumn_stat -d on a healthy cluster',
    );
    assert.equal(
      (await c.call(C.SERVER_STORAGE_VOLUMN_STAT, Buffer.alloc(5))).status,
      Errno.EINVAL,
    );
    await usable(c);
  } finally {
    await h.close();
  }
});

test('64, 95, 96, 94 and 111: leader, follower and the errno cases', async () => {
  const h = await harness({ leader: true });
  try {
    const c = h.connect('127.0.0.99', '127.0.0.11');
    assert.equal((await c.call(C.TRACKER_GET_STATUS)).status, Errno.ENOENT, 'no groups yet');
    await cluster(h);
    const status = await c.call(C.TRACKER_GET_STATUS);
    assert.deepEqual(decodeTrackerStatus(status.body), {
      ifLeader: 1,
      runningTime: 0,
      restartInterval: 0,
    });
    assert.equal((await c.call(C.TRACKER_GET_STATUS, Buffer.alloc(1))).status, Errno.EINVAL);
    assert.equal((await c.call(C.SERVER_GET_LEADER)).body.toString(), '127.0.0.11:22200');
    const stat = decodeTrackerClusterStatReply(
      (await c.call(C.SERVER_TRACKER_CLUSTER_STAT, Buffer.alloc(3))).body,
    );
    assert.deepEqual(
      stat.map((t) => [t.host, t.isLeader, t.isActive, t.version]),
      [['127.0.0.11:22200', 1, 1, '6.16.1']],
    );
    const onlyFollowers = encodeTrackerStatFilter({ filterBy: 2, isActive: 0, isLeader: 0 });
    assert.equal(
      (await c.call(C.SERVER_TRACKER_CLUSTER_STAT, onlyFollowers)).body.toString('hex'),
      '00',
    );
    assert.equal(
      (await c.call(C.SERVER_TRACKER_CLUSTER_STAT, Buffer.alloc(4))).status,
      Errno.EINVAL,
    );
    assert.equal(
      (await c.call(C.SERVER_SET_TRUNK_SERVER, group16('group1'))).status,
      Errno.EOPNOTSUPP,
    );
    assert.equal((await c.call(C.SERVER_SET_TRUNK_SERVER, Buffer.alloc(15))).status, Errno.EINVAL);
    assert.equal((await c.call(C.ACTIVE_TEST, Buffer.alloc(1))).status, Errno.EINVAL);

    h.leader.isLeader = false;
    assert.equal(decodeTrackerStatus((await c.call(C.TRACKER_GET_STATUS)).body).ifLeader, 0);
    assert.equal((await c.call(C.SERVER_GET_LEADER)).status, Errno.ENOENT);
    h.leader.address = { ip: '127.0.0.24', port: 22300 };
    assert.equal((await c.call(C.SERVER_GET_LEADER)).body.toString(), '127.0.0.24:22300');
    assert.equal(
      (await c.call(C.SERVER_TRACKER_CLUSTER_STAT, Buffer.alloc(3))).status,
      Errno.EOPNOTSUPP,
    );
    assert.equal((await c.call(C.SERVER_GET_LEADER, Buffer.alloc(1))).status, Errno.EINVAL);
    await usable(c);
  } finally {
    await h.close();
  }
});

test('bad tracker-cluster bodies and unknown codes answer EINVAL; the connection stays usable', async () => {
  const h = await harness();
  try {
    const c = h.connect();
    for (const cmd of [58, 61, 62, 63, 66, 67, 0, 80, 99, 100, 110, 112, 250]) {
      // 61/62 take no body and 63 takes 9 bytes (§5.4): a stray byte, and one short, are bad.
      const body = cmd === 63 ? Buffer.alloc(8) : Buffer.alloc(cmd === 61 || cmd === 62 ? 1 : 0);
      const r = await c.call(cmd, body);
      assert.equal(r.status, Errno.EINVAL, `cmd ${cmd}`);
      assert.equal(r.body.length, 0);
      await usable(c);
    }
  } finally {
    await h.close();
  }
});

test('wire_compat and response_ip_addr_size choose the 90/92 layouts', async () => {
  for (const [conf, groupSize, storageSize] of [
    ['', 113, 487],
    ['response_ip_addr_size = IPv6', 113, 517],
    ['wire_compat = 6.15', 113, 487],
    ['wire_compat = 6.10\nresponse_ip_addr_size = IPv6', 105, 612],
  ] as const) {
    const h = await harness({ conf });
    try {
      await cluster(h);
      const c = h.connect();
      assert.equal(
        (await c.call(C.SERVER_LIST_ONE_GROUP, group16('group1'))).body.length,
        groupSize,
        conf,
      );
      const list = await c.call(C.SERVER_LIST_STORAGE, group16('group1'));
      assert.equal(list.body.length, 2 * storageSize, conf);
      assert.deepEqual(
        decodeStorageStatList(list.body).map((s) => s.id),
        ['127.0.0.12', '127.0.0.13'],
      );
    } finally {
      await h.close();
    }
  }
});
