// Replaying a recorded C tool run (test/vectors/tools + the packets whose context.runCase names
// it) to one of our tools: fake servers at the recorded addresses (127.0.0.11:22200 ...). Each
// recorded connection is a script: a connection of ours whose first request has the recorded
// command follows it, and every request must be byte for byte the recorded one. Exchanges the
// recorder did not link to the run (the C tool's other connections) are answered by `fill`,
// which builds the reply from what the run printed (see tools-replay.test.ts).
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { serveFrames, type Frame } from '#src/common/fake-peer.test.helper.js';
import { encodeHeader } from '#src/protocol/header.js';
import { exchangesOf, type Exchange } from './replay.js';
import { frameBytes, loadPackets } from './vectors.js';

/**
 * Reply for an exchange nobody recorded: a body, an error status, or undefined (the request is
 * then a problem).
 */
export type Fill = (
  server: string,
  cmd: number,
  body: Buffer,
) => Buffer | { status: number } | undefined;

const hex = (b: Buffer): string => b.toString('hex');

/** The recorded connections of a run, one script per (client address, server address). */
export function connectionScripts(runCase: string): Map<string, Exchange[][]> {
  const byConnection = new Map<string, { server: string; exchanges: Exchange[] }>();
  for (const p of loadPackets()) {
    const ctx = p.context as { runCase?: string; requesterAddr?: string; serverAddr?: string };
    if (ctx.runCase !== runCase || !ctx.serverAddr) continue;
    const key = `${ctx.requesterAddr}>${ctx.serverAddr}`;
    const exchanges = exchangesOf(p.file);
    const known = byConnection.get(key);
    // Some connections are filed twice (a whole session and one exchange of it): keep the longest.
    if (!known || known.exchanges.length < exchanges.length) {
      byConnection.set(key, { server: ctx.serverAddr, exchanges });
    }
  }
  const byServer = new Map<string, Exchange[][]>();
  for (const { server, exchanges } of byConnection.values()) {
    byServer.set(server, [...(byServer.get(server) ?? []), exchanges]);
  }
  return byServer;
}

interface ConnState {
  script: Exchange[] | undefined;
  next: number;
}

export class ReplayCluster {
  readonly problems: string[] = [];
  readonly filled: string[] = [];
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly unused = new Map<string, Exchange[][]>();
  private readonly started = new Map<Exchange[], ConnState>();

  constructor(
    scripts: Map<string, Exchange[][]>,
    private readonly fill: Fill,
  ) {
    for (const [server, list] of scripts) this.unused.set(server, [...list]);
  }

  /** Listen on every address in `addresses` ("ip:port"). */
  async listen(addresses: Iterable<string>): Promise<void> {
    for (const address of new Set(addresses)) {
      const colon = address.lastIndexOf(':');
      const server = net.createServer((socket) => this.accept(address, socket));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(Number(address.slice(colon + 1)), address.slice(0, colon), resolve);
      });
      this.servers.push(server);
    }
  }

  private accept(server: string, socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    const state: ConnState = { script: undefined, next: 0 };
    serveFrames(socket, (frame, peer) => this.onFrame(server, state, frame, peer));
  }

  private onFrame(server: string, state: ConnState, frame: Frame, peer: Duplex): void {
    const { pkgLen, cmd, status } = frame.header;
    if (cmd === 82) {
      peer.end();
      return;
    }
    const header = hex(encodeHeader(pkgLen, cmd, status));
    if (state.script === undefined && state.next === 0) {
      const list = this.unused.get(server) ?? [];
      const exact = list.findIndex(
        (s) => s[0]!.request.headerHex === header && s[0]!.request.bodyHex === hex(frame.body),
      );
      const sameCmd = exact >= 0 ? exact : list.findIndex((s) => s[0]!.request.cmd === cmd);
      if (sameCmd >= 0) {
        state.script = list.splice(sameCmd, 1)[0]!;
        this.started.set(state.script, state);
      }
    }
    const expected = state.script?.[state.next];
    if (expected) {
      if (header !== expected.request.headerHex || hex(frame.body) !== expected.request.bodyHex) {
        this.problems.push(
          `${server}: request ${state.next} of ${expected.file} differs:\n` +
            `  sent     ${header} ${hex(frame.body).slice(0, 400)}\n` +
            `  recorded ${expected.request.headerHex} ${expected.request.bodyHex.slice(0, 400)}`,
        );
        peer.destroy();
        return;
      }
      state.next++;
      if (expected.reply) peer.write(frameBytes(expected.reply));
      return;
    }
    state.next++;
    const reply = this.fill(server, cmd, frame.body);
    if (reply === undefined) {
      this.problems.push(
        `${server}: unexpected request cmd ${cmd} ${hex(frame.body).slice(0, 200)}`,
      );
      peer.destroy();
      return;
    }
    this.filled.push(`${server} ${cmd}`);
    if (Buffer.isBuffer(reply))
      peer.write(Buffer.concat([encodeHeader(reply.length, 100, 0), reply]));
    else peer.write(encodeHeader(0, 100, reply.status));
  }

  /** Problems so far, plus every recorded connection that did not take place in full. */
  check(): string[] {
    const out = [...this.problems];
    for (const [server, list] of this.unused) {
      for (const s of list) out.push(`${server}: recorded connection ${s[0]!.file} never opened`);
    }
    for (const [script, state] of this.started) {
      if (state.next < script.length) {
        out.push(`${script[0]!.file}: ${script.length - state.next} recorded exchanges missing`);
      }
    }
    return out;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise((r) => s.close(r))));
  }
}
