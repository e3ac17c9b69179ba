import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Readable, Writable, type Duplex } from 'node:stream';
import { INFINITE_FILE_SIZE } from '../protocol/constants.js';
import {
  ACTIVE_TEST_FRAME,
  EMPTY_OK_RESPONSE,
  QUIT_FRAME,
  encodeHeader,
  encodeResponse,
} from '../protocol/header.js';
import { FramedConnection, type Content } from './connection.js';
import { FdfsError } from './errors.js';
import { memoryPair, serveFrames, tcpPeer } from './fake-peer.test.helper.js';

const T = { timeout: 10_000 };

function spyWrites(duplex: Duplex): unknown[] {
  const writes: unknown[] = [];
  const original = duplex.write;
  duplex.write = function (this: Duplex, ...args: unknown[]): boolean {
    writes.push(args[0]);
    return Reflect.apply(original, this, args) as boolean;
  } as Duplex['write'];
  return writes;
}

/** A Writable that keeps what it is given. */
function collectingSink(): { sink: Writable; data: () => Buffer } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      setImmediate(callback);
    },
  });
  return { sink, data: () => Buffer.concat(chunks) };
}

const fixed = Buffer.from('fixed-fields:0123456789');
const parts = [Buffer.alloc(1000, 1), Buffer.alloc(70_000, 2), Buffer.alloc(3, 3)];
const contentCases: [string, () => { content: Content; contentLength?: number; sent: Buffer[] }][] =
  [
    ['a Buffer', () => ({ content: parts[1]!, sent: [parts[1]!] })],
    ['a Buffer list', () => ({ content: parts, sent: parts })],
    ['a Readable', () => ({ content: Readable.from(parts), contentLength: 71_003, sent: parts })],
  ];

for (const [name, make] of contentCases) {
  test(
    `fixed fields and ${name} arrive byte-exact, content chunks written as they are`,
    T,
    async (t) => {
      const { conn, client, peer } = memoryPair(t);
      const writes = spyWrites(client);
      const frames = serveFrames(peer, (_f, p) => p.write(encodeResponse(0, Buffer.from('ok'))));
      const { content, contentLength, sent } = make();
      const reply = await conn.request({
        cmd: 11,
        body: fixed,
        content,
        ...(contentLength === undefined ? {} : { contentLength }),
        reply: { kind: 'whole', maxLength: 16 },
      });
      assert.equal(reply.status, 0);
      assert.equal(reply.body.toString(), 'ok');
      assert.equal(frames.length, 1);
      const { header, body } = frames[0]!;
      const total = sent.reduce((n, b) => n + b.length, 0);
      assert.deepEqual(header, { pkgLen: fixed.length + total, cmd: 11, status: 0 });
      assert.ok(body.equals(Buffer.concat([fixed, ...sent])));
      // Header and fixed fields in one buffer, then each content chunk, the same objects.
      assert.equal((writes[0] as Buffer).length, 10 + fixed.length);
      assert.equal(writes.length, 1 + sent.length);
      sent.forEach((chunk, i) => assert.equal(writes[i + 1], chunk));
      assert.equal(conn.usable, true);
      conn.destroy();
      peer.destroy();
    },
  );
}

test('the request status byte and an empty body go out as given', T, async (t) => {
  const { conn, peer } = memoryPair(t);
  const frames = serveFrames(peer, (_f, p) => p.write(EMPTY_OK_RESPONSE));
  await conn.request({ cmd: 22, status: 3, reply: { kind: 'whole', maxLength: 0 } });
  assert.deepEqual(frames[0]!.header, { pkgLen: 0, cmd: 22, status: 3 });
  conn.destroy();
  peer.destroy();
});

