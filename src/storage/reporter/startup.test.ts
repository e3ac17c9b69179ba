// The start-up sequence (§9.13) against fake trackers on loopback addresses: what goes where, in
// which order, on which connection, from which address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../common/logger.js';
import { TrackerCommand as C } from '../../protocol/commands.js';
import { decodeGetMyIpRequest } from '../../protocol/messages/tracker-identity.js';
import {
  decodeChangelogRequest,
  decodeIpChangedRequest,
} from '../../protocol/messages/tracker-reports.js';
import { RwMode } from '../../protocol/status.js';
import { FakeHost } from './fake-host.test.helper.js';
import { FakeTracker, standardTracker, type StandardOptions } from './fake-tracker.test.helper.js';
import { runStartup, type StartupResult } from './startup.js';

const BIND = '127.0.0.2';

async function withTrackers(
  options: StandardOptions[],
  fn: (trackers: FakeTracker[]) => Promise<void>,
): Promise<void> {
  const trackers = await Promise.all(options.map((o) => FakeTracker.start(standardTracker(o))));
  try {
    await fn(trackers);
  } finally {
    await Promise.all(trackers.map((t) => t.close()));
  }
}

function start(
  trackers: FakeTracker[],
  host: FakeHost,
  signal = new AbortController().signal,
): Promise<StartupResult> {
  return runStartup({
    trackers: trackers.map((t) => t.address),
    link: { connectTimeoutMs: 2000, networkTimeoutMs: 5000, bindAddrs: [BIND], signal },
    host,
    identity: host.identity(),
    retryMs: 50,
    logger: silentLogger,
  });
}

test('first start, ids off: 60 + QUIT on its own connection, then 75; no IP-change step', async () => {
  await withTrackers([{}], async ([t]) => {
    const host = new FakeHost();
    const result = await start([t!], host);
    assert.deepEqual(t!.commands(), [C.STORAGE_GET_MY_IP, C.QUIT, C.STORAGE_PARAMETER_REQ]);
    assert.deepEqual(t!.commands(1), [C.STORAGE_GET_MY_IP, C.QUIT]);
    assert.deepEqual(decodeGetMyIpRequest(t!.requests[0]!.body), {
      groupName: 'group1',
      port: 23000,
    });
    assert.ok(
      t!.requests.every((r) => r.peer.address === BIND),
      'every connection is bound',
    );
    assert.equal(result.ownId, BIND);
    assert.deepEqual(result.ownIps, [BIND]);
    assert.equal(host.ownId, BIND);
    assert.deepEqual(host.ownAddresses, [{ ips: [BIND], tracker: t!.address }]);
    assert.equal(host.params?.useStorageId, false);
  });
});

test('restart, ids off: 77 with group and id on a short connection ended by QUIT', async () => {
  await withTrackers([{}], async ([t]) => {
    await start([t!], new FakeHost({ lastIpAddr: BIND }));
    assert.deepEqual(t!.commands(), [
      C.STORAGE_GET_MY_IP,
      C.QUIT,
      C.STORAGE_PARAMETER_REQ,
      C.STORAGE_CHANGELOG_REQ,
      C.QUIT,
    ]);
    const req = t!.requests.find((r) => r.cmd === C.STORAGE_CHANGELOG_REQ)!;
    assert.deepEqual(decodeChangelogRequest(req.body), { groupName: 'group1', storageId: BIND });
    // Without auto-adjust nothing of the kind is sent.
  });
  await withTrackers([{ params: { storageIpChangedAutoAdjust: false } }], async ([t]) => {
    await start([t!], new FakeHost({ lastIpAddr: BIND }));
    assert.equal(t!.count(C.STORAGE_CHANGELOG_REQ), 0);
  });
});

test('our address changed: 78 to every tracker, then 77 rounds until one answers 0 or ENOENT', async () => {
  const changelog = Buffer.from('1795263000 group1 127.0.0.9 3 127.0.0.2\n');
  let secondCalls = 0;
  const refuse: StandardOptions = {
    override: (req) => (req.cmd === C.STORAGE_CHANGELOG_REQ ? { status: 22 } : undefined),
  };
  const refuseOnce: StandardOptions = {
    override: (req) => {
      if (req.cmd !== C.STORAGE_CHANGELOG_REQ) return undefined;
      return secondCalls++ === 0 ? { status: 22 } : { body: changelog };
    },
  };
  await withTrackers([refuse, refuseOnce], async ([a, b]) => {
    const host = new FakeHost({ lastIpAddr: '127.0.0.9' });
    await start([a!, b!], host);
    for (const t of [a!, b!]) {
      const req = t.requests.find((r) => r.cmd === C.STORAGE_REPORT_IP_CHANGED)!;
      assert.deepEqual(decodeIpChangedRequest(req.body), {
        groupName: 'group1',
        oldIp: '127.0.0.9',
        newIp: BIND,
      });
      assert.equal(t.count(C.STORAGE_REPORT_IP_CHANGED), 1, 'one round was enough');
      // 78 and 77 each on a short connection that ends with QUIT.
      assert.deepEqual(t.commands(req.conn), [C.STORAGE_REPORT_IP_CHANGED, C.QUIT]);
      assert.equal(t.count(C.STORAGE_CHANGELOG_REQ), 2, 'round 1 failed everywhere');
    }
    assert.deepEqual(host.changelog, [
      { timestamp: 1795263000, groupName: 'group1', oldId: '127.0.0.9', status: 3, newId: BIND },
    ]);
  });
});

