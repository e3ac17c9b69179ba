import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { FdfsError } from '../common/errors.js';
import { PoolSet } from '../common/pool.js';
import {
  encodeFetchAllReply,
  encodeFetchOneReply,
  encodeStoreAllReply,
  encodeStoreOneReply,
} from '../protocol/messages/index.js';
import { answer, fakeServer, refusingPort, type Handler } from './fake-servers.test.helper.js';
import { TrackerClient, type TrackerClientOptions } from './tracker-client.js';

const T = { timeout: 10_000 };
const FILE_ID = 'group1/M00/00/00/fwAADGsBidOAXtDXAAAAHdnGElo349.txt';
const LOGIC = FILE_ID.slice('group1/'.length);
const S1 = { ip: '10.0.0.1', port: 23000 };
const S2 = { ip: '10.0.0.2', port: 23001 };

/** A tracker answering every query about group1 with S1 (and S2 for the lists). */
const tracker: Handler = (frame, socket) => {
  const cmd = frame.header.cmd;
  if (cmd === 101 || cmd === 104) {
    answer(socket, 0, encodeStoreOneReply({ groupName: 'group1', ...S1, storePathIndex: 1 }, 16));
  } else if (cmd === 106 || cmd === 107) {
    answer(
      socket,
      0,
      encodeStoreAllReply({ groupName: 'group1', servers: [S1, S2], storePathIndex: 2 }, 46),
    );
  } else if (cmd === 102 || cmd === 103) {
    answer(socket, 0, encodeFetchOneReply({ groupName: 'group1', ...S1 }, 46));
  } else if (cmd === 105) {
    answer(socket, 0, encodeFetchAllReply({ groupName: 'group1', servers: [S1, S2] }, 16));
  } else if (cmd === 111) answer(socket, 0);
  else answer(socket, 22);
};

function client(t: TestContext, options: TrackerClientOptions): TrackerClient {
  const c = new TrackerClient({ connectTimeoutMs: 2000, networkTimeoutMs: 5000, ...options });
  t.after(() => c.close());
  return c;
}

test('each query sends its command and body and decodes its reply by length', T, async (t) => {
  const server = await fakeServer(t, tracker);
  const c = client(t, { trackers: [server.address] });
  const store = { groupName: 'group1', host: '10.0.0.1', port: 23000, storePathIndex: 1 };
  assert.deepEqual(await c.queryStore(), store);
  assert.deepEqual(await c.queryStore('group1'), store);
  const all = [
    { groupName: 'group1', host: '10.0.0.1', port: 23000, storePathIndex: 2 },
    { groupName: 'group1', host: '10.0.0.2', port: 23001, storePathIndex: 2 },
  ];
  assert.deepEqual(await c.queryStoreAll(), all);
  assert.deepEqual(await c.queryStoreAll('group1'), all);
  const one = { groupName: 'group1', host: '10.0.0.1', port: 23000 };
  assert.deepEqual(await c.queryFetch(FILE_ID), one);
  assert.deepEqual(await c.queryUpdate(FILE_ID), one);
  assert.deepEqual(await c.queryFetchAll(FILE_ID), [
    one,
    { groupName: 'group1', host: '10.0.0.2', port: 23001 },
  ]);
  await c.activeTest();
  assert.deepEqual(server.cmds(), [101, 104, 106, 107, 102, 103, 105, 111]);
  const bodies = server.frames.map((f) => f.body.toString('latin1'));
  const group = 'group1'.padEnd(16, '\0');
  assert.deepEqual(bodies, ['', group, '', group, group + LOGIC, group + LOGIC, group + LOGIC, '']);
  assert.equal(server.peer.accepted, 1, 'one pooled connection carried every query');
});

test('the legacy QUERY_FETCH_ALL form (§14.6) decodes too', T, async (t) => {
  const server = await fakeServer(t, (_frame, socket) =>
    answer(socket, 0, encodeFetchAllReply({ groupName: 'g', servers: [S1, S2] }, 16, 'legacy')),
  );
  const c = client(t, { trackers: [server.address] });
  assert.deepEqual(await c.queryFetchAll(FILE_ID), [
    { groupName: 'g', host: '10.0.0.1', port: 23000 },
    { groupName: 'g', host: '10.0.0.2', port: 23000 },
  ]);
});

test('calls rotate over the trackers (§12)', T, async (t) => {
  const a = await fakeServer(t, tracker);
  const b = await fakeServer(t, tracker);
  const c = client(t, { trackers: [a.address, b.address] });
  for (let i = 0; i < 6; i++) await c.queryStore();
  assert.equal(a.frames.length, 3);
  assert.equal(b.frames.length, 3);
  assert.deepEqual(c.trackers, [`127.0.0.1:${a.address.port}`, `127.0.0.1:${b.address.port}`]);
});

test('a tracker that refuses connections is passed over; every call succeeds', T, async (t) => {
  const refusing = await refusingPort();
  const b = await fakeServer(t, tracker);
  const c = client(t, { trackers: [{ host: '127.0.0.1', port: refusing }, b.address] });
  for (let i = 0; i < 6; i++) {
    assert.equal((await c.queryFetch(FILE_ID)).host, '10.0.0.1');
  }
  assert.equal(b.frames.length, 6);
});