test(
  'a whole reply fed one byte at a time, then a second request on the same connection',
  T,
  async (t) => {
    const { conn, peer } = memoryPair(t);
    serveFrames(peer, (frame, p) => {
      const reply = encodeResponse(0, Buffer.from(`answer to ${frame.body.toString()}`));
      for (const byte of reply) p.write(Buffer.of(byte));
    });
    const a = await conn.request({
      cmd: 15,
      body: Buffer.from('a'),
      reply: { kind: 'whole', maxLength: 100 },
    });
    const b = await conn.request({
      cmd: 15,
      body: Buffer.from('b'),
      reply: { kind: 'whole', maxLength: 100 },
    });
    assert.equal(a.body.toString(), 'answer to a');
    assert.equal(b.body.toString(), 'answer to b');
    assert.equal(conn.usable, true);
    conn.destroy();
    peer.destroy();
  },
);

test('a reply longer than maxLength is refused before its body is read', T, async (t) => {
  const { conn, peer } = memoryPair(t);
  serveFrames(peer, (_f, p) => p.write(encodeHeader(100, 100, 0)));
  await assert.rejects(conn.request({ cmd: 15, reply: { kind: 'whole', maxLength: 50 } }), {
    code: 'ERR_FRAME_TOO_LARGE',
  });
  assert.equal(conn.usable, false);
  peer.destroy();
});

test(
  'a streamed reply goes into the sink, which is left open; the connection is reusable',
  T,
  async (t) => {
    const { conn, peer } = memoryPair(t);
    const content = Buffer.alloc(200_000);
    for (let i = 0; i < content.length; i++) content[i] = i & 0xff;
    serveFrames(peer, (frame, p) => {
      if (frame.header.cmd === 14) {
        p.write(encodeHeader(content.length, 100, 0));
        for (let i = 0; i < content.length; i += 7000) p.write(content.subarray(i, i + 7000));
      } else p.write(encodeResponse(0, Buffer.from('meta')));
    });
    const { sink, data } = collectingSink();
    const reply = await conn.request({
      cmd: 14,
      body: Buffer.alloc(16),
      reply: { kind: 'stream', sink },
    });
    assert.equal(reply.length, content.length);
    assert.ok(data().equals(content));
    assert.equal(sink.writableEnded, false);
    const next = await conn.request({ cmd: 15, reply: { kind: 'whole', maxLength: 10 } });
    assert.equal(next.body.toString(), 'meta');
    conn.destroy();
    peer.destroy();
  },
);

test(
  'a 64 MiB streamed reply through a slow sink pauses the socket: memory stays bounded',
  { timeout: 60_000 },
  async (t) => {
    const TOTAL = 64 << 20;
    const BLOCK = Buffer.alloc(1 << 20, 7);
    let serverWaitedForDrain = 0;
    const server = await tcpPeer(t, (socket) => {
      serveFrames(socket, (_f, s) => {
        void (async () => {
          s.write(encodeHeader(TOTAL, 100, 0));
          for (let sent = 0; sent < TOTAL; sent += BLOCK.length) {
            if (!s.write(BLOCK)) {
              serverWaitedForDrain++;
              await once(s, 'drain');
            }
          }
        })().catch(() => {});
      });
    });
    const conn = await FramedConnection.connect({
      host: '127.0.0.1',
      port: server.port,
      connectTimeoutMs: 2000,
      networkTimeoutMs: 10_000,
    });
    t.after(() => conn.destroy());
    let received = 0;
    let sinkWrites = 0;
    let refused = 0;
    let maxBuffered = 0;
    let maxSinkBuffered = 0;
    const sink = new Writable({
      highWaterMark: 256 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        sinkWrites++;
        maxBuffered = Math.max(maxBuffered, conn.bufferedBytes);
        // Drains slowly: every write waits a turn, every 16th a timer.
        if (sinkWrites % 16 === 0) setTimeout(callback, 2);
        else setImmediate(callback);
      },
    });
    const write = sink.write;
    sink.write = function (this: Writable, ...args: unknown[]): boolean {
      const ok = Reflect.apply(write, this, args) as boolean;
      if (!ok) refused++;
      maxSinkBuffered = Math.max(maxSinkBuffered, this.writableLength);
      return ok;
    } as Writable['write'];

    const reply = await conn.request({
      cmd: 14,
      body: Buffer.alloc(16),
      reply: { kind: 'stream', sink },
    });
    assert.equal(reply.length, TOTAL);
    assert.equal(received, TOTAL);
    assert.ok(refused > 0, 'the sink pushed back');
    assert.ok(serverWaitedForDrain > 0, 'the backpressure reached the server');
    assert.ok(maxBuffered < 4 << 20, `the connection buffered ${maxBuffered} bytes`);
    assert.ok(maxSinkBuffered < 1 << 20, `the sink buffered ${maxSinkBuffered} bytes`);
    conn.destroy();
    await server.close();
  },
);

