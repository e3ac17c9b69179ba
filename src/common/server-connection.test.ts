import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { duplexPair } from 'node:stream';
import { once } from 'node:events';
import { FramedServer } from './framed-server.js';
import type { ServerHandler, ServerReply, ServerRequest } from './server-connection.js';
import { FrameDecoder } from '../protocol/frame-decoder.js';
import { encodeFrame, encodeHeader, type FrameHeader } from '../protocol/header.js';
import { storageRequestShape, replyShape } from '../protocol/shapes.js';
import { FdfsError } from './errors.js';
import { silentLogger } from './logger.js';

interface Session {
  closed: boolean;
}

/** A toy storage: 11 counts its content; 111 answers empty; 14 streams N bytes; 22 fails with ENOENT. */
function toyHandler(log: string[]): ServerHandler<Session> {
  return {
    role: 'storage',
    requestShape: (cmd) => storageRequestShape(cmd),
    createSession: () => ({ closed: false }),
    onClose: (s) => {
      s.closed = true;
      log.push('close');
    },
    async handle(req: ServerRequest<Session>): Promise<ServerReply> {
      log.push(`cmd ${req.header.cmd}`);
      switch (req.header.cmd) {
        case 11: {
          if (req.body[0] === 0xee) throw new FdfsError('ERR_INVALID_ARGUMENT', 'refused early');
          let n = 0;
          for await (const chunk of req.content!) n += (chunk as Buffer).length;
          const body = Buffer.alloc(8);
          body.writeBigInt64BE(BigInt(n));
          return { status: 0, body };
        }
        case 14: {
          const n = req.body.readUInt32BE(0);
          const { Readable } = await import('node:stream');
          return { status: 0, stream: Readable.from([Buffer.alloc(n, 0x61)]), length: n };
        }
        case 82:
          return { close: true };
        case 22:
          return { status: 2 };
        default:
          return { status: 0, body: [Buffer.from('ab'), Buffer.from('cd')] };
      }
    },
  };
}

/** Read reply frames from a socket-like duplex. */
function replyReader(
  stream: NodeJS.ReadableStream,
  requestCmds: number[],
): {
  replies: { header: FrameHeader; body: Buffer }[];
  next: () => Promise<{ header: FrameHeader; body: Buffer }>;
} {
  const replies: { header: FrameHeader; body: Buffer }[] = [];
  const waiters: (() => void)[] = [];
  let parts: Buffer[] = [];
  const decoder = new FrameDecoder({
    shapeOf: (h) => replyShape(requestCmds.shift() ?? 0, h),
    onPrefix: (_h, p) => {
      parts = [Buffer.from(p)];
    },
    onChunk: (c) => parts.push(Buffer.from(c)),
    onEnd: (header) => {
      replies.push({ header, body: Buffer.concat(parts) });
      waiters.shift()?.();
    },
  });
  stream.on('data', (c: Buffer) => decoder.push(c));
  let taken = 0;
  return {
    replies,
    next: async () => {
      while (replies.length <= taken) await new Promise<void>((r) => waiters.push(r));
      return replies[taken++]!;
    },
  };
}

function uploadFrame(content: Buffer, first = 0): Buffer {
  const prefix = Buffer.alloc(15);
  prefix[0] = first;
  prefix.writeBigInt64BE(BigInt(content.length), 1);
  return Buffer.concat([encodeHeader(15 + content.length, 11), prefix, content]);
}

test('requests are served one at a time, streamed content included, over a duplexPair', async () => {
  const log: string[] = [];
  const server = new FramedServer({
    handler: toyHandler(log),
    networkTimeoutMs: 5000,
    maxConnections: 10,
    logger: silentLogger,
  });
  const [client, serverSide] = duplexPair();
  server.serve(serverSide, { address: '127.0.0.1', port: 1 });
  const reader = replyReader(client, [11, 111, 22, 111]);
  // Pipelined on purpose: the server must still answer in order.
  client.write(
    Buffer.concat([
      uploadFrame(Buffer.alloc(100000, 1)),
      encodeFrame(111),
      encodeFrame(22),
      encodeFrame(111),
    ]),
  );
  const r1 = await reader.next();
  assert.equal(r1.body.readBigInt64BE(0), 100000n);
  const r2 = await reader.next();
  assert.equal(r2.body.toString(), 'abcd');
  const r3 = await reader.next();
  assert.equal(r3.header.status, 2);
  assert.equal(r3.body.length, 0);
  const r4 = await reader.next();
  assert.equal(r4.header.status, 0, 'the connection stays usable after an error answer (§16 #20)');
  assert.deepEqual(log, ['cmd 11', 'cmd 111', 'cmd 22', 'cmd 111']);
  client.write(encodeFrame(82));
  await once(serverSide, 'close');
  assert.equal(log.at(-1), 'close');
  await server.close();
});

