// What every client command shares: reply specs, file ids from replies, and errors that name the
// server a bad reply came from.
import type { FramedConnection, WholeReplySpec } from '../common/connection.js';
import { FdfsError } from '../common/errors.js';
import { DEFAULT_SHAPE_LIMITS } from '../protocol/shapes.js';

/** A reply with no body (§1.1): anything else is refused by the connection. */
export const EMPTY_REPLY: WholeReplySpec = { kind: 'whole', maxLength: 0 };

/** A reply body read whole, within the client's reply limit: file ids, file info, metadata. */
export const BOUNDED_REPLY: WholeReplySpec = {
  kind: 'whole',
  maxLength: DEFAULT_SHAPE_LIMITS.maxReplySize,
};

/**
 * Decode a reply body. A decoder's error (ERR_BAD_BODY naming the command and the length) gains
 * the server that sent the body; the caller's pool then drops the connection.
 */
export function decodeReply<T>(conn: FramedConnection, cmd: number, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (!(err instanceof FdfsError) || err.server !== undefined) throw err;
    throw new FdfsError(err.code, `${err.message} (from ${conn.server})`, {
      cause: err,
      server: conn.server,
      command: err.command ?? cmd,
      errno: err.errno,
    });
  }
}

/** The file id a storage reply names: group + "/" + file name (§6.1 cmd 11). */
export function joinFileId(reply: { groupName: string; filename: string }): string {
  return `${reply.groupName}/${reply.filename}`;
}
