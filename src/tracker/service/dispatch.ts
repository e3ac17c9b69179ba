// The tracker's command table (§5.0): command → handler and the join check C makes before it.
// "join": EACCES on a connection where no storage has joined; "join-einval": EINVAL instead (84);
// 88 and 79 have no check. Unknown codes answer EINVAL; the connection stays usable.
// Any handler that leaves state changes pending has them saved before its reply (§16 #11).
import type { ServerHandler, ServerReply } from '../../common/server-connection.js';
import { TrackerCommand as C } from '../../protocol/commands.js';
import { Errno } from '../../protocol/errno.js';
import { trackerRequestShape } from '../../protocol/shapes.js';
import * as admin from './admin.js';
import { changelogReq } from './changelog.js';
import * as queries from './client-queries.js';
import type { TrackerContext } from './context.js';
import * as identity from './identity.js';
import type { Handler, TrackerRequest } from './reply.js';
import { TrackerSession } from './session.js';
import * as reports from './storage-reports.js';
import * as sync from './sync-source.js';
import * as status from './tracker-status.js';
import { RELATION_ROUTES } from './tracker-relation.js';
import * as sysFiles from './sys-files.js';
import * as trunk from './trunk.js';

type JoinCheck = 'none' | 'join' | 'join-einval';

interface Route {
  handler: Handler;
  check: JoinCheck;
}

const QUIT_REPLY: ServerReply = Object.freeze({ close: true as const });
const quit: Handler = () => QUIT_REPLY;

const TABLE: readonly (readonly [number, Handler, JoinCheck?])[] = [
  // clients (§5.1)
  [C.SERVICE_QUERY_STORE_WITHOUT_GROUP_ONE, queries.queryStore],
  [C.SERVICE_QUERY_STORE_WITH_GROUP_ONE, queries.queryStore],
  [C.SERVICE_QUERY_STORE_WITHOUT_GROUP_ALL, queries.queryStore],
  [C.SERVICE_QUERY_STORE_WITH_GROUP_ALL, queries.queryStore],
  [C.SERVICE_QUERY_FETCH_ONE, queries.queryFetchOrUpdate],
  [C.SERVICE_QUERY_UPDATE, queries.queryFetchOrUpdate],
  [C.SERVICE_QUERY_FETCH_ALL, queries.queryFetchAll],
  // administration and monitoring (§5.2)
  [C.SERVER_LIST_ONE_GROUP, admin.listOneGroup],
  [C.SERVER_LIST_ALL_GROUPS, admin.listAllGroups],
  [C.SERVER_LIST_STORAGE, admin.listStorage],
  [C.SERVER_DELETE_STORAGE, admin.deleteStorage],
  [C.SERVER_DELETE_GROUP, admin.deleteGroup],
  [C.SERVER_SET_TRUNK_SERVER, trunk.setTrunkServer],
  [C.SERVER_GET_LEADER, status.getLeader],
  [C.SERVER_TRACKER_CLUSTER_STAT, status.trackerClusterStat],
  [C.SERVER_STORAGE_CLUSTER_STAT, admin.storageClusterStat],
  [C.SERVER_STORAGE_VOLUMN_STAT, admin.volumnStat],
  [C.TRACKER_GET_STATUS, status.getStatus],
  [C.STORAGE_PARAMETER_REQ, identity.parameters],
  [C.STORAGE_FETCH_STORAGE_IDS, identity.fetchStorageIds],
  [C.STORAGE_GET_SERVER_ID, identity.getServerId],
  [C.STORAGE_GET_STATUS, identity.storageStatus],
  [C.STORAGE_GET_GROUP_NAME, identity.getGroupName],
  [C.STORAGE_GET_MY_IP, identity.getMyIp],
  [C.ACTIVE_TEST, status.activeTest],
  [C.QUIT, quit],
  // storages (§5.3)
  [C.STORAGE_JOIN, reports.join],
  [C.STORAGE_BEAT, reports.beat, 'join'],
  [C.STORAGE_REPORT_DISK_USAGE, reports.reportDiskUsage, 'join-einval'],
  [C.STORAGE_SYNC_REPORT, reports.syncReport, 'join'],
  [C.STORAGE_CHANGE_STATUS, reports.changeStatus, 'join'],
  [C.STORAGE_REPLICA_CHG, reports.replicaChange, 'join'],
  [C.STORAGE_REPORT_STATUS, reports.reportStatus],
  [C.STORAGE_REPORT_IP_CHANGED, reports.reportIpChanged],
  [C.STORAGE_CHANGELOG_REQ, changelogReq],
  [C.STORAGE_SYNC_SRC_REQ, sync.syncSrcReq],
  [C.STORAGE_SYNC_DEST_REQ, sync.syncDestReq, 'join'],
  [C.STORAGE_SYNC_NOTIFY, sync.syncNotify],
  [C.STORAGE_SYNC_DEST_QUERY, sync.syncDestQuery],
  [C.STORAGE_FETCH_TRUNK_FID, trunk.fetchTrunkFid, 'join'],
  [C.STORAGE_REPORT_TRUNK_FID, trunk.reportTrunk, 'join'],
  [C.STORAGE_REPORT_TRUNK_FREE, trunk.reportTrunk, 'join'],
  // trackers (§5.4)
  ...RELATION_ROUTES,
  [C.TRACKER_GET_SYS_FILES_START, sysFiles.getSysFilesStart],
  [C.TRACKER_GET_ONE_SYS_FILE, sysFiles.getOneSysFile],
  [C.TRACKER_GET_SYS_FILES_END, sysFiles.getSysFilesEnd],
];

