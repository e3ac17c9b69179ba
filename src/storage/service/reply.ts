// The shape of a storage command handler and the few helpers every handler uses. A thrown
// FdfsError becomes its errno in the reply status (§2); the connection stays open once the
// request was read whole (§16 #20).
import type { Readable } from 'node:stream';
import { FdfsError } from '../../common/errors.js';
import type { ServerReply, ServerRequest } from '../../common/server-connection.js';
import { commandName } from '../../protocol/commands.js';
import { encodeFileIdReply } from '../../protocol/messages/upload.js';
import type { StorageServiceContext } from './context.js';
import type { StorageSession } from './session.js';

export type StorageRequest = ServerRequest<StorageSession>;

/** Decode → store → encode. */
export type Handler = (
  req: StorageRequest,
  ctx: StorageServiceContext,
) => ServerReply | Promise<ServerReply>;

export const OK: ServerReply = Object.freeze({ status: 0 });

/** §6: a request naming another group than ours is EINVAL. */
export function checkGroup(req: StorageRequest, ctx: StorageServiceContext, group: string): void {
  const ours = ctx.runtime.groupName;
  if (group !== ours || ours === '') {
    throw new FdfsError(
      'ERR_INVALID_ARGUMENT',
      `${commandName(req.header.cmd, 'storage')}: group "${group}" is not this storage's ("${ours}")`,
      { command: req.header.cmd },
    );
  }
}

/** The streamed content of an upload-like request (the frame shapes guarantee it is there). */
export function contentOf(req: StorageRequest): Readable {
  if (!req.content) {
    throw new FdfsError('ERR_PROTOCOL', `${commandName(req.header.cmd, 'storage')}: no content`);
  }
  return req.content;
}

/** group str[16] + file name: the reply of 11, 21, 23, 38 and 20 (§6.1). */
export function fileIdReply(
  req: StorageRequest,
  ctx: StorageServiceContext,
  logicName: string,
): ServerReply {
  return {
    status: 0,
    body: encodeFileIdReply(
      { groupName: ctx.runtime.groupName, filename: logicName },
      req.header.cmd,
    ),
  };
}