test('no group_name: 109 first; a tracker that does not know us is a configuration error', async () => {
  await withTrackers([{ groupName: 'group7' }], async ([t]) => {
    const host = new FakeHost({ groupName: undefined });
    const result = await start([t!], host);
    assert.equal(t!.commands()[0], C.STORAGE_GET_GROUP_NAME);
    assert.equal(t!.requests[0]!.body.length, 4, 'the port alone: the tracker uses our address');
    assert.equal(result.groupName, 'group7');
    assert.equal(host.groupName, 'group7');
  });
  await withTrackers(
    [{ override: (r) => (r.cmd === C.STORAGE_GET_GROUP_NAME ? { status: 2 } : undefined) }],
    async ([t]) => {
      await assert.rejects(start([t!], new FakeHost({ groupName: undefined })), {
        code: 'ERR_CONFIG',
      });
    },
  );
});

const IDS = [
  { id: '100001', groupName: 'group1', ips: ['127.0.0.22'], port: 23000, rwMode: RwMode.BOTH },
  { id: '100002', groupName: 'group1', ips: ['127.0.0.2'], port: 23000, rwMode: RwMode.BOTH },
  { id: '100003', groupName: 'group2', ips: ['127.0.0.25'], port: 23000, rwMode: RwMode.READ },
];

test('ids on: 75, then 69 page by page; our id from the list, so no 70', async () => {
  await withTrackers(
    [{ params: { useStorageId: true }, storageIds: IDS, idsPageSize: 1 }],
    async ([t]) => {
      const host = new FakeHost();
      const result = await start([t!], host);
      assert.deepEqual(t!.commands(), [
        C.STORAGE_GET_MY_IP,
        C.QUIT,
        C.STORAGE_PARAMETER_REQ,
        C.STORAGE_FETCH_STORAGE_IDS,
        C.STORAGE_FETCH_STORAGE_IDS,
        C.STORAGE_FETCH_STORAGE_IDS,
      ]);
      assert.deepEqual(
        t!.requests
          .filter((r) => r.cmd === C.STORAGE_FETCH_STORAGE_IDS)
          .map((r) => r.body.toString('hex')),
        ['0000000000', '0000000100', '0000000200'],
      );
      assert.equal(result.ownId, '100002');
      assert.equal(host.ownId, '100002');
      assert.equal(host.storageIds?.length, 3);
    },
  );
});

test('ids on and not in the list: 70 on the 69 connection; server_id skips it; ENOENT is fatal', async () => {
  const others = IDS.filter((e) => e.id !== '100002');
  await withTrackers(
    [{ params: { useStorageId: true }, storageIds: others, serverId: '100009' }],
    async ([t]) => {
      const result = await start([t!], new FakeHost());
      const ids = t!.requests.find((r) => r.cmd === C.STORAGE_FETCH_STORAGE_IDS)!;
      const get = t!.requests.find((r) => r.cmd === C.STORAGE_GET_SERVER_ID)!;
      assert.equal(get.conn, ids.conn, '69 and 70 share a connection');
      assert.equal(get.body.subarray(16).toString(), `${BIND}:23000`);
      assert.equal(result.ownId, '100009');
    },
  );
  await withTrackers([{ params: { useStorageId: true }, storageIds: others }], async ([t]) => {
    const result = await start([t!], new FakeHost({ serverId: '100042' }));
    assert.equal(t!.count(C.STORAGE_GET_SERVER_ID), 0);
    assert.equal(result.ownId, '100042');
  });
  await withTrackers([{ params: { useStorageId: true }, storageIds: others }], async ([t]) => {
    await assert.rejects(start([t!], new FakeHost()), { code: 'ERR_CONFIG' });
  });
});

test('a tracker that is down: 60 goes on with the others; when none answers, rounds repeat', async () => {
  await withTrackers([{}, {}], async ([up, down]) => {
    const downAddress = down!.address;
    await down!.close();
    const host = new FakeHost();
    const result = await runStartup({
      trackers: [downAddress, up!.address],
      link: {
        connectTimeoutMs: 500,
        networkTimeoutMs: 2000,
        bindAddrs: [BIND],
        signal: new AbortController().signal,
      },
      host,
      identity: host.identity(),
      retryMs: 20,
      logger: silentLogger,
    });
    assert.deepEqual(result.ipsByTracker, [undefined, [BIND]]);
    assert.equal(up!.count(C.STORAGE_PARAMETER_REQ), 1);
  });
  // Nobody up: the rounds go on until stopped.
  const dead = await FakeTracker.start(standardTracker());
  const address = dead.address;
  await dead.close();
  const ac = new AbortController();
  const host = new FakeHost();
  const running = runStartup({
    trackers: [address],
    link: { connectTimeoutMs: 200, networkTimeoutMs: 1000, bindAddrs: [], signal: ac.signal },
    host,
    identity: host.identity(),
    retryMs: 20,
    logger: silentLogger,
  });
  setTimeout(() => ac.abort(), 150);
  await assert.rejects(running, { code: 'ERR_ABORTED' });
});
