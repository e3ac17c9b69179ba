// The appender commands (§6.1): APPEND_FILE (24), MODIFY_FILE (34), TRUNCATE_FILE (36) and
// REGENERATE_APPENDER_FILENAME (38). None of them carries a group name; the store refuses any
// file that is not an appender file (EINVAL).
import type { ServerReply } from '../../common/server-connection.js';
import {
  decodeAppendPrefix,
  decodeModifyPrefix,
  decodeRegenerateRequest,
  decodeTruncateRequest,
} from '../../protocol/messages/file-ops.js';
import type { StorageServiceContext } from './context.js';
import { contentOf, fileIdReply, OK, type StorageRequest } from './reply.js';

/** 24: the content goes at the end of the file. */
export async function appendFile(
  req: StorageRequest,
  ctx: StorageServiceContext,
): Promise<ServerReply> {
  const prefix = decodeAppendPrefix(req.body, req.header.pkgLen);
  await ctx.store.append({
    logicName: prefix.filename,
    size: prefix.fileSize,
    content: contentOf(req),
  });
  return OK;
}

/** 34: the content overwrites from `offset` (≤ the current size) and may extend the file. */
export async function modifyFile(
  req: StorageRequest,
  ctx: StorageServiceContext,
): Promise<ServerReply> {
  const prefix = decodeModifyPrefix(req.body, req.header.pkgLen);
  await ctx.store.modify({
    logicName: prefix.filename,
    offset: prefix.offset,
    size: prefix.fileSize,
    content: contentOf(req),
  });
  return OK;
}

/** 36: cut (or extend) the file to the given size. */
export async function truncateFile(
  req: StorageRequest,
  ctx: StorageServiceContext,
): Promise<ServerReply> {
  const { filename, truncatedSize } = decodeTruncateRequest(req.body);
  await ctx.store.truncate({ logicName: filename, newSize: truncatedSize });
  return OK;
}

/** 38: the appender file becomes a normal file under a new name. */
export async function regenerateAppenderName(
  req: StorageRequest,
  ctx: StorageServiceContext,
): Promise<ServerReply> {
  const { filename } = decodeRegenerateRequest(req.body);
  return fileIdReply(req, ctx, await ctx.store.regenerateAppenderName(filename));
}
