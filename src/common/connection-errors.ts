// The errors a FramedConnection raises (§1.2, §13), each naming the server and, when known, the
// command, so that a message says what went wrong where. Pure: no connection state.
import { errnoFromNodeCode } from '../protocol/errno.js';
import type { ReplySpec } from './connection-types.js';
import { FdfsError } from './errors.js';

/** ERR_CONNECTION_CLOSED: the connection is gone (or was never usable for this request). */
export function closedError(
  server: string,
  message: string,
  cause?: unknown,
  command?: number,
): FdfsError {
  return new FdfsError('ERR_CONNECTION_CLOSED', message, {
    server,
    ...(cause === undefined ? {} : { cause }),
    ...(command === undefined ? {} : { command }),
  });
}

/** Decoder errors gain the server and the command. */
export function protocolError(server: string, err: unknown, command?: number): FdfsError {
  if (err instanceof FdfsError && err.server !== undefined) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new FdfsError(
    err instanceof FdfsError ? err.code : 'ERR_PROTOCOL',
    `${message} (from ${server})`,
    { cause: err, server, ...(command === undefined ? {} : { command }) },
  );
}

/** The peer answered before the whole request was written: the stream position is lost. */
export function earlyReplyError(server: string, label: string, command: number): FdfsError {
  return new FdfsError(
    'ERR_PROTOCOL',
    `${server} answered ${label} before the request was sent whole`,
    { server, command },
  );
}

/** network_timeout passed without a byte moving either way. */
export function timeoutError(
  server: string,
  timeoutMs: number,
  call: { label: string; command: number } | undefined,
): FdfsError {
  return new FdfsError(
    'ERR_NETWORK_TIMEOUT',
    `${call?.label ?? 'request'} to ${server}: no progress for ${timeoutMs} ms`,
    { server, ...(call ? { command: call.command } : {}) },
  );
}

/** The Writable a streamed reply goes to failed, or closed before the reply ended. */
export function sinkError(
  server: string,
  label: string,
  command: number,
  err: Error | undefined,
): FdfsError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return new FdfsError(
    'ERR_IO',
    err
      ? `the sink of ${label} failed: ${err.message}`
      : `the sink of ${label} closed before the reply ended`,
    { server, command, ...(err ? { cause: err, errno: errnoFromNodeCode(code) } : {}) },
  );
}

/** A reply spec the connection cannot honour is refused before anything is sent. */
export function checkReplySpec(reply: ReplySpec): void {
  const ok =
    reply.kind === 'whole'
      ? Number.isSafeInteger(reply.maxLength) && reply.maxLength >= 0
      : typeof reply.sink?.write === 'function';
  if (!ok) throw new FdfsError('ERR_INVALID_ARGUMENT', `bad reply spec (${reply.kind})`);
}
