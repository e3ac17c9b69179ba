// The large transfers and the null server they are compared with: an upload is answered only
// after its last byte, and a large download reply is streamed whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { StorageCommand } from '#src/protocol/commands.js';
import { encodeHeader } from '#src/protocol/header.js';
import { startNullServer } from './null-server.js';
import { downloadLarge, uploadLarge } from './transfer.js';

const MiB = 1024 * 1024;

test('uploadLarge and downloadLarge against the null server', { timeout: 30_000 }, async () => {
  const server = await startNullServer('127.0.0.1', 0, {
    [StorageCommand.UPLOAD_FILE]: 40,
    [StorageCommand.DOWNLOAD_FILE]: 3 * MiB + 5,
  });
  try {
    const to = { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
    const up = await uploadLarge(to, 5 * MiB + 1, 0, 'bin');
    assert.deepEqual([up.status, up.replyBytes, up.body.length], [0, 40, 40]);
    assert.ok(up.elapsedNs > 0n);
    const down = await downloadLarge(to, 'group1', 'M00/00/00/whatever');
    assert.deepEqual([down.status, down.replyBytes, down.body.length], [0, 3 * MiB + 5, 0]);
  } finally {
    server.close();
  }
});

test(
  'the null server answers a request once its body is in, not at its header',
  { timeout: 10_000 },
  async () => {
    const server = await startNullServer('127.0.0.1', 0, { [StorageCommand.UPLOAD_FILE]: 20 });
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    try {
      await once(socket, 'connect');
      const received: Buffer[] = [];
      socket.on('data', (d: Buffer) => received.push(d));
      socket.write(
        Buffer.concat([encodeHeader(100, StorageCommand.UPLOAD_FILE), Buffer.alloc(60)]),
      );
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(received.length, 0, 'no reply before the body is in');
      socket.write(Buffer.alloc(40));
      for (let i = 0; i < 100 && Buffer.concat(received).length < 30; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const reply = Buffer.concat(received);
      assert.equal(reply.length, 30);
      assert.equal(reply.readUInt32BE(4), 20);
      assert.equal(reply[9], 0);
    } finally {
      socket.destroy();
      server.close();
    }
  },
);
