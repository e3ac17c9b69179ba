// FramedConnection when things go wrong: peers that close, stall or misbehave, timeouts,
// aborts, bad request content and failed connects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Readable } from 'node:stream';
import {
  EMPTY_OK_RESPONSE,
  encodeFrame,
  encodeHeader,
  encodeResponse,
} from '../protocol/header.js';
import { FramedConnection } from './connection.js';
import { FdfsError } from './errors.js';
import { memoryPair, serveFrames, tcpPeer } from './fake-peer.test.helper.js';

const T = { timeout: 10_000 };
const WHOLE = { kind: 'whole', maxLength: 1000 } as const;

function causeCode(err: unknown): string | undefined {
  const cause = (err as Error).cause;
  return cause instanceof FdfsError ? cause.code : (cause as NodeJS.ErrnoException)?.code;
}

test(
  'the peer closing in the middle of a reply: ERR_CONNECTION_CLOSED caused by ERR_PROTOCOL',
  T,
  async (t) => {
    const { conn, peer } = memoryPair(t);
    serveFrames(peer, (_f, p) =>
      p.end(Buffer.concat([encodeHeader(100, 100, 0), Buffer.alloc(10)])),
    );
    const err = await conn.request({ cmd: 15, reply: WHOLE }).catch((e: unknown) => e);
    assert.ok(err instanceof FdfsError);
    assert.equal(err.code, 'ERR_CONNECTION_CLOSED');
    assert.equal(causeCode(err), 'ERR_PROTOCOL');
    assert.equal(conn.usable, false);
    peer.destroy();
  },
);

test(
  'the peer closing before it answers rejects the pending and the queued requests',
  T,
  async (t) => {
    const { conn, peer } = memoryPair(t);
    serveFrames(peer, (_f, p) => p.end());
    const first = conn.request({ cmd: 15, reply: WHOLE });
    const second = conn.request({ cmd: 15, reply: WHOLE });
    await assert.rejects(first, { code: 'ERR_CONNECTION_CLOSED' });
    await assert.rejects(second, { code: 'ERR_CONNECTION_CLOSED' });
    peer.destroy();
  },
);

test('an idle connection whose peer closes becomes unusable', T, async (t) => {
  const { conn, peer } = memoryPair(t);
  assert.equal(conn.usable, true);
  peer.end();
  await conn.closed;
  assert.equal(conn.usable, false);
  await assert.rejects(conn.request({ cmd: 15, reply: WHOLE }), { code: 'ERR_CONNECTION_CLOSED' });
  peer.destroy();
});

test('a TCP peer resetting the connection rejects the request', T, async (t) => {
  const server = await tcpPeer(t, (socket) => serveFrames(socket, () => socket.resetAndDestroy()));
  const conn = await FramedConnection.connect({
    host: '127.0.0.1',
    port: server.port,
    connectTimeoutMs: 2000,
    networkTimeoutMs: 2000,
  });
  t.after(() => conn.destroy());
  await assert.rejects(conn.request({ cmd: 15, reply: WHOLE }), { code: 'ERR_CONNECTION_CLOSED' });
  assert.equal(conn.usable, false);
  await server.close();
});

test(
  'a reply whose cmd is not 100, or a frame nobody asked for, is a protocol error',
  T,
  async (t) => {
    const a = memoryPair(t);
    serveFrames(a.peer, (_f, p) => p.write(encodeFrame(15)));
    await assert.rejects(a.conn.request({ cmd: 15, reply: WHOLE }), { code: 'ERR_PROTOCOL' });
    assert.equal(a.conn.usable, false);
    a.peer.destroy();

    const b = memoryPair(t);
    b.peer.write(EMPTY_OK_RESPONSE);
    await b.conn.closed;
    assert.equal(b.conn.usable, false);
    b.peer.destroy();
  },
);

