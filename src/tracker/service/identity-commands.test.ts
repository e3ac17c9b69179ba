// Identity and settings commands (§5.2, §5.3): 60, 69, 70, 71, 109, 75, and the changelog (77)
// and IP-change (78) commands, with and without storage ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStorageIds } from '../../common/config/index.js';
import { TrackerCommand as C } from '../../protocol/commands.js';
import { Errno } from '../../protocol/errno.js';
import { StorageStatus as S } from '../../protocol/status.js';
import { encodeGroupStorageRequest } from '../../protocol/messages/tracker-admin.js';
import {
  decodeFetchStorageIdsReply,
  encodeFetchStorageIdsRequest,
  encodeGetGroupNameRequest,
  encodeGetMyIpRequest,
  encodeGetServerIdRequest,
  encodeStorageStatusRequest,
} from '../../protocol/messages/tracker-identity.js';
import { decodeParameterReply } from '../../protocol/messages/tracker-parameters.js';
import {
  encodeChangelogRequest,
  encodeIpChangedRequest,
} from '../../protocol/messages/tracker-reports.js';
import { decodeStorageBrief } from '../../protocol/structs/storage-brief.js';
import { group16, harness, joinBody, waitFor, type RawClient } from './harness.test.helper.js';

const IDS = parseStorageIds(
  [
    '100001 group1 127.0.0.22:23300',
    '100002 group1 127.0.0.23:23300',
    '100003 group2 127.0.0.25:23300',
    '100004 group2 10.0.0.26,192.168.0.26:23300 rw=read',
    '100005 group2 127.0.0.27:23300 rw=none',
  ].join('\n'),
  { file: 'storage_ids.conf' },
);
const IDS_CONF =
  'use_storage_id = true\nstorage_ids_filename = storage_ids.conf\nid_type_in_filename = id';

async function usable(client: RawClient): Promise<void> {
  assert.equal((await client.call(C.ACTIVE_TEST)).status, 0, 'the connection stays usable');
}

test('without storage ids: 60 gives the peer IP, 69 EOPNOTSUPP or 8 zero bytes, 70 the IP, 109 EOPNOTSUPP', async () => {
  const h = await harness();
  try {
    const c = h.connect('127.0.0.99');
    const myIp = await c.call(
      C.STORAGE_GET_MY_IP,
      encodeGetMyIpRequest({ groupName: 'group1', port: 23200 }),
    );
    assert.equal(myIp.body.toString(), '127.0.0.99');
    assert.equal((await c.call(C.STORAGE_GET_MY_IP, Buffer.alloc(20))).status, Errno.EINVAL);
    const empty = await c.call(
      C.STORAGE_FETCH_STORAGE_IDS,
      encodeFetchStorageIdsRequest({ startIndex: 0, allowEmpty: true }),
    );
    assert.deepEqual(empty.body, Buffer.alloc(8));
    const refused = await c.call(
      C.STORAGE_FETCH_STORAGE_IDS,
      encodeFetchStorageIdsRequest({ startIndex: 0, allowEmpty: false }),
    );
    assert.equal(refused.status, Errno.EOPNOTSUPP);
    const id = await c.call(
      C.STORAGE_GET_SERVER_ID,
      encodeGetServerIdRequest({ groupName: 'group1', ip: '127.0.0.12', port: 23200 }),
    );
    assert.equal(id.body.toString(), '127.0.0.12');
    assert.equal((await c.call(C.STORAGE_GET_SERVER_ID, group16('group1'))).status, Errno.EINVAL);
    assert.equal(
      (await c.call(C.STORAGE_GET_GROUP_NAME, Buffer.alloc(4))).status,
      Errno.EOPNOTSUPP,
    );
    await usable(c);
  } finally {
    await h.close();
  }
});

