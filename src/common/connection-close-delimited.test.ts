// A close-delimited reply (cmd 26, §1.4) over real TCP into a slow sink: the socket's 'close'
// follows its 'end' at once, while the end of the text is still held back for the sink. The
// reply must complete on the sink's drain, not fail as a closed connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { INFINITE_FILE_SIZE } from '../protocol/constants.js';
import { encodeHeader } from '../protocol/header.js';
import { FramedConnection } from './connection.js';

test(
  'a close-delimited reply over TCP into a slow sink completes after the socket closed',
  { timeout: 30_000 },
  async () => {
    const text = Buffer.from(
      '1795262931 C M01/00/00/fwAADGsBidOANkpDAAAAAAAAAAA0078453\n'.repeat(4000),
    );
    const server = createServer((socket) => {
      socket.once('data', () => {
        const trailer = Buffer.alloc(8);
        trailer.writeBigInt64BE(BigInt(text.length));
        socket.write(encodeHeader(INFINITE_FILE_SIZE, 100, 0));
        socket.end(Buffer.concat([text, trailer]));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      for (let round = 0; round < 5; round++) {
        const conn = await FramedConnection.connect({
          host: '127.0.0.1',
          port,
          connectTimeoutMs: 2000,
          networkTimeoutMs: 10_000,
        });
        const chunks: Buffer[] = [];
        const sink = new Writable({
          highWaterMark: 1024,
          write(chunk: Buffer, _encoding, callback) {
            chunks.push(Buffer.from(chunk));
            setTimeout(callback, 2);
          },
        });
        const reply = await conn.request({
          cmd: 26,
          body: Buffer.alloc(17),
          reply: { kind: 'close-delimited', sink },
        });
        assert.equal(reply.length, text.length);
        assert.ok(Buffer.concat(chunks).equals(text));
        conn.destroy();
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  },
);
