// Recorded requests replayed against our tracker: for the exchanges whose answer does not depend
// on live cluster state, the recorded request bytes are sent (from the recorded client address)
// to a fresh TrackerServer running the recorded cluster's tracker.conf, and our reply bytes must
// equal the real 6.16.1 reply bytes exactly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrackerConfig, type TrackerConfig } from '#src/common/config/index.js';
import { TrackerServer } from '#src/tracker/index.js';
import { TrackerCommand as C } from '#src/protocol/commands.js';
import { FakeStorage } from './support/tracker-fake-storage.js';
import { loadPacket, vectorPath, type PacketFrame } from './support/vectors.js';

// B-leader: cluster B's tracker after a storage joined it alone, so that it leads (58/65 refusals).
type Variant = 'A-auto' | 'A-ip46' | 'B-id' | 'B-leader';

const FILES: Record<Variant, string[]> = {
  'A-auto': [
    'tracker-111-active-test.json',
    'tracker-111-active-test-with-body-einval.json',
    'tracker-250-unknown-command-einval.json',
    'tracker-82-quit.json',
    'tracker-83-beat-not-joined-eacces.json',
    'tracker-109-get-group-name-eopnotsupp.json',
    'tracker-69-fetch-storage-ids-allow-empty.json',
    'tracker-69-fetch-storage-ids-eopnotsupp.json',
    'tracker-75-parameter-req.json',
    'tracker-75-parameter-req-from-storage.json',
    'tracker-94-set-trunk-server-eopnotsupp.json',
    'tracker-70-get-server-id-ip.json',
    'tracker-60-get-my-ip-client.json',
    'tracker-60-get-my-ip.json',
    'tracker-101-query-store-without-group-bad-body-einval.json',
    'tracker-102-query-fetch-one-short-name-einval.json',
    'tracker-102-query-fetch-one-unknown-group-enoent.json',
    'tracker-104-query-store-with-group-enoent.json',
    'tracker-90-list-one-group-enoent.json',
    'tracker-71-get-storage-status-enoent.json',
  ],
  'A-ip46': ['tracker-75-parameter-req-ip46.json'],
  'B-id': [
    'tracker-75-parameter-req-storage-ids.json',
    'tracker-64-get-status-enoent-no-groups.json',
    'tracker-69-fetch-storage-ids.json',
    'tracker-69-fetch-storage-ids-start-2.json',
    'tracker-69-fetch-storage-ids-bad-start-einval.json',
    'tracker-69-70-storage-startup.json',
    'tracker-70-get-server-id.json',
    'tracker-70-get-server-id-enoent.json',
    'tracker-109-get-group-name-ip-port.json',
    'tracker-109-get-group-name-port-only.json',
    'tracker-109-get-group-name-enoent.json',
    'tracker-60-get-my-ip-storage-ids.json',
    'tracker-94-set-trunk-server-via-monitor.json',
    // A tracker that does not lead, and knows no 127.0.0.24:22300 (§5.4).
    'tracker-58-join-leader-not-leader-eopnotsupp.json',
    'tracker-66-notify-next-leader-enoent.json',
    'tracker-96-tracker-cluster-stat-follower-eopnotsupp.json',
  ],
  'B-leader': [
    'tracker-58-join-leader-unknown-tracker-enoent.json',
    'tracker-58-join-leader-enoent-unbound.json',
    'tracker-65-ping-leader-not-joined-einval.json',
  ],
};

let dir = '';
let storage: FakeStorage | undefined;
const servers = new Map<Variant, { server: TrackerServer; host: string; port: number }>();

/** The recorded tracker.conf of the variant, with its placeholders filled in and port 0. */
async function configOf(variant: Variant): Promise<TrackerConfig> {
  const conf = vectorPath('tools', 'conf');
  let text = await readFile(
    join(conf, variant.startsWith('A') ? 'A-tracker.conf' : 'B-tracker1.conf'),
    'utf8',
  );
  if (variant === 'A-auto')
    text = text.replace('response_ip_addr_size = IPv6', 'response_ip_addr_size = auto');
  // Cluster B was captured before configuration c: id_type_in_filename was still id (README).
  if (variant.startsWith('B'))
    text = text.replace('id_type_in_filename = ip', 'id_type_in_filename = id');
  const base = join(dir, variant);
  await mkdir(base, { recursive: true });
  text = text.replaceAll('<base_path>', base).replaceAll('<conf_dir>', dir);
  const file = join(dir, `${variant}.conf`);
  await writeFile(file, text);
  return { ...parseTrackerConfig(text, { file }), port: 0 };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fdfs-tracker-replay-'));
  await writeFile(
    join(dir, 'storage_ids.conf'),
    await readFile(vectorPath('tools', 'conf', 'B-storage_ids.conf')),
  );
  for (const variant of Object.keys(FILES) as Variant[]) {
    const server = new TrackerServer(await configOf(variant));
    const { address, port } = await server.listen();
    servers.set(variant, { server, host: address, port });
    if (variant === 'B-leader') await leadAlone(address, port);
  }
});

/** 100001 (storage_ids.conf) joins, naming only this tracker: it leads alone (§9.12). */
async function leadAlone(host: string, port: number): Promise<void> {
  storage = await FakeStorage.connect({ ip: '127.0.0.22', trackerHost: host, trackerPort: port });
  await storage.join({ storagePort: 23300, storageId: '100001' });
  for (let i = 0; i < 100; i++) {
    const answer = await storage.call(C.TRACKER_GET_STATUS);
    if (answer[0] === 1) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the B-leader tracker never led');
}

after(async () => {
  storage?.conn.destroy();
  for (const { server } of servers.values()) await server.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Reads whole reply frames off a socket, in order. */
class FrameReader {
  private buffered = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake?.();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake?.();
    });
  }

  /** One frame's bytes, or undefined when the server closed first. */
  async frame(): Promise<Buffer | undefined> {
    for (;;) {
      if (this.buffered.length >= 10) {
        const total = 10 + Number(this.buffered.readBigInt64BE(0));
        if (this.buffered.length >= total) {
          const frame = this.buffered.subarray(0, total);
          this.buffered = this.buffered.subarray(total);
          return frame;
        }
      }
      if (this.ended) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

const bytesOf = (f: PacketFrame): Buffer => Buffer.from(f.headerHex + f.bodyHex, 'hex');

for (const [variant, files] of Object.entries(FILES) as [Variant, string[]][]) {
  for (const file of files) {
    test(`replay ${file} (${variant})`, async () => {
      const packet = loadPacket(file);
      const { host, port } = servers.get(variant)!;
      const requester = String(packet.context['requesterAddr']).split(':')[0]!;
      const socket = connect({ host, port, localAddress: requester });
      await once(socket, 'connect');
      const reader = new FrameReader(socket);
      try {
        const replies = packet.frames.filter((f) => f.from === 'server');
        let r = 0;
        for (const request of packet.frames.filter((f) => f.from !== 'server')) {
          socket.write(bytesOf(request));
          const ours = await reader.frame();
          if (request.cmd === 82) {
            assert.equal(ours, undefined, 'QUIT: no reply, the connection closes');
            continue;
          }
          const recorded = replies[r++]!;
          assert.ok(ours, `cmd ${request.cmd}: no reply`);
          assert.equal(
            ours.toString('hex'),
            bytesOf(recorded).toString('hex'),
            `cmd ${request.cmd}`,
          );
        }
      } finally {
        socket.destroy();
      }
    });
  }
}
