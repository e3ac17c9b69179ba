// ACTIVE_TEST (111) and QUIT (82), §1.2: a header-only probe, and the end of a connection.
import { FdfsError } from '../../common/errors.js';
import type { ServerReply } from '../../common/server-connection.js';
import { OK, type StorageRequest } from './reply.js';

const QUIT_REPLY: ServerReply = Object.freeze({ close: true as const });

/** 111: status 0 with no body; a request body is EINVAL. */
export function activeTest(req: StorageRequest): ServerReply {
  if (req.body.length !== 0) {
    throw new FdfsError('ERR_BAD_BODY', `ACTIVE_TEST with a ${req.body.length}-byte body`);
  }
  return OK;
}

/** 82: no reply; the connection is closed. */
export function quit(): ServerReply {
  return QUIT_REPLY;
}
