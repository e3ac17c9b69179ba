// Election scenario scripts (issue 7 test 6): in-memory trackers, each a LeaderDriver with its own
// Leadership, whose peer calls reach the others' Leadership directly. Time is a fake clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../common/logger.js';
import type { TrackerAddress } from '../../common/config/values.js';
import { TrackerCommand as C } from '../../protocol/commands.js';
import { encodeTrackerStatus } from '../../protocol/structs/tracker-cluster.js';
import { LeaderDriver } from './leader-driver.js';
import { Leadership, type Named } from './leadership.js';
import type { FollowerLink } from './follower-link.js';
import type { PeerCall } from './peer-call.js';
import { TrackerPeers } from './peers.js';

interface Node {
  name: string;
  ip: string;
  port: number;
  run: number;
  restart: number;
  up: boolean;
  relation: Leadership;
  driver: LeaderDriver;
}

/** "ip:port run=600 restart=0", one per tracker. */
function cluster(specs: string[]) {
  const clock = { ms: 0 };
  const nodes: Node[] = [];
  const namers = new Map<Node, (text: string) => Named>();
  const byAddress = (a: TrackerAddress) =>
    nodes.find((n) => n.ip === a.hosts[0] && n.port === a.port);
  const addresses: TrackerAddress[] = specs.map((s) => {
    const [hp = ''] = s.split(' ');
    const i = hp.lastIndexOf(':');
    return { hosts: [hp.slice(0, i)], port: Number(hp.slice(i + 1)) };
  });
  specs.forEach((spec, index) => {
    const f = Object.fromEntries(
      spec
        .split(' ')
        .slice(1)
        .map((x) => x.split('=')),
    );
    const me = addresses[index]!;
    const relation = new Leadership();
    const peers = new TrackerPeers(addresses, () => me.port, [me.hosts[0]!]);
    const named = (text: string): Named => {
      const i = text.lastIndexOf(':');
      const ip = text.slice(0, i);
      const port = Number(text.slice(i + 1));
      if (ip === me.hosts[0] && port === me.port) return { self: true };
      const a = addresses.find((t) => t.hosts[0] === ip && t.port === port);
      return a ? { self: false, address: a } : undefined;
    };
    const node: Node = {
      name: `${me.hosts[0]}:${me.port}`,
      ip: me.hosts[0]!,
      port: me.port,
      run: Number(f['run'] ?? 0),
      restart: Number(f['restart'] ?? 0),
      up: true,
      relation,
      driver: undefined as unknown as LeaderDriver,
    };
    const call: PeerCall = async (peer, cmd, body) => {
      const target = byAddress(peer);
      if (!target?.up || !node.up) return undefined;
      const r = target.relation;
      if (cmd === C.TRACKER_GET_STATUS) {
        const s = { ifLeader: r.isLeader ? 1 : 0, runningTime: target.run, restartInterval: 0 };
        return { status: 0, body: encodeTrackerStatus({ ...s, restartInterval: target.restart }) };
      }
      const from = namers.get(target)!(body!.toString());
      const status = cmd === C.TRACKER_NOTIFY_NEXT_LEADER ? r.notifyNext(from) : r.commitNext(from);
      return status === 0 ? { status: 0, body: Buffer.alloc(0) } : { status };
    };
    const link = {
      ping: async (leader: TrackerAddress) =>
        node.up && byAddress(leader)?.up === true && byAddress(leader)!.relation.isLeader,
      close: () => undefined,
    } as unknown as FollowerLink;
    node.driver = new LeaderDriver({
      peers,
      relation,
      call,
      link,
      self: () => ({
        ifLeader: false,
        runningTime: node.run,
        restartInterval: node.restart,
        ip: node.ip,
        port: node.port,
      }),
      selfText: () => node.name,
      onLeadership: () => undefined,
      now: () => Math.floor(clock.ms / 1000),
      clockMs: () => clock.ms,
      random: () => 0.5,
      logger: silentLogger,
    });
    namers.set(node, named);
    nodes.push(node);
  });
  const tick = async (rounds = 1) => {
    for (let i = 0; i < rounds; i++) {
      clock.ms += 1000;
      for (const n of nodes) if (n.up) await n.driver.tick();
    }
  };
  /** What each live tracker says leads: "self" resolved to its own name. */
  const leaders = () =>
    nodes
      .filter((n) => n.up)
      .map((n) => {
        const l = n.relation.leader;
        if (!l) return 'none';
        return l.self ? n.name : `${l.address.hosts[0]}:${l.address.port}`;
      });
  return { nodes, tick, leaders };
}

