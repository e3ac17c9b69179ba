import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import { EMPTY_OK_RESPONSE, encodeResponse } from '../protocol/header.js';
import type { ConnectOptions, FramedConnection } from './connection.js';
import { FramedConnection as Connection } from './connection.js';
import { FdfsError } from './errors.js';
import {
  memoryPair,
  serveFrames,
  tcpPeer,
  until,
  type Frame,
  type FrameHandler,
} from './fake-peer.test.helper.js';
import { ConnectionPool, PoolSet, isRetryableConnectError, type PoolOptions } from './pool.js';

const T = { timeout: 10_000 };
const WHOLE = { kind: 'whole', maxLength: 1000 } as const;

const answerAll: FrameHandler = (frame, p) => {
  if (frame.header.cmd === 82) return;
  p.write(frame.header.cmd === 111 ? EMPTY_OK_RESPONSE : encodeResponse(0, frame.body));
};

/** A pool whose connections run over duplexPair() to fake peers calling `handler`. */
function memoryPool(
  t: TestContext,
  handler: (frame: Frame, peer: Duplex, index: number) => void,
  options: PoolOptions = {},
) {
  const peers: Duplex[] = [];
  const frames: Frame[] = [];
  const pool = new ConnectionPool('127.0.0.1', 23000, {
    ...options,
    connect: async () => {
      const { conn, peer } = memoryPair(t);
      peers.push(peer);
      const index = peers.length - 1;
      peer.on('end', () => peer.end());
      serveFrames(peer, (frame, p) => {
        frames.push(frame);
        handler(frame, p, index);
      });
      return conn;
    },
  });
  const cleanup = async (): Promise<void> => {
    await pool.close();
    for (const peer of peers) peer.destroy();
  };
  t.after(cleanup);
  return { pool, peers, frames, cleanup };
}

function echo(conn: FramedConnection, text: string): Promise<string> {
  return conn
    .request({ cmd: 15, body: Buffer.from(text), reply: WHOLE })
    .then((r) => r.body.toString());
}

const count = (frames: Frame[], cmd: number): number =>
  frames.filter((f) => f.header.cmd === cmd).length;

test('a released connection is reused (TCP, one socket for two uses)', T, async (t) => {
  const server = await tcpPeer(t, (socket) => serveFrames(socket, answerAll));
  const pool = new ConnectionPool('127.0.0.1', server.port, { connectTimeoutMs: 2000 });
  t.after(() => pool.close());
  assert.equal(await pool.use((c) => echo(c, 'one')), 'one');
  assert.equal(await pool.use((c) => echo(c, 'two')), 'two');
  assert.equal(pool.created, 1);
  assert.equal(server.accepted, 1);
  assert.deepEqual([pool.size, pool.idle, pool.inUse, pool.waiting], [1, 1, 0, 0]);
  await pool.close();
  await until(() => server.open.size === 0);
  await server.close();
});

