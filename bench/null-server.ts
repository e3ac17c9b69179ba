// The null server: answers every request, as soon as its last byte is in, with a reply of the
// right size for its command (a QUERY_STORE gets 40 bytes, a QUERY_FETCH 39...), doing no other
// work. Request bodies are skipped unread; reply bodies are filler ('0' bytes), and a large one (a
// 256 MiB download) is streamed from one reused chunk with backpressure. Driving it with the load
// generator measures the generator's own ceiling: a real server's figure close to it says only
// "at least this fast".
//
// Run it as a child process (`node dist/_test/bench/null-server.js [host] [sizes JSON]`): it prints
// `{"port":N}` on stdout once listening and serves until killed. The sizes JSON maps command codes
// to reply body sizes, e.g. `{"11":43,"14":4096}` for a storage's uploads and downloads.
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { encodeHeader, encodeResponse } from '#src/protocol/header.js';
import { RESP_CMD, TrackerCommand } from '#src/protocol/commands.js';
import { HEADER_SIZE } from '#src/protocol/constants.js';

/** Reply body size per command code. */
export type ReplySizes = Readonly<Record<number, number>>;

/** Reply bodies of the tracker queries with 16-byte IPs (§5.1), two servers where a list is due. */
export const TRACKER_REPLY_SIZES: ReplySizes = {
  [TrackerCommand.SERVICE_QUERY_STORE_WITHOUT_GROUP_ONE]: 40,
  [TrackerCommand.SERVICE_QUERY_STORE_WITH_GROUP_ONE]: 40,
  [TrackerCommand.SERVICE_QUERY_FETCH_ONE]: 39,
  [TrackerCommand.SERVICE_QUERY_UPDATE]: 39,
  [TrackerCommand.SERVICE_QUERY_FETCH_ALL]: 16 + 2 * 23,
  [TrackerCommand.SERVICE_QUERY_STORE_WITHOUT_GROUP_ALL]: 16 + 2 * 23 + 1,
  [TrackerCommand.SERVICE_QUERY_STORE_WITH_GROUP_ALL]: 16 + 2 * 23 + 1,
};

/** Replies up to this size are built once; larger ones are streamed in chunks of this size. */
const CANNED_MAX = 1024 * 1024;
const FILLER = Buffer.alloc(CANNED_MAX, 0x30);
const EMPTY_REPLY = encodeResponse(0);

interface Replies {
  /** The whole reply frame of a command whose reply is small. */
  canned: readonly (Buffer | undefined)[];
  /** Body size of a command whose reply is streamed. */
  streamed: readonly (number | undefined)[];
}

function buildReplies(sizes: ReplySizes): Replies {
  const canned: (Buffer | undefined)[] = Array.from({ length: 256 }, () => EMPTY_REPLY);
  const streamed: (number | undefined)[] = [];
  for (const [cmd, size] of Object.entries(sizes)) {
    if (size > CANNED_MAX) {
      canned[Number(cmd)] = undefined;
      streamed[Number(cmd)] = size;
    } else {
      canned[Number(cmd)] = encodeResponse(0, FILLER.subarray(0, size));
    }
  }
  return { canned, streamed };
}

/** Header, then `size` filler bytes, waiting for 'drain' whenever the socket's buffer is full. */
async function streamReply(socket: Socket, size: number): Promise<void> {
  socket.write(encodeHeader(size, RESP_CMD));
  for (let left = size; left > 0 && !socket.destroyed;) {
    const n = Math.min(left, CANNED_MAX);
    left -= n;
    if (!socket.write(FILLER.subarray(0, n))) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    }
  }
}

/** Answer each complete frame of the stream; bodies are skipped unread. */
function serve(socket: Socket, replies: Replies): void {
  socket.setNoDelay(true);
  let pending: Buffer | undefined;
  /** Body bytes of the current frame still to skip, and the command they belong to. */
  let skip = 0;
  let skipping = -1;
  /** Streamed replies go out one after the other; later small ones wait behind them. */
  let tail: Promise<void> | undefined;
  const reply = (cmd: number, out: Buffer[]): void => {
    const canned = replies.canned[cmd];
    if (canned && !tail) {
      out.push(canned);
      return;
    }
    flush(out);
    const previous = tail ?? Promise.resolve();
    const size = replies.streamed[cmd];
    const next = previous.then(() =>
      size === undefined ? void socket.write(canned!) : streamReply(socket, size),
    );
    tail = next;
    void next.then(() => {
      if (tail === next) tail = undefined;
    });
  };
  const flush = (out: Buffer[]): void => {
    if (out.length === 1) socket.write(out[0]!);
    else if (out.length > 1) socket.write(Buffer.concat(out));
    out.length = 0;
  };
  socket.on('data', (chunk: Buffer) => {
    const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = undefined;
    let offset = 0;
    const out: Buffer[] = [];
    for (;;) {
      if (skipping >= 0) {
        const n = Math.min(skip, buf.length - offset);
        skip -= n;
        offset += n;
        if (skip > 0) break;
        reply(skipping, out);
        skipping = -1;
      }
      if (buf.length - offset < HEADER_SIZE) break;
      const hi = buf.readUInt32BE(offset);
      const lo = buf.readUInt32BE(offset + 4);
      const cmd = buf[offset + 8]!;
      offset += HEADER_SIZE;
      if (cmd === TrackerCommand.QUIT) {
        socket.end();
        return;
      }
      // The reply goes once the body is in (a 256 MiB upload is answered after its last byte).
      skip = hi * 0x100000000 + lo;
      skipping = cmd;
    }
    if (offset < buf.length) pending = buf.subarray(offset);
    flush(out);
  });
  socket.on('error', () => socket.destroy());
}

export function startNullServer(
  host = '127.0.0.1',
  port = 0,
  sizes: ReplySizes = TRACKER_REPLY_SIZES,
): Promise<Server> {
  const replies = buildReplies(sizes);
  return new Promise((resolve, reject) => {
    const server = createServer({ noDelay: true }, (socket) => serve(socket, replies));
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export interface NullServerProcess {
  pid: number;
  host: string;
  port: number;
  stop(): Promise<void>;
}

/** The null server in a child process, like the server it stands in for. */
export function spawnNullServer(
  host = '127.0.0.1',
  sizes: ReplySizes = TRACKER_REPLY_SIZES,
): Promise<NullServerProcess> {
  const child = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), host, JSON.stringify(sizes)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      const { port } = JSON.parse(line) as { port: number };
      resolve({ pid: child.pid!, host, port, stop });
    });
    void exited.then(() => reject(new Error('the null server exited before listening')));
  });
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const sizes = process.argv[3] ? (JSON.parse(process.argv[3]) as ReplySizes) : undefined;
  const server = await startNullServer(process.argv[2] ?? '127.0.0.1', 0, sizes);
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
