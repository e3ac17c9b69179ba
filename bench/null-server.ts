// The null server: answers every request at once with a canned reply of the right size for its
// command (a QUERY_STORE gets 40 bytes, a QUERY_FETCH 39...), doing no other work. Driving it
// with the load generator measures the generator's own ceiling: a real server's figure close to
// it says only "at least this fast".
//
// Run it as a child process (`node dist/_test/bench/null-server.js [host]`): it prints
// `{"port":N}` on stdout once listening and serves until killed.
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { encodeResponse } from '#src/protocol/header.js';
import { TrackerCommand } from '#src/protocol/commands.js';
import { HEADER_SIZE } from '#src/protocol/constants.js';

/** Reply bodies of the tracker queries with 16-byte IPs (§5.1), two servers where a list is due. */
const REPLY_SIZES: Readonly<Record<number, number>> = {
  [TrackerCommand.SERVICE_QUERY_STORE_WITHOUT_GROUP_ONE]: 40,
  [TrackerCommand.SERVICE_QUERY_STORE_WITH_GROUP_ONE]: 40,
  [TrackerCommand.SERVICE_QUERY_FETCH_ONE]: 39,
  [TrackerCommand.SERVICE_QUERY_UPDATE]: 39,
  [TrackerCommand.SERVICE_QUERY_FETCH_ALL]: 16 + 2 * 23,
  [TrackerCommand.SERVICE_QUERY_STORE_WITHOUT_GROUP_ALL]: 16 + 2 * 23 + 1,
  [TrackerCommand.SERVICE_QUERY_STORE_WITH_GROUP_ALL]: 16 + 2 * 23 + 1,
};

const EMPTY_REPLY = encodeResponse(0);

/** One canned reply frame per command code, built once. */
const CANNED: readonly Buffer[] = Array.from({ length: 256 }, (_, cmd) => {
  const size = REPLY_SIZES[cmd];
  return size === undefined ? EMPTY_REPLY : encodeResponse(0, Buffer.alloc(size, 0x30));
});

/** Answer each complete frame of the stream; bodies are skipped unread. */
function serve(socket: Socket): void {
  socket.setNoDelay(true);
  let pending: Buffer | undefined;
  /** Body bytes of the current frame still to skip. */
  let skip = 0;
  socket.on('data', (chunk: Buffer) => {
    const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = undefined;
    let offset = 0;
    const replies: Buffer[] = [];
    for (;;) {
      if (skip > 0) {
        const n = Math.min(skip, buf.length - offset);
        skip -= n;
        offset += n;
        if (skip > 0) break;
      }
      if (buf.length - offset < HEADER_SIZE) break;
      const hi = buf.readUInt32BE(offset);
      const lo = buf.readUInt32BE(offset + 4);
      const cmd = buf[offset + 8]!;
      offset += HEADER_SIZE;
      skip = hi * 0x100000000 + lo;
      if (cmd === TrackerCommand.QUIT) {
        socket.end();
        return;
      }
      replies.push(CANNED[cmd]!);
    }
    if (offset < buf.length) pending = buf.subarray(offset);
    if (replies.length === 1) socket.write(replies[0]!);
    else if (replies.length > 1) socket.write(Buffer.concat(replies));
  });
  socket.on('error', () => socket.destroy());
}

export function startNullServer(host = '127.0.0.1', port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer({ noDelay: true }, serve);
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
export function spawnNullServer(host = '127.0.0.1'): Promise<NullServerProcess> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), host], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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
  const server = await startNullServer(process.argv[2] ?? '127.0.0.1');
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