test('an upload refused on its prefix: small body drained and the connection kept; large body closes', async () => {
  const log: string[] = [];
  const server = new FramedServer({
    handler: toyHandler(log),
    networkTimeoutMs: 5000,
    maxConnections: 10,
    logger: silentLogger,
  });
  const [client, serverSide] = duplexPair();
  server.serve(serverSide, { address: '127.0.0.1', port: 1 });
  const reader = replyReader(client, [11, 111]);
  client.write(Buffer.concat([uploadFrame(Buffer.alloc(5000), 0xee), encodeFrame(111)]));
  assert.equal((await reader.next()).header.status, 22);
  assert.equal((await reader.next()).header.status, 0, 'next request served after the drain');

  const [client2, serverSide2] = duplexPair();
  server.serve(serverSide2, { address: '127.0.0.1', port: 2 });
  const reader2 = replyReader(client2, [11]);
  const prefix = Buffer.alloc(15);
  prefix[0] = 0xee;
  prefix.writeBigInt64BE(BigInt(10 * 1024 * 1024), 1);
  client2.write(Buffer.concat([encodeHeader(15 + 10 * 1024 * 1024, 11), prefix]));
  assert.equal((await reader2.next()).header.status, 22);
  await once(serverSide2, 'close');
  await server.close();
});

test('a download reply streams the file bytes after the header', async () => {
  const server = new FramedServer({
    handler: toyHandler([]),
    networkTimeoutMs: 5000,
    maxConnections: 10,
    logger: silentLogger,
  });
  const [client, serverSide] = duplexPair();
  server.serve(serverSide, { address: '127.0.0.1', port: 1 });
  const reader = replyReader(client, [14]);
  const body = Buffer.alloc(4);
  body.writeUInt32BE(300000);
  client.write(encodeFrame(14, body));
  const r = await reader.next();
  assert.equal(r.header.pkgLen, 300000);
  assert.equal(r.body.length, 300000);
  assert.ok(r.body.every((b) => b === 0x61));
  await server.close();
});

test('a bad frame closes only that connection; others keep working', async () => {
  const server = new FramedServer({
    handler: toyHandler([]),
    networkTimeoutMs: 5000,
    maxConnections: 10,
    logger: silentLogger,
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const good = connect(port, '127.0.0.1');
  const bad = connect(port, '127.0.0.1');
  await Promise.all([once(good, 'connect'), once(bad, 'connect')]);
  bad.write(Buffer.from('ffffffffffffffff6400', 'hex'));
  await once(bad, 'close');
  const reader = replyReader(good, [111]);
  good.write(encodeFrame(111));
  assert.equal((await reader.next()).header.status, 0);
  good.destroy();
  await server.close();
});

test('a connection that stalls mid-frame is closed after network_timeout; an idle one after a request is not', async () => {
  const server = new FramedServer({
    handler: toyHandler([]),
    networkTimeoutMs: 300,
    maxConnections: 10,
    logger: silentLogger,
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const stalled: Socket = connect(port, '127.0.0.1');
  const idle: Socket = connect(port, '127.0.0.1');
  await Promise.all([once(stalled, 'connect'), once(idle, 'connect')]);
  const reader = replyReader(idle, [111]);
  idle.write(encodeFrame(111));
  await reader.next();
  stalled.write(encodeHeader(16, 90).subarray(0, 5));
  const started = Date.now();
  await once(stalled, 'close');
  assert.ok(Date.now() - started >= 250);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(idle.destroyed, false, 'an idle connection that was served stays open');
  idle.destroy();
  await server.close();
});

test('max_connections and allow_hosts refuse at accept', async () => {
  const server = new FramedServer({
    handler: toyHandler([]),
    networkTimeoutMs: 5000,
    maxConnections: 1,
    logger: silentLogger,
    allowHost: (ip) => ip === '127.0.0.1',
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const first = connect(port, '127.0.0.1');
  await once(first, 'connect');
  await new Promise((r) => setTimeout(r, 50));
  const second = connect(port, '127.0.0.1');
  await once(second, 'close');
  first.destroy();
  await server.close();

  const picky = new FramedServer({
    handler: toyHandler([]),
    networkTimeoutMs: 5000,
    maxConnections: 10,
    logger: silentLogger,
    allowHost: (ip) => ip === '127.0.0.9',
  });
  const p = await picky.listen(0, '127.0.0.1');
  const refused = connect(p.port, '127.0.0.1');
  await once(refused, 'close');
  await picky.close();
});

test('regression: a request and a bad header in one chunk close that connection, not the process', async () => {
  const server = new FramedServer({
    handler: toyHandler([]),
    networkTimeoutMs: 5000,
    maxConnections: 10,
    logger: silentLogger,
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const bad = connect(port, '127.0.0.1');
  await once(bad, 'connect');
  const reader = replyReader(bad, [111]);
  const negative = encodeHeader(0, 111);
  negative.writeBigInt64BE(-1n);
  bad.write(Buffer.concat([encodeFrame(111), negative]));
  assert.equal((await reader.next()).header.status, 0, 'the good request is answered');
  await once(bad, 'close');
  const good = connect(port, '127.0.0.1');
  await once(good, 'connect');
  const goodReader = replyReader(good, [111]);
  good.write(encodeFrame(111));
  assert.equal((await goodReader.next()).header.status, 0, 'the server still serves others');
  good.destroy();
  await server.close();
});