function agreed(leaders: string[]): string {
  assert.equal(new Set(leaders).size, 1, `trackers disagree: ${leaders.join(' ')}`);
  assert.notEqual(leaders[0], 'none');
  return leaders[0]!;
}

test('ties: the longest running time wins first', async () => {
  const c = cluster(['10.0.0.9:22122 run=300', '10.0.0.1:22122 run=600', '10.0.0.5:22122 run=0']);
  await c.tick(2);
  assert.equal(agreed(c.leaders()), '10.0.0.1:22122');
});

test('ties: equal running times, the shortest restart interval', async () => {
  const c = cluster([
    '10.0.0.9:22122 run=600 restart=900',
    '10.0.0.1:22122 run=600 restart=300',
    '10.0.0.5:22122 run=600 restart=600',
  ]);
  await c.tick(2);
  assert.equal(agreed(c.leaders()), '10.0.0.1:22122');
});

test('ties: equal times, the larger IP text; then the larger port', async () => {
  const c = cluster(['10.0.0.10:22122', '10.0.0.9:22122', '10.0.0.1:22122']);
  await c.tick(2);
  assert.equal(agreed(c.leaders()), '10.0.0.9:22122');
  const p = cluster(['10.0.0.1:22122', '10.0.0.1:22200', '10.0.0.1:22123']);
  await p.tick(2);
  assert.equal(agreed(p.leaders()), '10.0.0.1:22200');
});

test('the leader dies: the others agree on the next in order after three failed pings', async () => {
  const c = cluster(['10.0.0.3:22122', '10.0.0.2:22122', '10.0.0.1:22122']);
  await c.tick(2);
  assert.equal(agreed(c.leaders()), '10.0.0.3:22122');
  c.nodes[0]!.up = false;
  await c.tick(2);
  assert.ok(c.leaders().includes('10.0.0.3:22122'), 'two failures: still followed');
  await c.tick(3);
  assert.equal(agreed(c.leaders()), '10.0.0.2:22122');
  // It comes back: a leader exists, so it follows and the leader does not change.
  c.nodes[0]!.up = true;
  c.nodes[0]!.relation.drop();
  await c.tick(2);
  assert.equal(agreed(c.leaders()), '10.0.0.2:22122');
});

test('two leaders meet: the one without followers steps down within two ticks', async () => {
  const c = cluster(['10.0.0.3:22122', '10.0.0.2:22122', '10.0.0.1:22122']);
  await c.tick(2);
  c.nodes[0]!.up = false; // paused
  await c.tick(6);
  assert.equal(agreed(c.leaders()), '10.0.0.2:22122');
  c.nodes[0]!.up = true; // resumed, still believing it leads
  assert.equal(c.nodes[0]!.relation.isLeader, true);
  await c.tick(2);
  assert.equal(c.nodes[0]!.relation.isLeader, false);
  await c.tick(2);
  assert.equal(agreed(c.leaders()), '10.0.0.2:22122');
});

test('66 naming another tracker makes a leader step down with EINVAL; 67 needs the 66', () => {
  const r = new Leadership();
  const other = { self: false as const, address: { hosts: ['10.0.0.2'], port: 1 } };
  r.lead();
  assert.equal(r.notifyNext(other), 22);
  assert.equal(r.isLeader, false);
  assert.equal(r.commitNext({ self: true }), 22);
  assert.equal(r.commitNext(other), 0);
  assert.deepEqual(r.leader, other);
  assert.equal(r.notifyNext(undefined), 2);
  assert.equal(r.reselect(), 95);
  r.lead();
  assert.equal(r.reselect(), 0);
  assert.equal(r.leader, undefined);
});

test('58/65: only the leader accepts; a second join is EEXIST; pings need a join', () => {
  const r = new Leadership();
  const conn = {};
  const f = {
    address: { hosts: ['10.0.0.2'], port: 1 },
    upTime: 5,
    version: '6.16.1',
    counters: { allocCount: 0, currentCount: 0, maxCount: 0 },
  };
  assert.equal(r.join(conn, f, 100), 95);
  r.lead();
  assert.equal(r.ping(conn, undefined, 100), 22);
  assert.equal(r.join(conn, undefined, 100), 2);
  assert.equal(r.join(conn, f, 100), 0);
  assert.equal(r.join(conn, f, 100), 17);
  assert.equal(r.ping(conn, { allocCount: 256, currentCount: 3, maxCount: 3 }, 102), 0);
  assert.equal(r.activeFollowers(105), 1);
  assert.equal(r.activeFollowers(106), 0);
  r.closed(conn);
  assert.equal(r.follower(f.address), undefined);
});