test(
  'a stalled reply times out after networkTimeoutMs and destroys the connection',
  T,
  async (t) => {
    const { conn, peer } = memoryPair(t, 100);
    serveFrames(peer, (_f, p) => p.write(encodeHeader(50, 100, 0)));
    const start = performance.now();
    const err = await conn.request({ cmd: 15, reply: WHOLE }).catch((e: unknown) => e);
    const elapsed = performance.now() - start;
    assert.ok(err instanceof FdfsError);
    assert.equal(err.code, 'ERR_NETWORK_TIMEOUT');
    assert.equal(err.command, 15);
    assert.ok(elapsed >= 90 && elapsed < 2000, `timed out after ${elapsed} ms`);
    assert.equal(conn.usable, false);
    peer.destroy();
  },
);

test('a reply that keeps trickling in is progress, not a timeout', T, async (t) => {
  const { conn, peer } = memoryPair(t, 100);
  const reply = encodeResponse(0, Buffer.from('slow but steady'));
  serveFrames(peer, (_f, p) => {
    let i = 0;
    const timer = setInterval(() => {
      p.write(reply.subarray(i, i + 3));
      i += 3;
      if (i >= reply.length) clearInterval(timer);
    }, 40);
  });
  const start = performance.now();
  const { body } = await conn.request({ cmd: 15, reply: WHOLE });
  assert.equal(body.toString(), 'slow but steady');
  assert.ok(performance.now() - start > 150);
  conn.destroy();
  peer.destroy();
});

test('an idle connection runs no timer', T, async (t) => {
  const { conn, peer } = memoryPair(t, 30);
  serveFrames(peer, (_f, p) => p.write(EMPTY_OK_RESPONSE));
  await conn.activeTest();
  await new Promise((resolve) => setTimeout(resolve, 120));
  assert.equal(conn.usable, true);
  await conn.activeTest();
  conn.destroy();
  peer.destroy();
});

test('aborting the request in progress destroys the connection', T, async (t) => {
  const { conn, peer } = memoryPair(t);
  serveFrames(peer, () => {});
  const controller = new AbortController();
  const first = conn.request({ cmd: 15, reply: WHOLE, signal: controller.signal });
  const second = conn.request({ cmd: 15, reply: WHOLE });
  setTimeout(() => controller.abort(), 20);
  await assert.rejects(first, { code: 'ERR_ABORTED' });
  await assert.rejects(second, { code: 'ERR_CONNECTION_CLOSED' });
  assert.equal(conn.usable, false);
  peer.destroy();
});

test(
  'aborting a queued request leaves the connection and the request before it alone',
  T,
  async (t) => {
    const { conn, peer } = memoryPair(t);
    const frames = serveFrames(peer, (_f, p) => setTimeout(() => p.write(EMPTY_OK_RESPONSE), 30));
    const controller = new AbortController();
    const first = conn.request({ cmd: 12, reply: WHOLE });
    const second = conn.request({ cmd: 13, reply: WHOLE, signal: controller.signal });
    controller.abort();
    await assert.rejects(second, { code: 'ERR_ABORTED' });
    await first;
    assert.equal(conn.usable, true);
    assert.deepEqual(
      frames.map((f) => f.header.cmd),
      [12],
    );
    await assert.rejects(conn.request({ cmd: 13, reply: WHOLE, signal: controller.signal }), {
      code: 'ERR_ABORTED',
    });
    assert.equal(conn.usable, true);
    conn.destroy();
    peer.destroy();
  },
);

test(
  'a content stream that ends early or runs long fails and destroys the connection',
  T,
  async (t) => {
    const cases: [Readable, number][] = [
      [Readable.from([Buffer.alloc(10)]), 20],
      [Readable.from([Buffer.alloc(10)]), 5],
      [Readable.from(['text, not bytes']), 15],
    ];
    for (const [content, contentLength] of cases) {
      const { conn, peer } = memoryPair(t);
      serveFrames(peer, (_f, p) => p.write(EMPTY_OK_RESPONSE));
      await assert.rejects(conn.request({ cmd: 11, content, contentLength, reply: WHOLE }), {
        code: 'ERR_INVALID_ARGUMENT',
      });
      assert.equal(conn.usable, false);
      peer.destroy();
    }
  },
);

