// The receiving side of push replication (§6.2): thin handlers that decode, check the group and
// hand the record to the store's replica operations (store/operations/replica.ts). The peer named
// by REPORT_SERVER_ID (9) is remembered on the connection, and the highest source timestamp
// applied from it feeds the sync report (89, §8.5).
import type { ServerReply } from '../../common/server-connection.js';
import { isFdfsError } from '../../common/errors.js';
import { StorageCommand as S } from '../../protocol/commands.js';
import { Errno } from '../../protocol/errno.js';
import {
  decodeReportServerId,
  decodeSyncCreatePrefix,
  decodeSyncDeleteRequest,
  decodeSyncPairRequest,
  decodeSyncRangePrefix,
  decodeSyncTruncateRequest,
  SYNC_CREATE_NO_CONTENT_STATUS,
} from '../../protocol/messages/sync.js';
import type { StorageServiceContext } from './context.js';
import { checkGroup, contentOf, OK, type StorageRequest } from './reply.js';

/** 9: who the following records come from. */
export function reportServerId(req: StorageRequest, ctx: StorageServiceContext): ServerReply {
  req.session.syncSource = decodeReportServerId(req.body);
  ctx.logger.debug({ source: req.session.syncSource }, 'sync connection opened');
  return OK;
}

/**
 * Run one replica operation. EEXIST and ENOENT are idempotent outcomes (the record was already
 * applied, or overtaken by a later one): they count as synced for the watermark too.
 */
async function applied(
  req: StorageRequest,
  ctx: StorageServiceContext,
  timestamp: number,
  work: Promise<void>,
): Promise<ServerReply> {
  try {
    await work;
  } catch (err) {
    const errno = isFdfsError(err) ? err.errno : undefined;
    if (errno === Errno.EEXIST || errno === Errno.ENOENT) {
      ctx.runtime.noteSynced(req.session.syncSource, timestamp);
    }
    throw err;
  }
  ctx.runtime.noteSynced(req.session.syncSource, timestamp);
  return OK;
}

/** 16 / 18; a create with header status 17 has no content (§16 #18). */
export function syncCreate(req: StorageRequest, ctx: StorageServiceContext): Promise<ServerReply> {
  const cmd = req.header.cmd;
  const withContent = req.header.status !== SYNC_CREATE_NO_CONTENT_STATUS;
  const p = decodeSyncCreatePrefix(cmd, req.body, req.header.pkgLen, withContent);
  checkGroup(req, ctx, p.groupName);
  const work = ctx.store.replicaCreate({
    filename: p.filename,
    timestamp: p.timestamp,
    size: p.fileSize,
    update: cmd === S.SYNC_UPDATE_FILE,
    ...(withContent ? { content: contentOf(req) } : {}),
  });
  return applied(req, ctx, p.timestamp, work);
}

export function syncDelete(req: StorageRequest, ctx: StorageServiceContext): Promise<ServerReply> {
  const p = decodeSyncDeleteRequest(req.body);
  checkGroup(req, ctx, p.groupName);
  return applied(req, ctx, p.timestamp, ctx.store.replicaDelete(p.filename, p.timestamp));
}

/** 25 / 35. */
export function syncRange(req: StorageRequest, ctx: StorageServiceContext): Promise<ServerReply> {
  const cmd = req.header.cmd;
  const p = decodeSyncRangePrefix(cmd, req.body, req.header.pkgLen);
  checkGroup(req, ctx, p.groupName);
  const work = ctx.store.replicaRange({
    filename: p.filename,
    timestamp: p.timestamp,
    offset: p.offset,
    length: p.length,
    content: contentOf(req),
    kind: cmd === S.SYNC_APPEND_FILE ? 'append' : 'modify',
  });
  return applied(req, ctx, p.timestamp, work);
}

export function syncTruncate(
  req: StorageRequest,
  ctx: StorageServiceContext,
): Promise<ServerReply> {
  const p = decodeSyncTruncateRequest(req.body);
  checkGroup(req, ctx, p.groupName);
  return applied(req, ctx, p.timestamp, ctx.store.replicaTruncate(p));
}

export function syncCreateLink(
  req: StorageRequest,
  ctx: StorageServiceContext,
): Promise<ServerReply> {
  const p = decodeSyncPairRequest(S.SYNC_CREATE_LINK, req.body);
  checkGroup(req, ctx, p.groupName);
  const work = ctx.store.replicaLink(p.filename, p.srcFilename, p.timestamp);
  return applied(req, ctx, p.timestamp, work);
}

/** 40: answered with an empty body, not the 6.16.1 echo (§16 #1). */
export function syncRename(req: StorageRequest, ctx: StorageServiceContext): Promise<ServerReply> {
  const p = decodeSyncPairRequest(S.SYNC_RENAME_FILE, req.body);
  checkGroup(req, ctx, p.groupName);
  const work = ctx.store.replicaRename(p.filename, p.srcFilename, p.timestamp);
  return applied(req, ctx, p.timestamp, work);
}