export const ROUTES: ReadonlyMap<number, Route> = new Map(
  TABLE.map(([cmd, handler, check]) => [cmd, { handler, check: check ?? 'none' }]),
);

const EINVAL: ServerReply = Object.freeze({ status: Errno.EINVAL });
const EACCES: ServerReply = Object.freeze({ status: Errno.EACCES });

/** Save what the handler changed, then reply (every status change is saved at once, §16 #11). */
async function savedThen(ctx: TrackerContext, reply: ServerReply): Promise<ServerReply> {
  await saveChanges(ctx);
  return reply;
}

/** Write the state's pending saves; a failing disk is logged, the reply still goes out. */
export async function saveChanges(ctx: TrackerContext): Promise<void> {
  if (!ctx.state.hasPendingSaves) return;
  try {
    await ctx.store.save(ctx.state.snapshot(), ctx.state.takePendingSaves());
  } catch (err) {
    ctx.logger.error({ err }, 'saving the tracker state failed');
  }
}

export function dispatch(
  req: TrackerRequest,
  ctx: TrackerContext,
): ServerReply | Promise<ServerReply> {
  const route = ROUTES.get(req.header.cmd);
  if (!route) return EINVAL;
  if (route.check !== 'none' && req.session.storage === undefined) {
    return route.check === 'join' ? EACCES : EINVAL;
  }
  const reply = route.handler(req, ctx);
  if (reply instanceof Promise) return reply.then((r) => savedThen(ctx, r));
  return ctx.state.hasPendingSaves ? savedThen(ctx, reply) : reply;
}

/** The ServerHandler a FramedServer runs for each tracker connection. */
export function trackerHandler(ctx: TrackerContext): ServerHandler<TrackerSession> {
  const limits = {
    maxPackageSize: ctx.config.maxPacketSize,
    maxReplySize: ctx.config.maxPacketSize,
  };
  return {
    role: 'tracker',
    requestShape: (cmd) => trackerRequestShape(cmd, limits),
    createSession(peer, local) {
      const stats = ctx.connections;
      if (++stats.current > stats.max) stats.max = stats.current;
      return new TrackerSession(peer, local);
    },
    handle: (req) => dispatch(req, ctx),
    onClose(session) {
      ctx.connections.current--;
      ctx.relation.closed(session);
      ctx.sysFileLock.release(session);
      // QUIT or a closed connection of a joined storage: the disconnect rule (§9.3).
      if (session.storage) {
        ctx.state.disconnect(session.storage);
        void saveChanges(ctx);
      }
    },
  };
}
