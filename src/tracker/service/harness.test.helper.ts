// Test support: a tracker command handler served in memory over stream.duplexPair() (STYLE §1),
// with a temp base path, a settable clock and a settable leader, and a raw client that keeps its
// connection after error answers (FramedConnection closes on any non-zero status).
import { duplexPair, type Duplex } from 'node:stream';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseTrackerConfig,
  responseIpSize,
  type StorageIdConfigEntry,
} from '../../common/config/index.js';
import { FramedServer } from '../../common/framed-server.js';
import { silentLogger } from '../../common/logger.js';
import { FrameDecoder } from '../../protocol/frame-decoder.js';
import { encodeFrame, type FrameHeader } from '../../protocol/header.js';
import type { IpPort } from '../../protocol/messages/tracker-fields.js';
import { encodeStorageJoinBody, type StorageJoinBody } from '../../protocol/structs/join-body.js';
import { TrackerStore } from '../persist/store.js';
import { Leadership } from '../relation/leadership.js';
import { TrackerPeers } from '../relation/peers.js';
import { ClusterState } from '../state/index.js';
import { dialectOf, policyOf, type TrackerContext } from './context.js';
import { trackerHandler } from './dispatch.js';
import { SysFileLock } from './sys-files.js';
import type { TrackerSession } from './session.js';

export const TRACKER_IP = '127.0.0.11';
export const TRACKER_PORT = 22200;

export interface Reply {
  header: FrameHeader;
  status: number;
  body: Buffer;
}

/** One client connection: sends frames, reads replies in order, survives error answers. */
export class RawClient {
  private readonly replies: Reply[] = [];
  private readonly waiters: ((r: Reply) => void)[] = [];
  readonly closed: Promise<void>;

  constructor(private readonly duplex: Duplex) {
    let parts: Buffer[] = [];
    const decoder = new FrameDecoder({
      shapeOf: () => ({ kind: 'whole', maxLength: 16 * 1024 * 1024 }),
      onPrefix: (_h, body) => {
        parts = [Buffer.from(body)];
      },
      onChunk: (c) => parts.push(Buffer.from(c)),
      onEnd: (header) => {
        const reply = { header, status: header.status, body: Buffer.concat(parts) };
        const waiter = this.waiters.shift();
        if (waiter) waiter(reply);
        else this.replies.push(reply);
      },
    });
    duplex.on('data', (chunk: Buffer) => decoder.push(chunk));
    // A duplexPair end is not told when the other end is destroyed; 'end' is what arrives.
    this.closed = Promise.race([once(duplex, 'end'), once(duplex, 'close')]).then(() => undefined);
    duplex.resume();
  }

  /** Write raw bytes (a recorded request, several frames, half a frame...). */
  write(bytes: Buffer): void {
    this.duplex.write(bytes);
  }

  next(): Promise<Reply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  call(cmd: number, body: Buffer = Buffer.alloc(0)): Promise<Reply> {
    this.write(encodeFrame(cmd, body));
    return this.next();
  }

  end(): void {
    this.duplex.end();
  }
}

export interface Harness {
  ctx: TrackerContext;
  clock: { now: number };
  leader: { isLeader: boolean; address: IpPort | undefined };
  dir: string;
  /** How many times a join asked for an election round. */
  clusterChanges(): number;
  /** A connection from `peer`, reaching the tracker at `local`. */
  connect(peer?: string, local?: string): RawClient;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Extra tracker.conf lines. */
  conf?: string;
  storageIds?: readonly StorageIdConfigEntry[];
  leader?: boolean;
  now?: number;
}

let nextPort = 40000;

export async function harness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-tracker-service-'));
  const config = parseTrackerConfig(
    `base_path = ${dir}\nport = ${TRACKER_PORT}\n${options.conf ?? ''}\n`,
    {
      file: join(dir, 'tracker.conf'),
    },
  );
  const storageIds = options.storageIds ?? [];
  const clock = { now: options.now ?? 1_795_264_000 };
  const leader = { isLeader: options.leader ?? true, address: undefined as IpPort | undefined };
  const policy = policyOf(config, storageIds);
  const state = new ClusterState(policy);
  const store = new TrackerStore(join(dir, 'data'), config.useStorageId);
  let clusterChanges = 0;
  const ctx: TrackerContext = {
    state,
    store,
    config,
    policy,
    storageIds,
    dialect: dialectOf(config.wireCompat, responseIpSize(config, storageIds)),
    leader: {
      get isLeader() {
        return leader.isLeader;
      },
      leaderAddress: (_requester, localIp) =>
        leader.isLeader ? { ip: localIp, port: TRACKER_PORT } : leader.address,
      status: () => ({ ifLeader: leader.isLeader ? 1 : 0, runningTime: 0, restartInterval: 0 }),
    },
    peers: new TrackerPeers(config.trackerServers, () => TRACKER_PORT, [TRACKER_IP]),
    relation: new Leadership(),
    nameTracker: () => undefined,
    connections: { current: 0, max: 0 },
    logger: silentLogger,
    now: () => clock.now,
    startTime: clock.now,
    port: () => TRACKER_PORT,
    clusterChanged: () => {
      clusterChanges++;
    },
    sysFileLock: new SysFileLock(),
    beforeJoin: () => true,
  };
  if (leader.isLeader) state.noteLeaderChange();
  const server = new FramedServer<TrackerSession>({
    handler: trackerHandler(ctx),
    networkTimeoutMs: 5000,
    maxConnections: 100,
    logger: silentLogger,
  });
  return {
    ctx,
    clock,
    leader,
    dir,
    clusterChanges: () => clusterChanges,
    connect(peer = '127.0.0.99', local = TRACKER_IP) {
      const [client, serverSide] = duplexPair();
      server.serve(
        serverSide,
        { address: peer, port: nextPort++ },
        { address: local, port: TRACKER_PORT },
      );
      return new RawClient(client);
    },
    async close() {
      await server.close();
      // Closing runs the disconnect rule, whose save may start on a later turn: let it start, then wait.
      await new Promise((resolve) => setImmediate(resolve));
      await store.flushed();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Poll until `check()` holds (at most `ms`). */
export async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A 6.16 storage's join body with the values of cluster A (§4.7). */
export function joinBody(over: Partial<StorageJoinBody> = {}): Buffer {
  return encodeStorageJoinBody({
    groupName: 'group1',
    storagePort: 23200,
    storePathCount: 2,
    subdirCountPerPath: 256,
    uploadPriority: 10,
    joinTime: 1_795_262_797,
    upTime: 1_795_262_797,
    version: '6.16.1',
    initFlag: 1,
    status: 0,
    storageId: '',
    currentTrackerIp: TRACKER_IP,
    trackers: [`${TRACKER_IP}:${TRACKER_PORT}`],
    ...over,
  });
}

/** A 16-byte group field. */
export function group16(name: string): Buffer {
  const b = Buffer.alloc(16);
  b.write(name);
  return b;
}