test('a content stream that fails gives ERR_IO with its errno', T, async (t) => {
  const { conn, peer } = memoryPair(t);
  serveFrames(peer, () => {});
  const content = new Readable({
    read() {
      this.destroy(Object.assign(new Error('disk gone'), { code: 'EIO' }));
    },
  });
  await assert.rejects(conn.request({ cmd: 11, content, contentLength: 10, reply: WHOLE }), {
    code: 'ERR_IO',
    errno: 5,
  });
  assert.equal(conn.usable, false);
  peer.destroy();
});

test('bad arguments are refused before anything is sent', T, async (t) => {
  const { conn, client, peer } = memoryPair(t);
  let written = 0;
  client.on('data', () => {});
  peer.on('data', (c: Buffer) => (written += c.length));
  await assert.rejects(conn.request({ cmd: 11, content: Readable.from([]), reply: WHOLE }), {
    code: 'ERR_INVALID_ARGUMENT',
  });
  await assert.rejects(
    conn.request({ cmd: 11, content: Buffer.alloc(3), contentLength: 4, reply: WHOLE }),
    { code: 'ERR_INVALID_ARGUMENT' },
  );
  await assert.rejects(conn.request({ cmd: 300, reply: WHOLE }), { code: 'ERR_INVALID_ARGUMENT' });
  await assert.rejects(conn.request({ cmd: 15, reply: { kind: 'whole', maxLength: NaN } }), {
    code: 'ERR_INVALID_ARGUMENT',
  });
  assert.equal(written, 0);
  assert.equal(conn.usable, true);
  conn.destroy();
  peer.destroy();
});

test(
  'connect: a request over TCP, then a refused port gives ERR_CONNECT with its cause',
  T,
  async (t) => {
    const server = await tcpPeer(t, (socket) =>
      serveFrames(socket, (_f, s) => s.write(EMPTY_OK_RESPONSE)),
    );
    const conn = await FramedConnection.connect({
      host: '127.0.0.1',
      port: server.port,
      connectTimeoutMs: 2000,
      networkTimeoutMs: 2000,
    });
    t.after(() => conn.destroy());
    assert.equal(conn.server, `127.0.0.1:${server.port}`);
    await conn.activeTest();
    conn.destroy();
    await server.close();
    const err = await FramedConnection.connect({
      host: '127.0.0.1',
      port: server.port,
      connectTimeoutMs: 2000,
      networkTimeoutMs: 2000,
    }).catch((e: unknown) => e);
    assert.ok(err instanceof FdfsError);
    assert.equal(err.code, 'ERR_CONNECT');
    assert.equal(causeCode(err), 'ECONNREFUSED');
    assert.equal(err.errno, 111);
    assert.equal(err.server, `127.0.0.1:${server.port}`);
  },
);

test('connect: a socket that never connects times out; an abort stops the wait', T, async () => {
  const sockets: net.Socket[] = [];
  const createConnection = (): net.Socket => {
    const socket = new net.Socket();
    sockets.push(socket);
    return socket;
  };
  const options = {
    host: '127.0.0.1',
    port: 9,
    connectTimeoutMs: 50,
    networkTimeoutMs: 1000,
    createConnection,
  };
  await assert.rejects(FramedConnection.connect(options), { code: 'ERR_CONNECT_TIMEOUT' });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 10);
  await assert.rejects(
    FramedConnection.connect({ ...options, connectTimeoutMs: 5000, signal: controller.signal }),
    { code: 'ERR_ABORTED' },
  );
  await assert.rejects(FramedConnection.connect({ ...options, signal: controller.signal }), {
    code: 'ERR_ABORTED',
  });
  assert.equal(sockets.length, 2);
  assert.ok(sockets.every((s) => s.destroyed));
});
