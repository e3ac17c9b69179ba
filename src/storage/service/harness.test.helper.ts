// Test fixtures of the storage service: a store on temporary paths served on 127.0.0.1 port 0 by
// the real command table, our StorageClient pointed at it, and a raw socket for hand-made frames
// (truncated bodies, refused uploads, random bytes). (*.test.helper.ts: compiled, not run.)
import { connect, type Socket } from 'node:net';
import { FramedServer } from '../../common/framed-server.js';
import { silentLogger } from '../../common/logger.js';
import { StorageClient } from '../../client/storage-client.js';
import type { StorageAddress } from '../../client/types.js';
import { HEADER_SIZE } from '../../protocol/constants.js';
import { decodeHeader, encodeHeader } from '../../protocol/header.js';
import { DEFAULT_SHAPE_LIMITS } from '../../protocol/shapes.js';
import { withStore, type FixtureOptions, type StoreFixture } from '../store/store.test.helper.js';
import { StorageRuntime, type StorageServiceContext } from './context.js';
import { storageHandler } from './dispatch.js';
import type { StorageSession } from './session.js';

export const HOST = '127.0.0.1';
export const GROUP = 'group1';

export interface ServiceFixture extends StoreFixture {
  runtime: StorageRuntime;
  ctx: StorageServiceContext;
  framed: FramedServer<StorageSession>;
  address: StorageAddress;
  client: StorageClient;
  /** A raw connection, destroyed at the end of the test. */
  raw(): Promise<RawClient>;
}

export interface ServiceOptions extends FixtureOptions {
  groupName?: string;
  networkTimeoutMs?: number;
  maxConnections?: number;
}

export async function withService(
  fn: (f: ServiceFixture) => Promise<void>,
  options: ServiceOptions = {},
): Promise<void> {
  await withStore(async (f) => {
    const runtime = new StorageRuntime(options.groupName ?? GROUP);
    const ctx: StorageServiceContext = { store: f.store, runtime, logger: silentLogger };
    const framed = new FramedServer<StorageSession>({
      handler: storageHandler(ctx, DEFAULT_SHAPE_LIMITS),
      networkTimeoutMs: options.networkTimeoutMs ?? 10_000,
      maxConnections: options.maxConnections ?? 64,
      logger: silentLogger,
    });
    const { port } = await framed.listen(0, HOST);
    const client = new StorageClient({ connectTimeoutMs: 2000, networkTimeoutMs: 10_000 });
    const raws: RawClient[] = [];
    try {
      await fn({
        ...f,
        runtime,
        ctx,
        framed,
        address: { host: HOST, port },
        client,
        raw: async () => {
          const r = await RawClient.connect(port);
          raws.push(r);
          return r;
        },
      });
    } finally {
      for (const r of raws) r.destroy();
      await client.close();
      await framed.close();
      await runtime.idle(5000);
    }
  }, options);
}

export interface RawReply {
  cmd: number;
  status: number;
  body: Buffer;
}

/** A request frame: header (pkg_len defaults to the body's length) and body. */
export function rawFrame(
  cmd: number,
  body: Buffer = Buffer.alloc(0),
  pkgLen = body.length,
): Buffer {
  return Buffer.concat([encodeHeader(pkgLen, cmd, 0), body]);
}

/** A socket that sends bytes as given and reads whole reply frames. */
export class RawClient {
  private buffered: Buffer = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private closedFlag = false;
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake?.();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.closedFlag = true;
        this.wake?.();
        resolve();
      }),
    );
  }

  static connect(port: number, host = HOST): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host, noDelay: true });
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  /** Write bytes; false when the socket is already gone. */
  send(...parts: Buffer[]): boolean {
    if (this.socket.destroyed) return false;
    for (const p of parts) this.socket.write(p);
    return true;
  }

  /** Resolves once every byte written so far has been handed to the system. */
  flushed(): Promise<void> {
    return new Promise((resolve) => this.socket.write(Buffer.alloc(0), () => resolve()));
  }

  /** The next reply frame; rejects when the connection closes first or after `timeoutMs`. */
  async reply(timeoutMs = 5000): Promise<RawReply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.buffered.length >= HEADER_SIZE) {
        const header = decodeHeader(this.buffered);
        const end = HEADER_SIZE + header.pkgLen;
        if (this.buffered.length >= end) {
          const body = this.buffered.subarray(HEADER_SIZE, end);
          this.buffered = this.buffered.subarray(end);
          return { cmd: header.cmd, status: header.status, body: Buffer.from(body) };
        }
      }
      if (this.closedFlag) throw new Error('connection closed before a whole reply arrived');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = undefined;
          resolve();
        };
      });
    }
  }

  /** Bytes received and not read as a reply. */
  get pending(): number {
    return this.buffered.length;
  }

  /** Resolves true when the server closes the connection within `timeoutMs`. */
  async closesWithin(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const result = await Promise.race([this.closed.then(() => true), late]);
    clearTimeout(timer);
    return result;
  }

  /** Stop reading: the server's writes back up (backpressure). */
  pause(): void {
    this.socket.pause();
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
