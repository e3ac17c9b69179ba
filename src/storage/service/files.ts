// Commands on stored files (§6.1): DELETE_FILE (12), DOWNLOAD_FILE (14), QUERY_FILE_INFO (22)
// and CREATE_LINK (20). Each checks the group name, then hands the logic name to the store,
// which refuses path tricks (`..`, absolute paths, bad hex, a store path that does not exist).
import type { ServerReply } from '../../common/server-connection.js';
import { decodeCreateLinkRequest } from '../../protocol/messages/create-link.js';
import { encodeFileInfoReply } from '../../protocol/messages/file-info.js';
import {
  decodeDeleteFileRequest,
  decodeDownloadRequest,
  decodeQueryFileInfoRequest,
} from '../../protocol/messages/file-ops.js';
import type { StorageServiceContext } from './context.js';
import { checkGroup, fileIdReply, OK, type StorageRequest } from './reply.js';

/** QUERY_FILE_INFO flags in the request header's status byte (§1.1, since 6.15.1). */
export const QueryFileInfoFlag = {
  /** bit 0: do not compute the CRC32 of appender and slave files (the field is then 0). */
  NO_CRC: 1,
  /** bit 1: do not log "file not found" (a peer checking before it syncs). */
  SILENT: 2,
} as const;

/** 12: the file, its `-m` metadata and, for a symlink slave, its target. */
export async function deleteFile(
  req: StorageRequest,
  ctx: StorageServiceContext,
): Promise<ServerReply> {
  const { groupName, filename } = decodeDeleteFileRequest(req.body);
  checkGroup(req, ctx, groupName);
  await ctx.store.delete(filename);
  return OK;
}

/**
 * 14: a small range goes out from memory in one write; a larger one streams file → socket with
 * backpressure (no copy into buffers). Ranges: an empty
 * file at offset 0 is status 0 with no bytes (§16 #3); an offset at or past the end of a
 * non-empty file is EINVAL; a length past the end is cut; a length of 0 means to the end.
 */
export async function downloadFile(
  req: StorageRequest,
  ctx: StorageServiceContext,
): Promise<ServerReply> {
  const { groupName, filename, offset, length } = decodeDownloadRequest(req.body);
  checkGroup(req, ctx, groupName);
  const download = await ctx.store.openOrReadDownload(filename, offset, length);
  if ('content' in download) return { status: 0, body: download.content };
  req.session.sending(download.stream);
  return { status: 0, stream: download.stream, length: download.length };
}

/**
 * 22: the §6.1 order of checks is the store's (the file is looked up before the 37-character
 * check, so a short name of a missing file is ENOENT, §16 #4); the CRC goes out sign-extended.
 */
export async function queryFileInfo(
  req: StorageRequest,
  ctx: StorageServiceContext,
): Promise<ServerReply> {
  const { groupName, filename } = decodeQueryFileInfoRequest(req.body);
  checkGroup(req, ctx, groupName);
  const flags = req.header.status;
  try {
    const info = await ctx.store.queryFileInfo(filename, {
      noCrc: (flags & QueryFileInfoFlag.NO_CRC) !== 0,
      requesterIp: req.peer.address,
    });
    return { status: 0, body: encodeFileInfoReply(info, ctx.runtime.ipSize) };
  } catch (err) {
    if ((flags & QueryFileInfoFlag.SILENT) === 0) {
      ctx.logger.debug({ file: filename, err: (err as Error).message }, 'QUERY_FILE_INFO failed');
    }
    throw err;
  }
}

/** 20: a symlink to a file of ours, named as a slave of `master` or with a generated name. */
export async function createLink(
  req: StorageRequest,
  ctx: StorageServiceContext,
): Promise<ServerReply> {
  const link = decodeCreateLinkRequest(req.body);
  checkGroup(req, ctx, link.groupName);
  const logicName = await ctx.store.createLink({
    sourceLogicName: link.srcFilename,
    ext: link.ext,
    ...(link.masterFilename === ''
      ? {}
      : { masterLogicName: link.masterFilename, prefix: link.prefixName }),
  });
  return fileIdReply(req, ctx, logicName);
}
