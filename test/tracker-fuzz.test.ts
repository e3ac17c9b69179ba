// Random and truncated frames against a live tracker (issue 3, "Bad input and load"): random
// commands with random bodies up to ~300 KB, pkg_len above the limit, negative pkg_len, frames cut
// short, garbage, several frames at once; many connections, bounded in count and time. Meanwhile
// a well-behaved client keeps getting answers; afterwards the tracker is alive and a fresh
// connection's ACTIVE_TEST and QUERY_STORE answer correctly. The seed is printed (replay with
// FDFS_TEST_SEED=<seed>).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { parseTrackerConfig } from '#src/common/config/index.js';
import { silentLogger } from '#src/common/logger.js';
import { encodeHeader } from '#src/protocol/header.js';
import { TrackerServer } from '#src/tracker/server.js';
import { Cluster } from './support/cluster.js';
import { FakeStorage } from './support/fake-storage.js';
import { prng, testSeed, type Prng } from './support/prng.js';
import { connectTracker, hostPort, queryStore } from './support/tracker-queries.js';
import { trackerConfigText } from './support/cluster-tracker.js';

const CONNECTIONS = 400;
const PARALLEL = 16;
/** The whole fuzz run stops sending after this long, whatever is left. */
const BUDGET_MS = 15_000;
/** A fuzz connection is dropped this long after its last chunk if the tracker has not closed it. */
const LINGER_MS = 300;
const LIMIT = 256 * 1024;

const seed = testSeed();
const rand = prng(seed);
const cluster = new Cluster('tracker-fuzz');
const host = cluster.allocateHost();
let server: TrackerServer;
let port: number;
const storages: FakeStorage[] = [];

before(async () => {
  port = await cluster.freePort(host);
  const basePath = cluster.nodeDir('tracker');
  mkdirSync(basePath, { recursive: true });
  const config = parseTrackerConfig(
    trackerConfigText({
      base_path: basePath,
      bind_addr: host,
      port,
      network_timeout: 2,
      reserved_storage_space: '1%',
      max_connections: 1024,
    }),
    { file: join(basePath, 'tracker.conf') },
  );
  server = new TrackerServer(config, { logger: silentLogger });
  await server.listen();
  for (let i = 0; i < 2; i++) {
    storages.push(
      new FakeStorage({
        tracker: { host, port },
        ip: cluster.allocateHost(),
        groupName: 'group1',
        port: 23000,
      }),
    );
  }
  await storages[0]!.startAsFirstOfGroup();
  await storages[1]!.rejoin();
});

after(async () => {
  for (const s of storages) s.close();
  await server?.close();
  await cluster.destroy();
});

/** A body length: mostly small, sometimes up to ~300 KB (past the 256 KB limit). */
function bodyLength(r: Prng): number {
  const roll = r.next();
  if (roll < 0.6) return r.int(0, 64);
  if (roll < 0.85) return r.int(65, 4096);
  return r.int(4097, 300 * 1024);
}

function frame(r: Prng, cmd: number, length: number, declared = length): Buffer {
  return Buffer.concat([
    encodeHeader(declared, cmd, r.int(0, 1) ? 0 : r.int(0, 255)),
    r.bytes(length),
  ]);
}

/** One connection's worth of bad input, as chunks to send in order. */
function payload(r: Prng): { kind: string; chunks: Buffer[] } {
  const cmd = r.int(0, 255);
  switch (r.int(0, 6)) {
    case 0:
      return { kind: 'random frame', chunks: [frame(r, cmd, bodyLength(r))] };
    case 1: {
      const declared = r.pick([LIMIT + 1, 1024 * 1024, 2 ** 32, 2 ** 40, 2 ** 53 - 1]);
      return { kind: 'pkg_len above the limit', chunks: [frame(r, cmd, r.int(0, 512), declared)] };
    }
    case 2: {
      const header = encodeHeader(0, cmd);
      header.writeUInt32BE((0x80000000 | r.int(0, 0x7fffffff)) >>> 0, 0);
      return { kind: 'negative pkg_len', chunks: [header, r.bytes(r.int(0, 64))] };
    }
    case 3: {
      const whole = frame(r, cmd, bodyLength(r) + 1);
      return { kind: 'truncated frame', chunks: [whole.subarray(0, r.int(1, whole.length - 1))] };
    }
    case 4:
      return { kind: 'garbage', chunks: [r.bytes(r.int(1, 2048))] };
    case 5: {
      const frames = Array.from({ length: r.int(2, 20) }, () =>
        frame(r, r.int(0, 255), r.int(0, 80)),
      );
      return { kind: 'frames at once', chunks: [Buffer.concat(frames)] };
    }
    default: {
      // A frame sent a few bytes at a time.
      const whole = frame(r, cmd, r.int(0, 200));
      const chunks: Buffer[] = [];
      for (let at = 0; at < whole.length;) {
        const n = r.int(1, 7);
        chunks.push(whole.subarray(at, at + n));
        at += n;
      }
      return { kind: 'trickled frame', chunks };
    }
  }
}

/** Send the chunks, read whatever comes back, and end when the tracker closes or time is up. */
function fuzzOne(chunks: Buffer[]): Promise<void> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host, port });
    let timer: NodeJS.Timeout | undefined = undefined;
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on('data', () => undefined);
    socket.once('connect', () => {
      let i = 0;
      const next = (): void => {
        if (socket.destroyed) return;
        if (i >= chunks.length) {
          timer = setTimeout(() => socket.destroy(), LINGER_MS);
          return;
        }
        socket.write(chunks[i++]!, () => setImmediate(next));
      };
      next();
    });
  });
}

test(
  `random, oversized, negative, truncated frames and garbage (seed ${seed})`,
  { timeout: 120_000 },
  async (t) => {
    const kinds = new Map<string, number>();
    const deadline = Date.now() + BUDGET_MS;
    const members = storages.map((s) => `${s.ip}:23000`);
    const control = await connectTracker(host, port);
    let controlAnswers = 0;
    let sent = 0;
    const worker = async (): Promise<void> => {
      while (sent < CONNECTIONS && Date.now() < deadline) {
        sent++;
        const { kind, chunks } = payload(rand);
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        await fuzzOne(chunks);
        if (sent % 25 === 0) {
          // A well-behaved client on its own connection is unaffected.
          const answer = await queryStore(control, 'group1');
          assert.ok(members.includes(hostPort(answer)), `seed ${seed}: ${hostPort(answer)}`);
          controlAnswers++;
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: PARALLEL }, worker));
    } finally {
      control.destroy();
    }
    assert.ok(controlAnswers > 0);
    assert.ok(server.address(), `seed ${seed}: the tracker still listens`);

    const fresh = await connectTracker(host, port);
    try {
      await fresh.activeTest();
      const answer = await queryStore(fresh);
      assert.equal(answer.groupName, 'group1', `seed ${seed}`);
      assert.ok(members.includes(hostPort(answer)), `seed ${seed}: ${hostPort(answer)}`);
    } finally {
      fresh.destroy();
    }
    const summary = [...kinds].map(([k, n]) => `${k} ${n}`).join(', ');
    t.diagnostic(`seed ${seed}: ${sent} connections: ${summary}`);
    assert.ok(sent >= PARALLEL, `seed ${seed}: only ${sent} connections ran (${summary})`);
  },
);
