// The storage's command table (§6): the client-facing commands of §6.1, the receiving side of
// replication (9, 16–19, 25, 35, 37, 40; sync.ts) and FETCH_ONE_PATH_BINLOG (26, disk recovery).
// Trunk (27–33), a later round, and any unknown code answers EINVAL with the connection kept; a
// streamed one has its content drained (up to 1 MiB) or the connection closed (§16 #20).
import type { ServerHandler, ServerReply } from '../../common/server-connection.js';
import { StorageCommand as S } from '../../protocol/commands.js';
import { Errno } from '../../protocol/errno.js';
import { storageRequestShape, type ShapeLimits } from '../../protocol/shapes.js';
import * as appender from './appender.js';
import type { StorageServiceContext } from './context.js';
import * as files from './files.js';
import * as metadata from './metadata.js';
import * as misc from './misc.js';
import * as recovery from './recovery.js';
import type { Handler, StorageRequest } from './reply.js';
import { StorageSession } from './session.js';
import * as sync from './sync.js';
import * as uploads from './uploads.js';

const TABLE: readonly (readonly [number, Handler])[] = [
  [S.UPLOAD_FILE, uploads.uploadFile],
  [S.UPLOAD_APPENDER_FILE, uploads.uploadFile],
  [S.UPLOAD_SLAVE_FILE, uploads.uploadSlaveFile],
  [S.APPEND_FILE, appender.appendFile],
  [S.MODIFY_FILE, appender.modifyFile],
  [S.TRUNCATE_FILE, appender.truncateFile],
  [S.REGENERATE_APPENDER_FILENAME, appender.regenerateAppenderName],
  [S.DELETE_FILE, files.deleteFile],
  [S.DOWNLOAD_FILE, files.downloadFile],
  [S.QUERY_FILE_INFO, files.queryFileInfo],
  [S.CREATE_LINK, files.createLink],
  [S.SET_METADATA, metadata.setMetadata],
  [S.GET_METADATA, metadata.getMetadata],
  [S.ACTIVE_TEST, misc.activeTest],
  [S.QUIT, misc.quit],
  [S.FETCH_ONE_PATH_BINLOG, recovery.fetchOnePathBinlog],
  [S.REPORT_SERVER_ID, sync.reportServerId],
  [S.SYNC_CREATE_FILE, sync.syncCreate],
  [S.SYNC_UPDATE_FILE, sync.syncCreate],
  [S.SYNC_DELETE_FILE, sync.syncDelete],
  [S.SYNC_APPEND_FILE, sync.syncRange],
  [S.SYNC_MODIFY_FILE, sync.syncRange],
  [S.SYNC_TRUNCATE_FILE, sync.syncTruncate],
  [S.SYNC_CREATE_LINK, sync.syncCreateLink],
  [S.SYNC_RENAME_FILE, sync.syncRename],
];

export const ROUTES: ReadonlyMap<number, Handler> = new Map(TABLE);

const EINVAL: ServerReply = Object.freeze({ status: Errno.EINVAL });

export function dispatch(
  req: StorageRequest,
  ctx: StorageServiceContext,
): ServerReply | Promise<ServerReply> {
  const handler = ROUTES.get(req.header.cmd);
  if (!handler) return EINVAL;
  const reply = handler(req, ctx);
  return reply instanceof Promise ? ctx.runtime.track(reply) : reply;
}

/** The ServerHandler a FramedServer runs for each storage connection. */
export function storageHandler(
  ctx: StorageServiceContext,
  limits: ShapeLimits,
): ServerHandler<StorageSession> {
  return {
    role: 'storage',
    requestShape: (cmd) => storageRequestShape(cmd, limits),
    createSession(peer, local) {
      ctx.runtime.connectionOpened();
      return new StorageSession(peer, local);
    },
    handle: (req) => dispatch(req, ctx),
    onClose(session) {
      ctx.runtime.connectionClosed();
      session.closed();
    },
  };
}
