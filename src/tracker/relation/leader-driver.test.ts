import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../common/logger.js';
import type { TrackerAddress } from '../../common/config/values.js';
import { LeaderDriver, type StatusProbe } from './leader-driver.js';
import { TrackerPeers } from './peers.js';

const PORT = 22122;
const LOCAL = ['127.0.0.1', '10.0.0.1'];

function setup(configured: TrackerAddress[], probe: StatusProbe) {
  const peers = new TrackerPeers(configured, () => PORT, LOCAL);
  let leaderships = 0;
  const driver = new LeaderDriver({
    peers,
    probe,
    self: () => ({
      ifLeader: false,
      runningTime: 0,
      restartInterval: 0,
      ip: '10.0.0.1',
      port: PORT,
    }),
    onLeadership: () => leaderships++,
    logger: silentLogger,
  });
  return { peers, driver, leaderships: () => leaderships };
}

const none: StatusProbe = async () => undefined;

test('no election before the cluster is known; a lone tracker then leads at once', async () => {
  const probed: string[] = [];
  const { peers, driver, leaderships } = setup([], async (p) => {
    probed.push(p.hosts[0]!);
    return undefined;
  });
  await driver.tick();
  assert.equal(driver.leader, undefined);
  // A storage's join lists this tracker only (any local address with our port is us).
  peers.addJoinLines(['127.0.0.1:22122']);
  assert.deepEqual(peers.list(), []);
  await driver.tick();
  assert.deepEqual(driver.leader, { self: true });
  assert.equal(driver.isLeader, true);
  assert.equal(leaderships(), 1);
  await driver.tick();
  assert.equal(leaderships(), 1, 'a leader does not elect again');
  assert.deepEqual(probed, []);
});

test('configured peers that are all down: this tracker leads', async () => {
  const { driver, leaderships } = setup(
    [
      { hosts: ['10.0.0.2'], port: PORT },
      { hosts: ['10.0.0.1'], port: PORT },
    ],
    none,
  );
  await driver.tick();
  assert.equal(driver.isLeader, true);
  assert.equal(leaderships(), 1);
});

test('a peer that leads is followed, and dropped after three failed answers', async () => {
  let answer: Awaited<ReturnType<StatusProbe>> = {
    ifLeader: true,
    runningTime: 300,
    restartInterval: 0,
  };
  const { driver, leaderships } = setup([{ hosts: ['10.0.0.2'], port: PORT }], async () => answer);
  await driver.tick();
  assert.deepEqual(driver.leader, { self: false, address: { hosts: ['10.0.0.2'], port: PORT } });
  assert.equal(driver.isLeader, false);
  answer = undefined;
  await driver.tick();
  await driver.tick();
  assert.equal(driver.isLeader, false);
  assert.notEqual(driver.leader, undefined);
  await driver.tick();
  assert.equal(driver.leader, undefined, 'dropped after the third failure');
  await driver.tick();
  assert.equal(driver.isLeader, true, 'then nobody answers: this tracker leads');
  assert.equal(leaderships(), 1);
});

test('a live peer that does not lead: no leader yet (the 66/67 election is not ours)', async () => {
  const { driver } = setup([{ hosts: ['10.0.0.2'], port: PORT }], async () => ({
    ifLeader: false,
    runningTime: 0,
    restartInterval: 0,
  }));
  await driver.tick();
  assert.equal(driver.leader, undefined);
});

test('join lines add peers, skip bad lines and this tracker', () => {
  const peers = new TrackerPeers([], () => PORT, LOCAL);
  assert.equal(peers.known, false);
  assert.equal(peers.addJoinLines(['10.0.0.2:22122', 'junk:line:1', '10.0.0.1:22122']), true);
  assert.equal(peers.addJoinLines(['10.0.0.2:22122']), false);
  assert.deepEqual(peers.list(), [{ hosts: ['10.0.0.2'], port: PORT }]);
  assert.equal(peers.known, true);
  peers.noteLocalAddress('10.0.0.2');
  assert.deepEqual(peers.list(), [], 'an address learnt later as ours');
  peers.addJoinLines(['10.0.0.3,192.168.0.3:22122']);
  assert.deepEqual(peers.list(), [{ hosts: ['10.0.0.3', '192.168.0.3'], port: PORT }]);
});
