// The one error class of the project, with its registry of stable codes.
// It lives in protocol/ because the codec raises it and protocol/ imports nothing of ours;
// common/errors.ts re-exports it for everything else. Every code is documented in docs/ERRORS.md.
import { Errno, errnoMessage, errnoName } from './errno.js';

/** Every error code, with the errno it maps to on the wire. */
export const ErrorCodes = {
  /** A frame broke the protocol: bad header, bad lengths, truncated body. The connection is closed. */
  ERR_PROTOCOL: Errno.EINVAL,
  /** A pkg_len larger than the command allows, refused before the body is read. */
  ERR_FRAME_TOO_LARGE: Errno.EINVAL,
  /** A request or reply body whose length or fields do not fit its command. */
  ERR_BAD_BODY: Errno.EINVAL,
  /** A file ID that cannot be parsed or is unsafe. */
  ERR_BAD_FILE_ID: Errno.EINVAL,
  /** Metadata that breaks the §3.2 encoding or limits. */
  ERR_BAD_METADATA: Errno.EINVAL,
  /** A bad value in a caller's arguments (group name, extension, prefix, offset...). */
  ERR_INVALID_ARGUMENT: Errno.EINVAL,
  /** A configuration file that cannot be read or holds a bad value. */
  ERR_CONFIG: Errno.EINVAL,
  /** A server answered with a non-zero status; `errno` is that status. */
  ERR_SERVER_STATUS: Errno.EIO,
  /** Connecting took longer than connect_timeout. */
  ERR_CONNECT_TIMEOUT: Errno.ETIMEDOUT,
  /** A send or receive stalled for longer than network_timeout. */
  ERR_NETWORK_TIMEOUT: Errno.ETIMEDOUT,
  /** The peer could not be reached. */
  ERR_CONNECT: Errno.ECONNREFUSED,
  /** The peer closed the connection, or it was closed under a pending request. */
  ERR_CONNECTION_CLOSED: Errno.ENOTCONN,
  /** The caller's AbortSignal fired. */
  ERR_ABORTED: Errno.ECANCELED,
  /** No configured tracker answered. */
  ERR_NO_TRACKER: Errno.ECONNREFUSED,
  /** The pool or client was closed. */
  ERR_CLOSED: Errno.ENOTCONN,
  /** A local file-system failure; `errno` is the Linux errno of the cause. */
  ERR_IO: Errno.EIO,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export interface FdfsErrorOptions {
  cause?: unknown;
  /** Overrides the code's default errno (ERR_SERVER_STATUS, ERR_IO). */
  errno?: number;
  /** The command the error belongs to, when there is one. */
  command?: number;
  /** "host:port" of the server involved, when there is one. */
  server?: string;
}

export class FdfsError extends Error {
  readonly code: ErrorCode;
  /** The Linux errno this error maps to on the wire (§2). */
  readonly errno: number;
  readonly command: number | undefined;
  readonly server: string | undefined;

  constructor(code: ErrorCode, message: string, options: FdfsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FdfsError';
    this.code = code;
    this.errno = options.errno ?? ErrorCodes[code];
    this.command = options.command;
    this.server = options.server;
  }

  /** "ENOENT" etc. */
  get errnoName(): string {
    return errnoName(this.errno);
  }
}

/** A non-zero status in a reply, made into an error naming the errno, command and server. */
export function serverStatusError(
  status: number,
  command: number,
  commandLabel: string,
  server?: string,
): FdfsError {
  const where = server ? ` from ${server}` : '';
  return new FdfsError(
    'ERR_SERVER_STATUS',
    `${commandLabel} failed${where}: ${errnoName(status)} (${status}) ${errnoMessage(status)}`,
    { errno: status, command, ...(server ? { server } : {}) },
  );
}

export function isFdfsError(err: unknown): err is FdfsError {
  return err instanceof FdfsError;
}