function closeDelimitedPeer(peer: Duplex, text: Buffer, trailer: bigint, pieces = 3): void {
  serveFrames(peer, (_f, p) => {
    p.write(encodeHeader(INFINITE_FILE_SIZE, 100, 0));
    const step = Math.ceil(text.length / pieces) || 1;
    for (let i = 0; i < text.length; i += step) p.write(text.subarray(i, i + step));
    const t = Buffer.alloc(8);
    t.writeBigInt64BE(trailer);
    p.end(t);
  });
}

test(
  'a close-delimited reply with a good trailer: the text, then the connection is finished',
  T,
  async (t) => {
    const { conn, peer } = memoryPair(t);
    const text = Buffer.from('1700000000 C M00/00/00/abc.jpg\n'.repeat(50));
    closeDelimitedPeer(peer, text, BigInt(text.length));
    const { sink, data } = collectingSink();
    const reply = await conn.request({
      cmd: 26,
      body: Buffer.alloc(17),
      reply: { kind: 'close-delimited', sink },
    });
    assert.equal(reply.length, text.length);
    assert.ok(data().equals(text));
    assert.equal(conn.usable, false);
    await conn.closed;
    peer.destroy();
  },
);

test('a close-delimited reply through a sink that pushes back still ends cleanly', T, async (t) => {
  const { conn, peer } = memoryPair(t);
  const text = Buffer.alloc(100_000, 'x');
  closeDelimitedPeer(peer, text, BigInt(text.length), 50);
  const chunks: Buffer[] = [];
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      setTimeout(callback, 1);
    },
  });
  const reply = await conn.request({ cmd: 26, reply: { kind: 'close-delimited', sink } });
  assert.equal(reply.length, text.length);
  assert.ok(Buffer.concat(chunks).equals(text));
  peer.destroy();
});

test('a close-delimited reply with a bad trailer is a protocol error', T, async (t) => {
  const { conn, peer } = memoryPair(t);
  const text = Buffer.from('some binlog text\n');
  closeDelimitedPeer(peer, text, BigInt(text.length + 1));
  const { sink } = collectingSink();
  await assert.rejects(conn.request({ cmd: 26, reply: { kind: 'close-delimited', sink } }), {
    code: 'ERR_PROTOCOL',
  });
  assert.equal(conn.usable, false);
  peer.destroy();
});

test(
  'two concurrent requests are serialised: the second is sent after the first reply',
  T,
  async (t) => {
    const { conn, peer } = memoryPair(t);
    const seen: string[] = [];
    serveFrames(peer, (frame, p) => {
      const name = frame.body.toString();
      seen.push(name);
      // Answer the first one late; nothing else may arrive meanwhile.
      const delay = name === 'first' ? 50 : 0;
      setTimeout(() => {
        seen.push(`reply ${name}`);
        p.write(encodeResponse(0, Buffer.from(`re:${name}`)));
      }, delay);
    });
    const whole = { kind: 'whole', maxLength: 100 } as const;
    const first = conn.request({ cmd: 15, body: Buffer.from('first'), reply: whole });
    const second = conn.request({ cmd: 15, body: Buffer.from('second'), reply: whole });
    assert.equal(conn.pending, 2);
    const [a, b] = await Promise.all([first, second]);
    assert.equal(a.body.toString(), 're:first');
    assert.equal(b.body.toString(), 're:second');
    assert.deepEqual(seen, ['first', 'reply first', 'second', 'reply second']);
    conn.destroy();
    peer.destroy();
  },
);

