// Opening a TCP connection with a connect timeout and an AbortSignal (§10.3 connect_timeout).
import net from 'node:net';
import { Errno, errnoFromNodeCode } from '../protocol/errno.js';
import { FdfsError } from './errors.js';

export interface SocketConnectOptions {
  host: string;
  port: number;
  connectTimeoutMs: number;
  localAddress?: string;
  signal?: AbortSignal;
  /** Replaces net.connect (tests: a socket that never connects). */
  createConnection?: (options: net.TcpNetConnectOpts) => net.Socket;
}

/** "host:port", with an IPv6 host in brackets. */
export function formatServer(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Resolves with the connected socket. A timeout gives ERR_CONNECT_TIMEOUT, an abort
 * ERR_ABORTED, any other failure ERR_CONNECT with the system error as `cause` (its Linux errno
 * when we know the code, ECONNREFUSED otherwise).
 */
export function connectSocket(options: SocketConnectOptions): Promise<net.Socket> {
  const { host, port, connectTimeoutMs, signal } = options;
  const server = formatServer(host, port);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(server, signal));
      return;
    }
    const connectOptions: net.TcpNetConnectOpts = { host, port, noDelay: true };
    if (options.localAddress !== undefined) connectOptions.localAddress = options.localAddress;
    const socket = (options.createConnection ?? net.connect)(connectOptions);
    const fail = (err: FdfsError): void => {
      cleanup();
      socket.on('error', ignore);
      socket.destroy();
      reject(err);
    };
    const onConnect = (): void => {
      cleanup();
      resolve(socket);
    };
    const onError = (err: NodeJS.ErrnoException): void => {
      const errno = err.code && err.code in Errno ? errnoFromNodeCode(err.code) : undefined;
      fail(
        new FdfsError('ERR_CONNECT', `connect to ${server} failed: ${err.message}`, {
          cause: err,
          server,
          ...(errno === undefined ? {} : { errno }),
        }),
      );
    };
    const onAbort = (): void => fail(abortError(server, signal));
    const timer = setTimeout(() => {
      fail(
        new FdfsError(
          'ERR_CONNECT_TIMEOUT',
          `connect to ${server} timed out after ${connectTimeoutMs} ms`,
          {
            server,
          },
        ),
      );
    }, connectTimeoutMs);
    function cleanup(): void {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    }
    socket.once('connect', onConnect);
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortError(
  server: string,
  signal: AbortSignal | undefined,
  command?: number,
): FdfsError {
  return new FdfsError('ERR_ABORTED', `operation on ${server} aborted`, {
    cause: signal?.reason,
    server,
    ...(command === undefined ? {} : { command }),
  });
}

function ignore(): void {}
