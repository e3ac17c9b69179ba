// SET_METADATA (13, 'O' overwrite and 'M' merge) and GET_METADATA (15), §6.1 and §8.2. The codec
// checks the lengths and the flag and cuts over-long names and values (§3.2); the store keeps
// the `-m` file and its binlog lines.
import type { ServerReply } from '../../common/server-connection.js';
import { decodeGetMetadataRequest } from '../../protocol/messages/file-ops.js';
import { decodeSetMetadataRequest } from '../../protocol/messages/set-metadata.js';
import type { StorageServiceContext } from './context.js';
import { checkGroup, OK, type StorageRequest } from './reply.js';

/** 13: the file must exist (ENOENT). */
export async function setMetadata(
  req: StorageRequest,
  ctx: StorageServiceContext,
): Promise<ServerReply> {
  const { groupName, filename, op, metadata } = decodeSetMetadataRequest(req.body);
  checkGroup(req, ctx, groupName);
  await ctx.store.setMetadata(filename, op, metadata);
  return OK;
}

/** 15: the raw `-m` file; ENOENT when the file or its metadata is missing. */
export async function getMetadata(
  req: StorageRequest,
  ctx: StorageServiceContext,
): Promise<ServerReply> {
  const { groupName, filename } = decodeGetMetadataRequest(req.body);
  checkGroup(req, ctx, groupName);
  return { status: 0, body: await ctx.store.getMetadata(filename) };
}
