// Fake FastDFS peers for the connection and pool tests: an in-memory one over
// stream.duplexPair() and a TCP one on 127.0.0.1, port 0. They read requests with a
// FrameDecoder of their own. (Named *.test.helper.ts: compiled, not run, not packaged.)
import net from 'node:net';
import { duplexPair, type Duplex } from 'node:stream';
import type { TestContext } from 'node:test';
import { FrameDecoder } from '../protocol/frame-decoder.js';
import type { FrameHeader } from '../protocol/header.js';
import { FramedConnection } from './connection.js';

export interface Frame {
  header: FrameHeader;
  body: Buffer;
}

export type FrameHandler = (frame: Frame, peer: Duplex) => void;

/**
 * Decode request frames arriving on `peer` and call `handler` for each whole one. Chunks that
 * arrive while a handler runs (the client answers synchronously in memory) wait their turn.
 */
export function serveFrames(peer: Duplex, handler: FrameHandler, maxBody = 64 << 20): Frame[] {
  const frames: Frame[] = [];
  let body = Buffer.alloc(0);
  const decoder = new FrameDecoder({
    shapeOf: () => ({ kind: 'whole', maxLength: maxBody }),
    onPrefix: (_header, prefix) => {
      body = Buffer.from(prefix);
    },
    onChunk: () => {},
    onEnd: (header) => {
      const frame = { header, body };
      frames.push(frame);
      handler(frame, peer);
    },
  });
  let busy = false;
  const backlog: Buffer[] = [];
  peer.on('data', (chunk: Buffer) => {
    backlog.push(chunk);
    if (busy) return;
    busy = true;
    try {
      while (backlog.length > 0) decoder.push(backlog.shift()!);
    } finally {
      busy = false;
    }
  });
  peer.on('error', () => {});
  return frames;
}

export interface MemoryPair {
  conn: FramedConnection;
  /** The client's side of the pair (spy on its writes). */
  client: Duplex;
  /** The fake server's side. */
  peer: Duplex;
}

export const MEMORY_PEER = 'memory-peer:23000';

/** A FramedConnection over stream.duplexPair(), both sides destroyed after the test `t`. */
export function memoryPair(t: TestContext | undefined, networkTimeoutMs = 5000): MemoryPair {
  const [client, peer] = duplexPair();
  const conn = FramedConnection.fromDuplex(client, { networkTimeoutMs, peer: MEMORY_PEER });
  t?.after(() => {
    conn.destroy();
    peer.destroy();
  });
  return { conn, client, peer };
}

export interface TcpPeer {
  port: number;
  /** Sockets currently open on the server side. */
  readonly open: Set<net.Socket>;
  /** Sockets accepted so far. */
  accepted: number;
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1, port 0, calling `onSocket` for each accepted socket; closed after `t`. */
export async function tcpPeer(
  t: TestContext,
  onSocket: (socket: net.Socket) => void,
): Promise<TcpPeer> {
  const open = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    peer.accepted++;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => {});
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let closing: Promise<void> | undefined;
  const peer: TcpPeer = {
    port: (server.address() as net.AddressInfo).port,
    open,
    accepted: 0,
    close: () => {
      for (const socket of open) socket.destroy();
      closing ??= new Promise<void>((resolve) => server.close(() => resolve()));
      return closing;
    },
  };
  t.after(() => peer.close());
  return peer;
}

/** Wait until `predicate` holds, polling every few ms; fails after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
