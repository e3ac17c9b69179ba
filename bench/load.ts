// The load generator: N connections, each sending one request at a time (as FastDFS clients do),
// the next as soon as the reply is in. Lean on purpose: raw sockets, one request frame built once,
// reply framing by hand (10-byte header, then pkg_len bytes), one hrtime per request, so that its
// own ceiling (measured against bench/null-server.ts) sits well above the server under test.
import { connect, type Socket } from 'node:net';

export interface LoadSpec {
  host: string;
  port: number;
  /** The request frame (header and body), sent as is for every request. */
  frame: Buffer;
  /** Body length of a correct reply; another length, or a non-zero status, counts as an error. */
  replyLength: number;
  /** A second request each connection alternates with `frame` (the `mixed` load), and its reply length. */
  alternate?: { frame: Buffer; replyLength: number };
  connections: number;
  /** Measured window. */
  durationMs: number;
  /** Requests before the window opens, per run (JIT, connection warm-up). */
  warmupMs: number;
  /** Stop the window after this many replies. */
  count?: number;
  /** Called as the measured window opens and closes (to sample the server's CPU time). */
  onWindow?: (edge: 'open' | 'close') => void;
}

export interface LoadResult {
  ops: number;
  errors: number;
  /** Length of the measured window. */
  elapsedNs: bigint;
  /** Latency of each request of the window, in ns (feed them to a LatencyRecorder). */
  samples: Float64Array;
}

/** A growable list of latency samples, cheap to send to a parent process. */
class Samples {
  private data = new Float64Array(1 << 16);
  private n = 0;

  push(ns: number): void {
    if (this.n === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.n++] = ns;
  }

  values(): Float64Array {
    return this.data.subarray(0, this.n);
  }
}

const HEADER = 10;
/** Replies of the queries are small; a larger one is an error and ends that connection. */
const MAX_REPLY = 64 * 1024;

/** Called with each piece of data read, in the socket's own reused buffer. */
export type OnRead = (data: Buffer) => void;

/**
 * Connect with `onread`: the socket reads into one buffer of its own (`readBufferSize` bytes),
 * reused for every read, so a reply costs no allocation (the 'data' event allocates a Buffer per
 * read). The data is only valid during the call to the function given to setOnRead.
 */
export function open(
  host: string,
  port: number,
  readBufferSize = 16 * 1024,
): Promise<{ socket: Socket; setOnRead(f: OnRead): void }> {
  let onRead: OnRead = () => undefined;
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port,
      noDelay: true,
      onread: {
        buffer: Buffer.allocUnsafe(readBufferSize),
        callback: (nread: number, buf: Uint8Array) => {
          onRead(Buffer.from(buf.buffer, buf.byteOffset, nread));
          return true;
        },
      },
    });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve({ socket, setOnRead: (f) => (onRead = f) });
    });
    socket.once('error', reject);
  });
}

type Phase = 'warmup' | 'measure' | 'stop';

/** Drive the server; resolves when the window has closed and every connection is idle. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const connections = await Promise.all(
    Array.from({ length: spec.connections }, () => open(spec.host, spec.port)),
  );
  const sockets = connections.map((c) => c.socket);
  const samples = new Samples();
  let phase: Phase = 'warmup';
  let ops = 0;
  let errors = 0;
  let windowStart = 0n;
  let windowEnd = 0n;
  let idle = 0;
  let onAllIdle!: () => void;
  const allIdle = new Promise<void>((resolve) => (onAllIdle = resolve));
  let timer: NodeJS.Timeout | undefined = undefined;

  const closeWindow = (): void => {
    if (phase !== 'measure') return;
    phase = 'stop';
    windowEnd = process.hrtime.bigint();
    clearTimeout(timer);
    spec.onWindow?.('close');
  };

  for (const { socket, setOnRead } of connections) {
    let sentAt = 0n;
    /** The reply so far: header, then body. */
    const reply = Buffer.allocUnsafe(MAX_REPLY + HEADER);
    let have = 0;
    let done = false;
    /** Which request is in flight: `frame` (false) or `alternate` (true). */
    let second = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      idle++;
      if (idle === sockets.length) onAllIdle();
    };
    const send = (): void => {
      sentAt = process.hrtime.bigint();
      if (spec.alternate) second = !second;
      socket.write(second ? spec.alternate!.frame : spec.frame);
    };
    // A connection the server dropped is an error, and takes no further part.
    const lost = (): void => {
      if (done) return;
      errors++;
      finish();
      socket.destroy();
    };
    socket.on('error', lost);
    socket.on('close', lost);
    setOnRead((data) => {
      if (have + data.length > reply.length) {
        lost();
        return;
      }
      data.copy(reply, have);
      have += data.length;
      if (have < HEADER) return;
      const pkgLen = reply.readUInt32BE(0) * 0x100000000 + reply.readUInt32BE(4);
      if (pkgLen > MAX_REPLY) {
        lost();
        return;
      }
      if (have < HEADER + pkgLen) return;
      // Bytes past the reply cannot be: one request is in flight. Count them as an error.
      const expected = second ? spec.alternate!.replyLength : spec.replyLength;
      const bad = reply[9] !== 0 || pkgLen !== expected || have > HEADER + pkgLen;
      have = 0;
      const now = process.hrtime.bigint();
      if (phase === 'measure' && sentAt >= windowStart) {
        ops++;
        samples.push(Number(now - sentAt));
        if (bad) errors++;
        if (spec.count !== undefined && ops >= spec.count) closeWindow();
      }
      if (phase === 'stop') finish();
      else send();
    });
    send();
  }

  await new Promise((resolve) => setTimeout(resolve, spec.warmupMs));
  spec.onWindow?.('open');
  windowStart = process.hrtime.bigint();
  phase = 'measure';
  timer = setTimeout(closeWindow, spec.durationMs);
  await allIdle;
  if (windowEnd === 0n) {
    // Every connection was lost before the window closed.
    clearTimeout(timer);
    windowEnd = process.hrtime.bigint();
    spec.onWindow?.('close');
  }
  for (const socket of sockets) socket.destroy();
  return { ops, errors, elapsedNs: windowEnd - windowStart, samples: samples.values() };
}
