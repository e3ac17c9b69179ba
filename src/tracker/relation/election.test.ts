import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareCandidates,
  decideLeadership,
  electLeader,
  runningTimes,
  type Candidate,
} from './election.js';

/** "ip:port leader=0 run=600 restart=0" */
function c(text: string): Candidate {
  const [address = '', ...fields] = text.split(' ');
  const colon = address.lastIndexOf(':');
  const f = Object.fromEntries(fields.map((x) => x.split('=') as [string, string]));
  return {
    ip: address.slice(0, colon),
    port: Number(address.slice(colon + 1)),
    ifLeader: f['leader'] === '1',
    runningTime: Number(f['run'] ?? 0),
    restartInterval: Number(f['restart'] ?? 0),
  };
}

const winner = (...lines: string[]): string => {
  const w = electLeader(lines.map(c))!;
  return `${w.ip}:${w.port}`;
};

test('a tracker that already leads wins whatever the rest says', () => {
  assert.equal(
    winner(
      '10.0.0.9:22122 run=9000 restart=0',
      '10.0.0.1:22122 leader=1 run=0 restart=3000',
      '10.0.0.5:22122 run=600',
    ),
    '10.0.0.1:22122',
  );
});

test('then the longest running time', () => {
  assert.equal(winner('10.0.0.9:22122 run=300', '10.0.0.1:22122 run=600'), '10.0.0.1:22122');
});

test('equal running times: the shortest restart interval', () => {
  assert.equal(
    winner('10.0.0.9:22122 run=600 restart=900', '10.0.0.1:22122 run=600 restart=300'),
    '10.0.0.1:22122',
  );
});

test('equal times: the larger IP string, compared as text', () => {
  assert.equal(winner('10.0.0.9:22122 run=600', '10.0.0.10:22122 run=600'), '10.0.0.9:22122');
  assert.equal(winner('127.0.0.21:22300', '127.0.0.24:22300'), '127.0.0.24:22300');
});

test('equal IPs: the larger port', () => {
  assert.equal(winner('10.0.0.1:22123', '10.0.0.1:22122', '10.0.0.1:22200'), '10.0.0.1:22200');
});

test('the order is a total order: sorting either way gives the same winner', () => {
  const list = [
    '10.0.0.1:1 run=300 restart=300',
    '10.0.0.2:1 run=300 restart=0',
    '10.0.0.2:2 run=300 restart=0',
    '10.0.0.3:1 run=0',
  ].map(c);
  assert.deepEqual(electLeader(list), electLeader([...list].reverse()));
  assert.equal(compareCandidates(list[0]!, list[0]!), 0);
  assert.equal(electLeader([]), undefined);
});

test('a lone tracker leads when no peer answers', () => {
  const self = c('10.0.0.1:22122');
  assert.deepEqual(decideLeadership(self, []), { kind: 'lead' });
});

test('a peer that wins and already leads is followed; otherwise the round waits', () => {
  const self = c('10.0.0.1:22122 run=600');
  const leader = c('10.0.0.2:22122 leader=1');
  assert.deepEqual(decideLeadership(self, [leader]), { kind: 'follow', leader });
  // A live peer that does not lead while we rank first: run the 66/67 round.
  const peer = c('10.0.0.2:22122 run=0');
  assert.equal(decideLeadership(self, [peer]).kind, 'notify');
  const senior = c('10.0.0.3:22122 run=900');
  assert.deepEqual(decideLeadership(self, [peer, senior]), { kind: 'wait', winner: senior });
});

test('running time and restart interval are rounded down to 300 s', () => {
  assert.deepEqual(runningTimes(1000, 0, 1299), { runningTime: 0, restartInterval: 0 });
  assert.deepEqual(runningTimes(1000, 0, 1300), { runningTime: 300, restartInterval: 0 });
  assert.deepEqual(runningTimes(10_000, 9_100, 10_650), { runningTime: 600, restartInterval: 900 });
  assert.deepEqual(runningTimes(10_000, 9_750, 10_000), { runningTime: 0, restartInterval: 0 });
});