test('the addresses of a dual-IP tracker are tried in turn', T, async (t) => {
  const refusing = await refusingPort();
  const b = await fakeServer(t, tracker);
  // Nothing listens on 127.0.0.2: the first address refuses, the second is the live tracker.
  const c = client(t, { trackers: [{ hosts: ['127.0.0.2', '127.0.0.1'], port: b.address.port }] });
  const blocked = client(t, { trackers: [{ hosts: ['127.0.0.1'], port: refusing }] });
  assert.equal((await c.queryStore()).port, 23000);
  await assert.rejects(blocked.queryStore(), { code: 'ERR_NO_TRACKER' });
});

test('no tracker reachable: ERR_NO_TRACKER, naming each failure', T, async (t) => {
  const p1 = await refusingPort();
  const p2 = await refusingPort();
  const c = client(t, {
    trackers: [
      { host: '127.0.0.1', port: p1 },
      { host: '127.0.0.1', port: p2 },
    ],
  });
  const err = await c.queryStore().then(
    () => assert.fail('resolved'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof FdfsError);
  assert.equal(err.code, 'ERR_NO_TRACKER');
  assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${p1}.*127\\.0\\.0\\.1:${p2}`));
  assert.ok(err.cause instanceof AggregateError);
  assert.equal(err.cause.errors.length, 2);
  assert.throws(() => new TrackerClient({ trackers: [] }), { code: 'ERR_INVALID_ARGUMENT' });
});

test(
  'an error status rejects with errno, command and server, and is not failed over',
  T,
  async (t) => {
    const a = await fakeServer(t, (_f, socket) => answer(socket, 2));
    const b = await fakeServer(t, tracker);
    const pools = new PoolSet({ connectTimeoutMs: 2000 });
    t.after(() => pools.close());
    const c = client(t, { trackers: [a.address, b.address], pools });
    const err = await c.queryStore('group9').then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof FdfsError);
    assert.equal(err.code, 'ERR_SERVER_STATUS');
    assert.equal(err.errno, 2);
    assert.equal(err.errnoName, 'ENOENT');
    assert.equal(err.command, 104);
    assert.equal(err.server, `127.0.0.1:${a.address.port}`);
    assert.match(err.message, /SERVICE_QUERY_STORE_WITH_GROUP_ONE\(104\)/);
    assert.match(err.message, /ENOENT \(2\)/);
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${a.address.port}`));
    assert.equal(b.frames.length, 0);
    // The connection that carried the error was dropped, not pooled (§1.2).
    const pool = pools.get('127.0.0.1', a.address.port);
    assert.equal(pool.idle + pool.inUse, 0);
  },
);

test('a malformed reply is ERR_BAD_BODY naming command, length and server', T, async (t) => {
  const server = await fakeServer(t, (_f, socket) => answer(socket, 0, Buffer.alloc(41)));
  const c = client(t, { trackers: [server.address] });
  await assert.rejects(c.queryStore(), (err: FdfsError) => {
    assert.equal(err.code, 'ERR_BAD_BODY');
    assert.equal(err.command, 101);
    assert.equal(err.server, `127.0.0.1:${server.address.port}`);
    assert.match(err.message, /\(101\).*length 41.*from 127\.0\.0\.1/);
    return true;
  });
  await c.queryFetch(FILE_ID).catch(() => undefined);
  assert.equal(server.peer.accepted, 2, 'the connection with the bad reply was dropped');
});

test('bad arguments are refused before anything is sent', T, async (t) => {
  const server = await fakeServer(t, tracker);
  const c = client(t, { trackers: [server.address] });
  await assert.rejects(c.queryStore('bad_group'), { code: 'ERR_INVALID_ARGUMENT' });
  await assert.rejects(c.queryStoreAll('x'.repeat(17)), { code: 'ERR_INVALID_ARGUMENT' });
  await assert.rejects(c.queryFetch('no-slash'), { code: 'ERR_BAD_FILE_ID' });
  await assert.rejects(c.queryUpdate('group1/M00/00/00/../../x'), { code: 'ERR_BAD_FILE_ID' });
  await assert.rejects(c.queryFetchAll('group1/M00/00/00/short'), {
    code: 'ERR_INVALID_ARGUMENT',
  });
  assert.equal(server.peer.accepted, 0);
});

test('abort signals: before the call, and while the tracker stalls', T, async (t) => {
  const server = await fakeServer(t, () => {});
  const c = client(t, { trackers: [server.address] });
  await assert.rejects(c.queryStore(undefined, AbortSignal.abort()), { code: 'ERR_ABORTED' });
  assert.equal(server.peer.accepted, 0);
  const controller = new AbortController();
  const pending = c.queryFetch(FILE_ID, controller.signal);
  setTimeout(() => controller.abort(new Error('enough')), 50);
  await assert.rejects(pending, { code: 'ERR_ABORTED' });
  assert.equal(server.frames.length, 1);
});
