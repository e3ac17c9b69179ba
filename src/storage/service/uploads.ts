// UPLOAD_FILE (11), UPLOAD_APPENDER_FILE (23) and UPLOAD_SLAVE_FILE (21), §6.1. The prefix is
// checked first (lengths, extension, prefix characters); a refusal throws before the content is
// read, and the connection drains it or closes (server-connection.ts).
import type { ServerReply } from '../../common/server-connection.js';
import { StorageCommand } from '../../protocol/commands.js';
import { decodeUploadPrefix, decodeUploadSlavePrefix } from '../../protocol/messages/upload.js';
import type { StorageServiceContext } from './context.js';
import { contentOf, fileIdReply, type StorageRequest } from './reply.js';

/** 11 and 23: store path index (−1: ours to choose), size, extension, content. */
export async function uploadFile(
  req: StorageRequest,
  ctx: StorageServiceContext,
): Promise<ServerReply> {
  const cmd = req.header.cmd;
  const prefix = decodeUploadPrefix(req.body, req.header.pkgLen, cmd);
  const result = await ctx.store.upload({
    storePathIndex: prefix.storePathIndex,
    size: prefix.fileSize,
    ext: prefix.ext,
    content: contentOf(req),
    appender: cmd === StorageCommand.UPLOAD_APPENDER_FILE,
  });
  return fileIdReply(req, ctx, result.logicName);
}

/** 21: the slave of a master stored here, named by prefix and extension (§7.7). */
export async function uploadSlaveFile(
  req: StorageRequest,
  ctx: StorageServiceContext,
): Promise<ServerReply> {
  const prefix = decodeUploadSlavePrefix(req.body, req.header.pkgLen);
  const result = await ctx.store.uploadSlave({
    masterLogicName: prefix.masterFilename,
    prefix: prefix.prefixName,
    ext: prefix.ext,
    size: prefix.fileSize,
    content: contentOf(req),
  });
  return fileIdReply(req, ctx, result.logicName);
}
