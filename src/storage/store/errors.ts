// FdfsErrors of the store, each carrying the errno that §6.1 answers with.
import { Errno, errnoFromNodeCode } from '../../protocol/errno.js';
import { FdfsError, isFdfsError } from '../../common/errors.js';

/** Node's file-system errors carry their errno name in `code`. */
export function nodeErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A file-system failure as an FdfsError with the Linux errno of its cause (ENOSPC stays ENOSPC). */
export function ioError(err: unknown, what: string): FdfsError {
  if (isFdfsError(err)) return err;
  const code = nodeErrorCode(err);
  const errno = errnoFromNodeCode(code);
  const detail = err instanceof Error ? err.message : String(err);
  return new FdfsError('ERR_IO', `${what}: ${detail}`, { errno, cause: err });
}

/** An ERR_IO with a chosen errno (ENOENT, EEXIST, EBUSY, EISDIR, ENOSPC). */
export function storeError(errno: number, message: string): FdfsError {
  return new FdfsError('ERR_IO', message, { errno });
}

export const notFound = (message: string): FdfsError => storeError(Errno.ENOENT, message);
export const alreadyExists = (message: string): FdfsError => storeError(Errno.EEXIST, message);
export const isDirectory = (message: string): FdfsError => storeError(Errno.EISDIR, message);
export const noSpace = (message: string): FdfsError => storeError(Errno.ENOSPC, message);
export const busy = (message: string): FdfsError => storeError(Errno.EBUSY, message);

/** EINVAL for a rule of §6.1 (offsets, appender-only commands, ...). */
export function invalid(message: string): FdfsError {
  return new FdfsError('ERR_INVALID_ARGUMENT', message);
}

export function isNodeCode(err: unknown, code: string): boolean {
  return nodeErrorCode(err) === code;
}
