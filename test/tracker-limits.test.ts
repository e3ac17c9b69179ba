// The connection limits of tracker.conf on a live TrackerServer (§10.1): allow_hosts refuses other
// addresses at accept, max_connections caps open connections, and a connection stalled in the
// middle of a frame is closed after network_timeout, while the tracker keeps serving others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrackerConfig } from '#src/common/config/index.js';
import { encodeFrame, encodeHeader } from '#src/protocol/header.js';
import { TrackerCommand as C } from '#src/protocol/commands.js';
import { TrackerServer } from '#src/tracker/index.js';

const HOST = '127.0.0.1';

async function withTracker(extra: string, fn: (port: number) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-tracker-limits-'));
  const text = `base_path = ${dir}\nbind_addr = ${HOST}\nport = 22122\nlog_level = error\n${extra}\n`;
  const config = { ...parseTrackerConfig(text, { file: join(dir, 'tracker.conf') }), port: 0 };
  const server = new TrackerServer(config);
  try {
    const { port } = await server.listen();
    await fn(port);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function open(port: number, localAddress?: string): Promise<Socket> {
  const socket = connect({ host: HOST, port, ...(localAddress ? { localAddress } : {}) });
  socket.on('error', () => {});
  await once(socket, 'connect');
  return socket;
}

/** ACTIVE_TEST answered with status 0, or the reason it was not. */
function activeTest(socket: Socket, timeoutMs = 3000): Promise<'answered' | 'closed' | 'timeout'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), timeoutMs);
    const done = (r: 'answered' | 'closed'): void => {
      clearTimeout(timer);
      resolve(r);
    };
    socket.once('data', (d: Buffer) => done(d.length >= 10 && d[9] === 0 ? 'answered' : 'closed'));
    socket.once('close', () => done('closed'));
    socket.write(encodeFrame(C.ACTIVE_TEST));
  });
}

test('allow_hosts: an address not listed is refused; a listed one is served', async () => {
  await withTracker('allow_hosts = 127.0.0.1', async (port) => {
    const stranger = await open(port, '127.0.0.2');
    assert.equal(await activeTest(stranger), 'closed', 'a peer from 127.0.0.2 is refused');
    stranger.destroy();
    const friend = await open(port, '127.0.0.1');
    assert.equal(await activeTest(friend), 'answered');
    friend.destroy();
  });
});

test('max_connections: the connection over the limit is closed, the others are served', async () => {
  await withTracker('max_connections = 2', async (port) => {
    const first = await open(port);
    const second = await open(port);
    assert.equal(await activeTest(first), 'answered');
    assert.equal(await activeTest(second), 'answered');
    const third = await open(port);
    assert.equal(await activeTest(third), 'closed', 'the third connection is refused');
    third.destroy();
    assert.equal(await activeTest(first), 'answered', 'the first still works');
    first.destroy();
    second.destroy();
  });
});

test('network_timeout: a frame stalled halfway is closed; the tracker serves the next peer', async () => {
  await withTracker('network_timeout = 1', async (port) => {
    const stalled = await open(port);
    const started = Date.now();
    // A QUERY_STORE_WITH_GROUP_ONE header announcing a 16-byte group name, then only 3 bytes of it.
    stalled.write(
      Buffer.concat([encodeHeader(16, C.SERVICE_QUERY_STORE_WITH_GROUP_ONE), Buffer.from('gro')]),
    );
    await once(stalled, 'close');
    const waited = Date.now() - started;
    assert.ok(waited >= 900 && waited < 10_000, `closed after ${waited} ms`);
    const next = await open(port);
    assert.equal(await activeTest(next), 'answered');
    next.destroy();
  });
});
