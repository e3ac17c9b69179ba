// Fake trackers and storages on 127.0.0.1, port 0, for the client tests: each records the request
// frames it gets and answers through a handler. (Named *.test.helper.ts: compiled, not run.)
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { TestContext } from 'node:test';
import { encodeResponse } from '../protocol/header.js';
import { TrackerCommand } from '../protocol/commands.js';
import { encodeStoreOneReply, encodeFetchOneReply } from '../protocol/messages/index.js';
import { serveFrames, tcpPeer, type Frame, type TcpPeer } from '../common/fake-peer.test.helper.js';
import type { StorageAddress } from './types.js';

export type { Frame } from '../common/fake-peer.test.helper.js';

export interface FakeServer {
  address: StorageAddress;
  /** Every request frame received, QUITs included, in order. */
  frames: Frame[];
  peer: TcpPeer;
  /** The commands received, in order. */
  cmds(): number[];
}

/** Called for each request except QUIT (which closes the socket, as servers do). */
export type Handler = (frame: Frame, socket: Duplex) => void;

export async function fakeServer(t: TestContext, handler: Handler): Promise<FakeServer> {
  const frames: Frame[] = [];
  const peer = await tcpPeer(t, (socket) => {
    serveFrames(socket, (frame, p) => {
      frames.push(frame);
      if (frame.header.cmd === TrackerCommand.QUIT) p.end();
      else handler(frame, p);
    });
  });
  return {
    address: { host: '127.0.0.1', port: peer.port },
    frames,
    peer,
    cmds: () => frames.map((f) => f.header.cmd),
  };
}

export function answer(socket: Duplex, status: number, body?: Uint8Array): void {
  socket.write(encodeResponse(status, body));
}

/** A tracker that sends every client to `storage` (store path 0) and answers ACTIVE_TEST. */
export function trackerFor(storage: StorageAddress, group = 'group1'): Handler {
  return (frame, socket) => {
    const cmd = frame.header.cmd;
    const where = { groupName: group, ip: storage.host, port: storage.port };
    if (cmd === 101 || cmd === 104) {
      answer(socket, 0, encodeStoreOneReply({ ...where, storePathIndex: 0 }, 16));
    } else if (cmd === 102 || cmd === 103) answer(socket, 0, encodeFetchOneReply(where, 16));
    else if (cmd === TrackerCommand.ACTIVE_TEST) answer(socket, 0);
    else answer(socket, 22);
  };
}

/** A port on 127.0.0.1 where nothing listens (connects are refused). */
export async function refusingPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
