// Replaying recorded exchanges (test/vectors/packets) to a client under test: a fake server on
// 127.0.0.1, port 0, that checks each request is byte for byte the recorded one and answers with
// the recorded reply bytes.
import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import type { TestContext } from 'node:test';
import { serveFrames, tcpPeer, type Frame } from '#src/common/fake-peer.test.helper.js';
import { encodeHeader } from '#src/protocol/header.js';
import { frameBytes, loadPacket, type PacketFrame } from './vectors.js';

export type Fields = Record<string, unknown>;
/** One entry of a packet's `context.decoded`: the recorder's reading of an exchange. */
export interface Decoded {
  cmd: number;
  request?: Fields | null;
  response?: Fields | null;
  responseStatus?: number;
}

export interface Exchange {
  file: string;
  request: PacketFrame;
  reply: PacketFrame | undefined;
}

/** The request/reply pairs of a packet file, in wire order (QUIT has no reply). */
export function exchangesOf(file: string): Exchange[] {
  const frames = loadPacket(file).frames;
  const out: Exchange[] = [];
  for (let i = 0; i < frames.length; i++) {
    const request = frames[i]!;
    const next = frames[i + 1];
    const reply = next?.from === 'server' ? next : undefined;
    if (reply) i++;
    out.push({ file, request, reply });
  }
  return out;
}

const hex = (b: Buffer): string => b.toString('hex');

/**
 * Answers the requests of any connection with the next exchange of its script, once the request
 * is byte for byte the recorded one. A request that differs is reported and its connection cut.
 * A QUIT that the script does not expect (clients closing their pools) is let through.
 */
export class ReplayServer {
  port = 0;
  next = 0;
  readonly problems: string[] = [];

  constructor(readonly script: Exchange[]) {}

  async start(t: TestContext): Promise<this> {
    const peer = await tcpPeer(t, (socket) => serveFrames(socket, (f, p) => this.onFrame(f, p)));
    this.port = peer.port;
    return this;
  }

  private onFrame(frame: Frame, socket: Duplex): void {
    const { pkgLen, cmd, status } = frame.header;
    const expected = this.script[this.next];
    if (cmd === 82 && expected?.request.cmd !== 82) {
      socket.end();
      return;
    }
    const header = hex(encodeHeader(pkgLen, cmd, status));
    if (
      !expected ||
      header !== expected.request.headerHex ||
      hex(frame.body) !== expected.request.bodyHex
    ) {
      this.problems.push(
        expected
          ? `request ${this.next} (${expected.file}) differs:\n` +
              `  sent     ${header} ${hex(frame.body)}\n` +
              `  recorded ${expected.request.headerHex} ${expected.request.bodyHex}`
          : `unexpected request ${header} ${hex(frame.body)} after the script ended`,
      );
      socket.destroy();
      return;
    }
    this.next++;
    if (expected.reply) socket.write(frameBytes(expected.reply));
    else socket.end();
  }

  /** Every request came as recorded, and every exchange of the script took place. */
  check(): void {
    this.checkRequests();
    assert.equal(
      this.next,
      this.script.length,
      `${this.script.length - this.next} recorded exchanges never took place`,
    );
  }

  /** Every request so far came as recorded. */
  checkRequests(): void {
    assert.equal(this.problems.length, 0, this.problems.join('\n'));
  }
}

/** Exchange `index` of `file` as the recorder decoded it. */
export function decoded(file: string, index = 0): Decoded {
  const entry = (loadPacket(file).context.decoded as Decoded[] | undefined)?.[index];
  assert.ok(entry, `${file} has no decoded exchange ${index}`);
  return entry;
}

/** The file id of a recorded request (group + file name), for crafted requests. */
export function requestFileId(file: string, index = 0): string {
  const request = decoded(file, index).request!;
  return `${String(request['group_name'])}/${String(request['filename'])}`;
}

/** "host:port" → { host, port }. */
export function address(serverAddr: string): { host: string; port: number } {
  const colon = serverAddr.lastIndexOf(':');
  return { host: serverAddr.slice(0, colon), port: Number(serverAddr.slice(colon + 1)) };
}

/** The exchanges of `files` one file after the other, or in the `order` given ([file, index]). */
export function scriptOf(files: Record<string, string[]>, order?: [string, number][]): Exchange[] {
  if (order) return order.map(([file, i]) => exchangesOf(file)[i]!);
  return Object.keys(files).flatMap(exchangesOf);
}
