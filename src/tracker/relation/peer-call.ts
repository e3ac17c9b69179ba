// One request to a peer tracker (§5.4), on a short connection or a kept one, bound to bind_addr
// (§16 #8: C ignores bind_addr here; we do not). Each host of the peer is tried in turn.
import { FramedConnection } from '../../common/connection.js';
import type { TrackerAddress } from '../../common/config/values.js';
import { FdfsError } from '../../common/errors.js';

export interface PeerCallOptions {
  connectTimeoutMs: number;
  networkTimeoutMs: number;
  /** bind_addr: the address outgoing connections come from. */
  localAddress?: string;
  /** Aborts every call in flight (the tracker is closing). */
  signal: AbortSignal;
}

/** A peer's answer: status 0 with its body, or the errno it answered. */
export type PeerAnswer = { status: 0; body: Buffer } | { status: number; body?: undefined };

/** undefined: the peer could not be reached (or the connection broke). */
export type PeerCall = (
  peer: TrackerAddress,
  cmd: number,
  body?: Buffer,
  maxReply?: number,
) => Promise<PeerAnswer | undefined>;

export async function connectPeer(
  host: string,
  port: number,
  options: PeerCallOptions,
): Promise<FramedConnection> {
  return FramedConnection.connect({
    host,
    port,
    connectTimeoutMs: options.connectTimeoutMs,
    networkTimeoutMs: options.networkTimeoutMs,
    signal: options.signal,
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
}

/** A request on an open connection; errors other than a status answer throw. */
export async function requestOn(
  conn: FramedConnection,
  cmd: number,
  body: Buffer | undefined,
  maxReply: number,
  signal: AbortSignal,
): Promise<PeerAnswer> {
  try {
    const reply = await conn.request({
      cmd,
      ...(body ? { body } : {}),
      reply: { kind: 'whole', maxLength: maxReply },
      signal,
    });
    return { status: 0, body: reply.body };
  } catch (err) {
    if (err instanceof FdfsError && err.code === 'ERR_SERVER_STATUS' && err.errno !== undefined) {
      return { status: err.errno };
    }
    throw err;
  }
}

export function peerCall(options: PeerCallOptions): PeerCall {
  return async (peer, cmd, body, maxReply = 1024) => {
    for (const host of peer.hosts) {
      let conn: FramedConnection | undefined;
      try {
        conn = await connectPeer(host, peer.port, options);
        const answer = await requestOn(conn, cmd, body, maxReply, options.signal);
        void conn.quit().catch(() => undefined);
        return answer;
      } catch {
        conn?.destroy();
        if (options.signal.aborted) return undefined;
      }
    }
    return undefined;
  };
}
