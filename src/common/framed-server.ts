// A TCP server of framed connections: allow_hosts, max_connections, clean close (§10.1, §10.2).
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ServerConnection, type PeerAddress, type ServerHandler } from './server-connection.js';
import type { Logger } from './logger.js';

export interface FramedServerOptions<S> {
  handler: ServerHandler<S>;
  networkTimeoutMs: number;
  maxConnections: number;
  logger: Logger;
  /** allow_hosts; absent = everyone. */
  allowHost?: (ip: string) => boolean;
}

/** "::ffff:127.0.0.1" → "127.0.0.1": FastDFS compares plain IPv4 text. */
export function normalizeIp(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export class FramedServer<S> {
  private readonly server: Server;
  private readonly connections = new Set<ServerConnection<S>>();

  constructor(private readonly options: FramedServerOptions<S>) {
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  private accept(socket: Socket): void {
    const peer = { address: normalizeIp(socket.remoteAddress), port: socket.remotePort ?? 0 };
    const { logger, allowHost, maxConnections } = this.options;
    if (allowHost && !allowHost(peer.address)) {
      logger.warn({ peer: peer.address }, 'refused by allow_hosts');
      socket.destroy();
      return;
    }
    if (this.connections.size >= maxConnections) {
      logger.warn({ peer: peer.address, maxConnections }, 'max_connections reached, refusing');
      socket.destroy();
      return;
    }
    const local = { address: normalizeIp(socket.localAddress), port: socket.localPort ?? 0 };
    this.serve(socket, peer, local);
  }

  /** Serve any Duplex, e.g. one end of `stream.duplexPair()` in tests. */
  serve(
    duplex: Duplex,
    peer: PeerAddress,
    local: PeerAddress = { address: '127.0.0.1', port: 0 },
  ): ServerConnection<S> {
    const conn = new ServerConnection(
      duplex,
      peer,
      this.options.handler,
      { networkTimeoutMs: this.options.networkTimeoutMs, logger: this.options.logger },
      local,
    );
    this.connections.add(conn);
    duplex.once('close', () => this.connections.delete(conn));
    return conn;
  }

  listen(port: number, host?: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen({ port, ...(host ? { host } : {}) }, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  address(): AddressInfo | undefined {
    const a = this.server.address();
    return a && typeof a === 'object' ? a : undefined;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Stop accepting and close every connection. */
  close(): Promise<void> {
    for (const conn of this.connections) conn.close();
    this.connections.clear();
    return new Promise((resolve) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
    });
  }
}