test(
  'a connection idle for longer than activeTestAfterIdleMs is checked with ACTIVE_TEST',
  T,
  async (t) => {
    const { pool, frames, cleanup } = memoryPool(t, answerAll, { activeTestAfterIdleMs: 30 });
    await pool.use((c) => echo(c, 'a'));
    await pool.use((c) => echo(c, 'b'));
    assert.equal(count(frames, 111), 0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await pool.use((c) => echo(c, 'c'));
    assert.equal(count(frames, 111), 1);
    assert.equal(pool.created, 1);
    await cleanup();
  },
);

test(
  'a dead idle connection is replaced: closed by its peer, or failing ACTIVE_TEST',
  T,
  async (t) => {
    const { pool, peers, frames, cleanup } = memoryPool(
      t,
      (frame, p, index) => {
        if (frame.header.cmd === 111 && index === 1) p.write(encodeResponse(5));
        else answerAll(frame, p);
      },
      { activeTestAfterIdleMs: 20 },
    );
    await pool.use((c) => echo(c, 'first'));
    peers[0]!.end();
    await until(() => pool.idle === 0);
    assert.equal(pool.size, 0);
    assert.equal(await pool.use((c) => echo(c, 'second')), 'second');
    assert.equal(pool.created, 2);
    await new Promise((resolve) => setTimeout(resolve, 40));
    // Connection #1 answers ACTIVE_TEST with EIO: it is dropped and #2 is made.
    assert.equal(await pool.use((c) => echo(c, 'third')), 'third');
    assert.equal(count(frames, 111), 1);
    assert.equal(pool.created, 3);
    assert.equal(pool.size, 1);
    await cleanup();
  },
);

test(
  'maxConnections: further acquirers wait in FIFO order, and a waiter can be aborted',
  T,
  async (t) => {
    const { pool, cleanup } = memoryPool(t, answerAll, { maxConnections: 2 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    const order: string[] = [];
    const c = pool.acquire().then((conn) => (order.push('c'), conn));
    const controller = new AbortController();
    const d = pool.acquire(controller.signal);
    const e = pool.acquire().then((conn) => (order.push('e'), conn));
    assert.deepEqual([pool.size, pool.inUse, pool.waiting], [2, 2, 3]);
    controller.abort();
    await assert.rejects(d, { code: 'ERR_ABORTED' });
    assert.equal(pool.waiting, 2);
    pool.release(a);
    assert.equal(await c, a);
    // A destroyed connection frees its slot: the next waiter gets a new connection.
    b.destroy();
    pool.release(b);
    const fresh = await e;
    assert.notEqual(fresh, b);
    assert.deepEqual(order, ['c', 'e']);
    assert.equal(pool.created, 3);
    pool.release(a);
    pool.release(fresh);
    assert.deepEqual([pool.size, pool.idle, pool.inUse, pool.waiting], [2, 2, 0, 0]);
    await cleanup();
  },
);

test('idle connections older than maxIdleTimeMs are closed with QUIT', T, async (t) => {
  const { pool, frames, cleanup } = memoryPool(t, answerAll, { maxIdleTimeMs: 40 });
  await Promise.all([pool.use((c) => echo(c, 'x')), pool.use((c) => echo(c, 'y'))]);
  assert.equal(pool.idle, 2);
  await until(() => pool.idle === 0);
  assert.equal(pool.size, 0);
  await until(() => count(frames, 82) === 2);
  await cleanup();
});

test('use() destroys the connection after any error instead of releasing it', T, async (t) => {
  const { pool, cleanup } = memoryPool(t, (frame, p) =>
    p.write(frame.body.toString() === 'missing' ? encodeResponse(2) : encodeResponse(0)),
  );
  let used: FramedConnection | undefined;
  await assert.rejects(
    pool.use(async (conn) => {
      used = conn;
      throw new Error('caller failed');
    }),
    /caller failed/,
  );
  assert.equal(used!.usable, false);
  assert.deepEqual([pool.size, pool.idle, pool.inUse], [0, 0, 0]);
  await assert.rejects(
    pool.use((c) => echo(c, 'missing')),
    { code: 'ERR_SERVER_STATUS', errno: 2 },
  );
  assert.deepEqual([pool.size, pool.created], [0, 2]);
  await cleanup();
});

test(
  'close(): QUIT to idle ones, ERR_CLOSED to acquirers, busy ones closed on release',
  T,
  async (t) => {
    const { pool, frames, cleanup } = memoryPool(t, answerAll, { maxConnections: 2 });
    const busy = await pool.acquire();
    const idle = await pool.acquire();
    pool.release(idle);
    assert.deepEqual([pool.idle, pool.inUse], [1, 1]);
    await pool.close();
    assert.equal(idle.usable, false);
    assert.equal(count(frames, 82), 1);
    await assert.rejects(pool.acquire(), { code: 'ERR_CLOSED' });
    assert.equal(busy.usable, true);
    pool.release(busy);
    assert.equal(busy.usable, false);
    assert.equal(pool.size, 0);
    await cleanup();
  },
);

test('close() rejects the acquirers waiting for a connection', T, async (t) => {
  const { pool, cleanup } = memoryPool(t, answerAll, { maxConnections: 1 });
  const held = await pool.acquire();
  const waiting = pool.acquire();
  assert.equal(pool.waiting, 1);
  await pool.close();
  await assert.rejects(waiting, { code: 'ERR_CLOSED' });
  assert.equal(pool.waiting, 0);
  pool.release(held);
  assert.equal(held.usable, false);
  await cleanup();
});

test('200 concurrent uses over 8 connections leak no socket', { timeout: 20_000 }, async (t) => {
  const server = await tcpPeer(t, (socket) =>
    serveFrames(socket, (frame, s) => setTimeout(() => answerAll(frame, s), Math.random() * 3)),
  );
  const pool = new ConnectionPool('127.0.0.1', server.port, {
    maxConnections: 8,
    connectTimeoutMs: 2000,
  });
  t.after(() => pool.close());
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) => pool.use((c) => echo(c, `request ${i}`))),
  );
  results.forEach((r, i) => assert.equal(r, `request ${i}`));
  assert.ok(pool.created <= 8, `created ${pool.created}`);
  assert.ok(server.accepted <= 8, `accepted ${server.accepted}`);
  assert.equal(pool.size, pool.idle);
  await pool.close();
  await until(() => server.open.size === 0);
  assert.equal(pool.size, 0);
  await server.close();
});