test('with storage ids: 60, 69, 70 and 109 answer from storage_ids.conf', async () => {
  const h = await harness({ conf: IDS_CONF, storageIds: IDS });
  try {
    const c = h.connect('10.0.0.26');
    const myIp = await c.call(
      C.STORAGE_GET_MY_IP,
      encodeGetMyIpRequest({ groupName: 'group2', port: 23300 }),
    );
    assert.equal(myIp.body.toString(), '10.0.0.26,192.168.0.26', 'the configured address list');
    const ids = decodeFetchStorageIdsReply(
      (
        await c.call(
          C.STORAGE_FETCH_STORAGE_IDS,
          encodeFetchStorageIdsRequest({ startIndex: 2, allowEmpty: false }),
        )
      ).body,
    );
    assert.equal(ids.totalCount, 5);
    assert.deepEqual(
      ids.entries.map((e) => e.id),
      ['100003', '100004', '100005'],
    );
    assert.deepEqual(ids.entries[1], {
      id: '100004',
      groupName: 'group2',
      ips: ['10.0.0.26', '192.168.0.26'],
      port: 23300,
      rwMode: 4,
    });
    for (const start of [-1, 5]) {
      const r = await c.call(
        C.STORAGE_FETCH_STORAGE_IDS,
        encodeFetchStorageIdsRequest({ startIndex: start, allowEmpty: false }),
      );
      assert.equal(r.status, Errno.EINVAL, `start ${start}`);
    }
    assert.equal((await c.call(C.STORAGE_FETCH_STORAGE_IDS, Buffer.alloc(4))).status, Errno.EINVAL);
    const serverId = (ip: string, port: number, groupName = 'group1') =>
      c.call(C.STORAGE_GET_SERVER_ID, encodeGetServerIdRequest({ groupName, ip, port }));
    assert.equal((await serverId('127.0.0.22', 23300)).body.toString(), '100001');
    assert.equal((await serverId('127.0.0.99', 23300)).status, Errno.ENOENT);
    assert.equal((await serverId('127.0.0.25', 23300)).status, Errno.ENOENT, 'another group');
    const groupOf = (ip: string | undefined, port: number) =>
      c.call(C.STORAGE_GET_GROUP_NAME, encodeGetGroupNameRequest({ ip, port }));
    assert.equal(
      (await groupOf('127.0.0.25', 23300)).body.toString('hex'),
      Buffer.from('group2').toString('hex').padEnd(32, '0'),
    );
    assert.equal(
      (await groupOf(undefined, 23300)).body.subarray(0, 6).toString(),
      'group2',
      'the peer address',
    );
    assert.equal((await groupOf('127.0.0.25', 23000)).status, Errno.ENOENT);
    assert.equal((await c.call(C.STORAGE_GET_GROUP_NAME, Buffer.alloc(3))).status, Errno.EINVAL);
    const longIp = Buffer.concat([Buffer.alloc(46, 0x31), Buffer.alloc(4)]);
    assert.equal((await c.call(C.STORAGE_GET_GROUP_NAME, longIp)).status, Errno.ENAMETOOLONG);
    await usable(c);
  } finally {
    await h.close();
  }
});

test('71: the member at ip:port as a brief; ENOENT and EINVAL', async () => {
  const h = await harness({ conf: IDS_CONF, storageIds: IDS });
  try {
    const s = h.connect('127.0.0.22');
    assert.equal(
      (
        await s.call(
          C.STORAGE_JOIN,
          joinBody({ storagePort: 23300, storePathCount: 1, storageId: '100001' }),
        )
      ).status,
      0,
    );
    const c = h.connect();
    const status = (ip: string, port: number, groupName = 'group1') =>
      c.call(C.STORAGE_GET_STATUS, encodeStorageStatusRequest({ groupName, ip, port }));
    const brief = decodeStorageBrief((await status('127.0.0.22', 23300)).body);
    assert.deepEqual(brief, { status: S.INIT, port: 23300, id: '100001', ipAddr: '127.0.0.22' });
    assert.equal((await status('127.0.0.22', 23000)).status, Errno.ENOENT);
    assert.equal((await status('127.0.0.22', 23300, 'nosuch')).status, Errno.ENOENT);
    assert.equal(
      (
        await c.call(
          C.STORAGE_GET_STATUS,
          Buffer.concat([group16('group1'), Buffer.from('no-port')]),
        )
      ).status,
      Errno.EINVAL,
    );
    await usable(c);
  } finally {
    await h.close();
  }
});

test('75: the settings text, whose IP size follows the dialect; a body is EINVAL', async () => {
  const h = await harness({
    conf: 'wire_compat = 6.10\nresponse_ip_addr_size = IPv6\nreserved_storage_space = 20%',
  });
  try {
    const c = h.connect();
    const p = decodeParameterReply((await c.call(C.STORAGE_PARAMETER_REQ)).body);
    assert.equal(p.responseIpAddrSize, 16, 'wire_compat 6.10 ignores response_ip_addr_size');
    assert.deepEqual(p.reservedStorageSpace, { kind: 'ratio', ratio: 0.2 });
    assert.equal((await c.call(C.STORAGE_PARAMETER_REQ, Buffer.alloc(1))).status, Errno.EINVAL);
    await usable(c);
  } finally {
    await h.close();
  }
});