test('ACTIVE_TEST sends the constant frame and expects an empty reply', T, async (t) => {
  const { conn, client, peer } = memoryPair(t);
  const writes = spyWrites(client);
  const frames = serveFrames(peer, (_f, p) => p.write(EMPTY_OK_RESPONSE));
  const before = conn.idleSinceMs;
  await new Promise((resolve) => setTimeout(resolve, 5));
  await conn.activeTest();
  assert.equal(writes[0], ACTIVE_TEST_FRAME);
  assert.deepEqual(frames[0]!.header, { pkgLen: 0, cmd: 111, status: 0 });
  assert.ok(conn.idleSinceMs > before);
  conn.destroy();
  peer.destroy();
});

test(
  'quit() waits for the pending request, sends QUIT, ends; later requests are refused',
  T,
  async (t) => {
    const { conn, peer } = memoryPair(t);
    const raw: Buffer[] = [];
    peer.on('data', (chunk: Buffer) => raw.push(chunk));
    serveFrames(peer, (frame, p) => {
      if (frame.header.cmd === 82) return;
      setTimeout(() => p.write(EMPTY_OK_RESPONSE), 20);
    });
    peer.on('end', () => peer.end());
    const pending = conn.request({
      cmd: 12,
      body: Buffer.from('x'),
      reply: { kind: 'whole', maxLength: 0 },
    });
    const quitting = conn.quit();
    assert.equal(conn.usable, false);
    await assert.rejects(conn.request({ cmd: 12, reply: { kind: 'whole', maxLength: 0 } }), {
      code: 'ERR_CONNECTION_CLOSED',
    });
    await pending;
    await quitting;
    const all = Buffer.concat(raw);
    assert.ok(all.subarray(all.length - 10).equals(QUIT_FRAME));
    peer.destroy();
  },
);

test(
  'an error status rejects with errno, command and server, then closes the connection',
  T,
  async (t) => {
    const { conn, peer } = memoryPair(t);
    serveFrames(peer, (_f, p) => p.write(encodeResponse(2)));
    const err = await conn
      .request({ cmd: 22, body: Buffer.alloc(30), reply: { kind: 'whole', maxLength: 40 } })
      .catch((e: unknown) => e);
    assert.ok(err instanceof FdfsError);
    assert.equal(err.code, 'ERR_SERVER_STATUS');
    assert.equal(err.errno, 2);
    assert.equal(err.command, 22);
    assert.equal(err.server, 'memory-peer:23000');
    assert.match(err.message, /QUERY_FILE_INFO\(22\).*memory-peer:23000.*ENOENT/);
    assert.equal(conn.usable, false);
    await conn.closed;
    peer.destroy();
  },
);

test(
  'an error status with a small body and on a streamed request; the queued request fails too',
  T,
  async (t) => {
    const { conn, peer } = memoryPair(t);
    const body = Buffer.from('junk!');
    serveFrames(peer, (_f, p) => {
      const reply = encodeHeader(body.length, 100, 22);
      p.write(Buffer.concat([reply, body]));
    });
    const { sink, data } = collectingSink();
    const first = conn.request({ cmd: 14, reply: { kind: 'stream', sink } });
    const second = conn.request({ cmd: 14, reply: { kind: 'stream', sink } });
    await assert.rejects(first, { code: 'ERR_SERVER_STATUS', errno: 22 });
    await assert.rejects(second, { code: 'ERR_CONNECTION_CLOSED' });
    assert.equal(data().length, 0);
    peer.destroy();
  },
);

test(
  'an early error answer during an upload stops the upload and destroys its source',
  T,
  async (t) => {
    const { conn, peer } = memoryPair(t);
    peer.once('data', () => peer.write(encodeResponse(22)));
    peer.on('error', () => {});
    const source = new Readable({ read() {} });
    source.push(Buffer.alloc(100));
    const upload = conn.request({
      cmd: 11,
      body: Buffer.alloc(15),
      content: source,
      contentLength: 1 << 30,
      reply: { kind: 'whole', maxLength: 100 },
    });
    await assert.rejects(upload, { code: 'ERR_SERVER_STATUS', errno: 22 });
    assert.equal(conn.usable, false);
    assert.equal(source.destroyed, true);
    peer.destroy();
  },
);
