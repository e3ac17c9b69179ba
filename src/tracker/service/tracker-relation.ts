// Tracker ↔ tracker election commands (§5.4): JOIN_LEADER (58), PING_LEADER (65),
// NOTIFY_NEXT_LEADER (66), COMMIT_NEXT_LEADER (67), NOTIFY_RESELECT_LEADER (68). Thin: decode,
// ask the pure Leadership (relation/leadership.ts), encode.
import type { ServerReply } from '../../common/server-connection.js';
import { TrackerCommand as C } from '../../protocol/commands.js';
import { MAX_IP_PORT_SIZE } from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { parseIpPort } from '../../protocol/messages/tracker-fields.js';
import {
  decodeTrackerJoinLeaderBody,
  decodeTrackerPingLeaderBody,
  encodeTrackerPingLeaderReply,
  type TrunkServerAssignment,
} from '../../protocol/structs/tracker-cluster.js';
import { fail } from '../state/index.js';
import type { TrackerContext } from './context.js';
import { expectEmpty, failed, OK, type TrackerRequest } from './reply.js';

function verdict(
  req: TrackerRequest,
  ctx: TrackerContext,
  errno: number,
  why: string,
): ServerReply {
  return errno === 0 ? OK : failed(req, ctx, fail(errno, why));
}

/** The "ip:port" text of 66/67 (C sends no NUL; a trailing one is cut). */
function candidateOf(req: TrackerRequest, ctx: TrackerContext) {
  const end = req.body.indexOf(0);
  const text = req.body.toString('utf8', 0, end < 0 ? req.body.length : end);
  if (text.length === 0 || text.length > MAX_IP_PORT_SIZE) {
    return { bad: true as const };
  }
  const { ip, port } = parseIpPort(text, req.header.cmd);
  return { bad: false as const, named: ctx.nameTracker(ip, port) };
}

export function notifyNextLeader(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const c = candidateOf(req, ctx);
  if (c.bad) return failed(req, ctx, fail(Errno.EINVAL, 'bad leader address'));
  const wasLeader = ctx.relation.isLeader;
  const errno = ctx.relation.notifyNext(c.named);
  if (wasLeader && !ctx.relation.isLeader) {
    ctx.logger.warn({ from: req.peer.address }, 'another tracker claims leadership: stepping down');
    ctx.clusterChanged();
  }
  return verdict(req, ctx, errno, 'next leader refused');
}

export function commitNextLeader(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const c = candidateOf(req, ctx);
  if (c.bad) return failed(req, ctx, fail(Errno.EINVAL, 'bad leader address'));
  const before = ctx.relation.leaderships;
  const errno = ctx.relation.commitNext(c.named);
  if (errno === 0) {
    if (ctx.relation.leaderships !== before) ctx.state.noteLeaderChange();
    ctx.logger.info({ leader: req.body.toString('utf8') }, 'tracker leader committed');
    ctx.clusterChanged();
  }
  return verdict(req, ctx, errno, 'not the notified next leader');
}

export function reselectLeader(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  expectEmpty(req);
  const errno = ctx.relation.reselect();
  if (errno === 0) {
    ctx.logger.warn({ from: req.peer.address }, 'asked to reselect the leader: stepping down');
    ctx.clusterChanged();
  }
  return verdict(req, ctx, errno, 'not the leader');
}

/** 58: the follower is matched by peer IP + server_port, else by server_port alone (§16 #8). */
export function joinLeader(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const body = decodeTrackerJoinLeaderBody(req.body);
  const peers = ctx.peers.list();
  const address =
    peers.find((t) => t.port === body.serverPort && t.hosts.includes(req.peer.address)) ??
    onlyOne(peers.filter((t) => t.port === body.serverPort));
  const follower = address && {
    address,
    upTime: body.upTime,
    version: body.version,
    counters: { allocCount: 0, currentCount: 0, maxCount: 0 },
  };
  const errno = ctx.relation.join(req.session, follower, ctx.now());
  if (errno === 0) req.session.trunkMapSent = undefined;
  return verdict(req, ctx, errno, 'join leader refused');
}

const onlyOne = <T>(list: readonly T[]): T | undefined => (list.length === 1 ? list[0] : undefined);

/** 65: the trunk-server map when it changed since this connection's last ping (§5.4). */
export function pingLeader(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const counters = req.body.length === 0 ? undefined : decodeTrackerPingLeaderBody(req.body);
  const errno = ctx.relation.ping(req.session, counters, ctx.now());
  if (errno !== 0) return verdict(req, ctx, errno, 'ping leader refused');
  const map: TrunkServerAssignment[] = ctx.state
    .groups()
    // Trunk servers are not appointed by this tracker (use_trunk_file off): every id is empty.
    .map((g) => ({ groupName: g.name, trunkServerId: '' }))
    .sort((a, b) => (a.groupName < b.groupName ? -1 : a.groupName > b.groupName ? 1 : 0));
  const text = JSON.stringify(map);
  if (req.session.trunkMapSent === text) return OK;
  req.session.trunkMapSent = text;
  return { status: 0, body: encodeTrackerPingLeaderReply(map) };
}

export const RELATION_ROUTES = [
  [C.TRACKER_JOIN_LEADER, joinLeader],
  [C.TRACKER_PING_LEADER, pingLeader],
  [C.TRACKER_NOTIFY_NEXT_LEADER, notifyNextLeader],
  [C.TRACKER_COMMIT_NEXT_LEADER, commitNextLeader],
  [C.TRACKER_NOTIFY_RESELECT_LEADER, reselectLeader],
] as const;