test('77 reads the changelog from the storage offset; 78 moves a storage to its new IP', async () => {
  const h = await harness();
  try {
    const a = h.connect('127.0.0.12');
    assert.equal((await a.call(C.STORAGE_JOIN, joinBody())).status, 0);
    await a.call(C.STORAGE_SYNC_DEST_REQ);
    await a.call(C.STORAGE_BEAT);
    const b = h.connect('127.0.0.13');
    assert.equal((await b.call(C.STORAGE_JOIN, joinBody())).status, 0);
    b.end();
    await waitFor(() => h.ctx.connections.current === 1);

    assert.equal((await a.call(C.STORAGE_CHANGELOG_REQ)).body.length, 0, 'nothing yet');
    const admin = h.connect();
    h.clock.now = 1_795_264_166;
    const del = encodeGroupStorageRequest(C.SERVER_DELETE_STORAGE, {
      groupName: 'group1',
      storageId: '127.0.0.13',
    });
    assert.equal((await admin.call(C.SERVER_DELETE_STORAGE, del)).status, 0);
    const line = '1795264166 group1 127.0.0.13 4 \n';
    assert.equal((await a.call(C.STORAGE_CHANGELOG_REQ)).body.toString(), line);
    assert.equal((await a.call(C.STORAGE_CHANGELOG_REQ)).body.length, 0, 'read once');
    assert.equal(
      (await a.call(C.STORAGE_CHANGELOG_REQ, Buffer.alloc(32))).status,
      Errno.EINVAL,
      'joined: no body',
    );

    // Unjoined: named by group + id, ENOENT for an unknown one, EINVAL without a name.
    const named = (storageId: string) => encodeChangelogRequest({ groupName: 'group1', storageId });
    const fresh = h.connect('127.0.0.99');
    const deleted = await fresh.call(C.STORAGE_CHANGELOG_REQ, named('127.0.0.13'));
    assert.equal(deleted.body.toString(), line, 'a deleted storage reads from offset 0 again');
    assert.equal(
      (await fresh.call(C.STORAGE_CHANGELOG_REQ, named('127.0.0.77'))).status,
      Errno.ENOENT,
    );
    assert.equal((await fresh.call(C.STORAGE_CHANGELOG_REQ)).status, Errno.EINVAL);

    // 78 from the new address: the deleted storage cannot move (ENOENT), an online one neither.
    const report = (oldIp: string, newIp: string) =>
      encodeIpChangedRequest({ groupName: 'group1', oldIp, newIp });
    const moved = h.connect('127.0.0.23');
    assert.equal(
      (await moved.call(C.STORAGE_REPORT_IP_CHANGED, report('127.0.0.13', '127.0.0.23'))).status,
      Errno.ENOENT,
    );
    assert.equal(
      (await moved.call(C.STORAGE_REPORT_IP_CHANGED, report('127.0.0.12', '127.0.0.23'))).status,
      Errno.EBUSY,
    );
    assert.equal(
      (await moved.call(C.STORAGE_REPORT_IP_CHANGED, report('127.0.0.12', '127.0.0.24'))).status,
      Errno.EINVAL,
      'not the peer',
    );
    assert.equal(
      (await moved.call(C.STORAGE_REPORT_IP_CHANGED, Buffer.alloc(107))).status,
      Errno.EINVAL,
    );
    a.end();
    await waitFor(() => h.ctx.state.storage('group1', '127.0.0.12')?.status === S.OFFLINE);
    h.clock.now = 1_795_264_200;
    assert.equal(
      (await moved.call(C.STORAGE_REPORT_IP_CHANGED, report('127.0.0.12', '127.0.0.23'))).status,
      0,
    );
    assert.equal(h.ctx.state.storage('group1', '127.0.0.23')?.status, S.OFFLINE);
    assert.equal(h.ctx.state.storage('group1', '127.0.0.12')?.status, S.IP_CHANGED);
    const chunk = await fresh.call(C.STORAGE_CHANGELOG_REQ, named('127.0.0.23'));
    assert.equal(chunk.body.toString(), '1795264200 group1 127.0.0.12 3 127.0.0.23\n');
    await usable(moved);
  } finally {
    await h.close();
  }
});

test('78 with storage ids: EOPNOTSUPP whatever the body', async () => {
  const h = await harness({ conf: IDS_CONF, storageIds: IDS });
  try {
    const c = h.connect();
    assert.equal(
      (await c.call(C.STORAGE_REPORT_IP_CHANGED, Buffer.alloc(3))).status,
      Errno.EOPNOTSUPP,
    );
    await usable(c);
  } finally {
    await h.close();
  }
});