test(
  'connectRetries: ECONNREFUSED is retried with backoff, other failures are not',
  T,
  async (t) => {
    const refused = (): FdfsError =>
      new FdfsError('ERR_CONNECT', 'refused', {
        cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
      });
    const unreachable = new FdfsError('ERR_CONNECT', 'unreachable', {
      cause: Object.assign(new Error('unreachable'), { code: 'EHOSTUNREACH' }),
    });
    assert.equal(isRetryableConnectError(refused()), true);
    assert.equal(isRetryableConnectError(new FdfsError('ERR_CONNECT_TIMEOUT', 't')), true);
    assert.equal(isRetryableConnectError(unreachable), false);

    const peers: Duplex[] = [];
    const attemptsAt: number[] = [];
    let failures = 2;
    const connect = async (): Promise<FramedConnection> => {
      attemptsAt.push(performance.now());
      if (failures-- > 0) throw refused();
      const { conn, peer } = memoryPair(t);
      peers.push(peer);
      peer.on('end', () => peer.end());
      serveFrames(peer, answerAll);
      return conn;
    };
    const pool = new ConnectionPool('127.0.0.1', 23000, {
      connectRetries: 3,
      retryDelayMs: 20,
      connect,
    });
    t.after(() => pool.close());
    assert.equal(await pool.use((c) => echo(c, 'after retries')), 'after retries');
    assert.equal(attemptsAt.length, 3);
    assert.ok(attemptsAt[1]! - attemptsAt[0]! >= 15);
    assert.ok(attemptsAt[2]! - attemptsAt[1]! >= 35, 'the delay doubles');

    failures = 100;
    attemptsAt.length = 0;
    const pool2 = new ConnectionPool('127.0.0.1', 23000, {
      connectRetries: 3,
      retryDelayMs: 1,
      connect,
    });
    t.after(() => pool2.close());
    await assert.rejects(pool2.acquire(), { code: 'ERR_CONNECT' });
    assert.equal(attemptsAt.length, 4);
    assert.equal(pool2.size, 0);

    attemptsAt.length = 0;
    const pool3 = new ConnectionPool('127.0.0.1', 23000, {
      connectRetries: 3,
      connect: async () => {
        attemptsAt.push(0);
        t.after(() => pool3.close());
        throw unreachable;
      },
    });
    await assert.rejects(pool3.acquire(), { message: 'unreachable' });
    assert.equal(attemptsAt.length, 1);
    await Promise.all([pool.close(), pool2.close(), pool3.close()]);
    for (const peer of peers) peer.destroy();
  },
);

test('a real refused port is retried, and an abort stops the backoff', T, async (t) => {
  const server = await tcpPeer(t, () => {});
  const port = server.port;
  await server.close();
  let attempts = 0;
  const connect = (o: ConnectOptions): Promise<FramedConnection> => {
    attempts++;
    return Connection.connect(o);
  };
  const pool = new ConnectionPool('127.0.0.1', port, {
    connectRetries: 2,
    retryDelayMs: 5,
    connect,
  });
  t.after(() => pool.close());
  await assert.rejects(pool.acquire(), { code: 'ERR_CONNECT' });
  assert.equal(attempts, 3);
  const slow = new ConnectionPool('127.0.0.1', port, {
    connectRetries: 3,
    retryDelayMs: 5000,
    connect,
  });
  t.after(() => slow.close());
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 30);
  await assert.rejects(slow.acquire(controller.signal), { code: 'ERR_ABORTED' });
  assert.equal(slow.size, 0);
  await Promise.all([pool.close(), slow.close()]);
});

test('PoolSet: one pool per address, closed together', T, async (t) => {
  const server = await tcpPeer(t, (socket) => serveFrames(socket, answerAll));
  const set = new PoolSet({ connectTimeoutMs: 2000 });
  t.after(() => set.close());
  const pool = set.get('127.0.0.1', server.port);
  assert.equal(set.get('127.0.0.1', server.port), pool);
  assert.notEqual(set.get('127.0.0.1', server.port + 1), pool);
  assert.equal(set.size, 2);
  assert.equal(await set.use('127.0.0.1', server.port, (c) => echo(c, 'via set')), 'via set');
  await set.close();
  assert.throws(() => set.get('127.0.0.1', server.port), { code: 'ERR_CLOSED' });
  await until(() => server.open.size === 0);
  await server.close();
});
