// This tracker itself (§5.2): ACTIVE_TEST (111), GET_STATUS (64), GET_LEADER (95) and
// TRACKER_CLUSTER_STAT (96, answered by the leader only).
import type { ServerReply } from '../../common/server-connection.js';
import { Errno } from '../../protocol/errno.js';
import { encodeLeaderReply } from '../../protocol/messages/tracker-admin.js';
import { formatIpPort } from '../../protocol/messages/tracker-fields.js';
import {
  decodeTrackerStatFilter,
  encodeTrackerClusterStatReply,
  type TrackerClusterStat,
} from '../../protocol/structs/tracker-cluster-stat.js';
import { encodeTrackerStatus } from '../../protocol/structs/tracker-cluster.js';
import { addressFor } from '../../common/ip-class.js';
import { FOLLOWER_ACTIVE_S } from '../relation/leadership.js';
import { fail } from '../state/index.js';
import type { TrackerContext } from './context.js';
import { expectEmpty, failed, OK, type TrackerRequest } from './reply.js';

export function activeTest(req: TrackerRequest): ServerReply {
  expectEmpty(req);
  return OK;
}

/** 64: ENOENT while this tracker knows no groups; such a tracker takes no part in elections. */
export function getStatus(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  expectEmpty(req);
  if (!ctx.state.hasGroups) return failed(req, ctx, fail(Errno.ENOENT, 'no groups yet'));
  return { status: 0, body: encodeTrackerStatus(ctx.leader.status()) };
}

export function getLeader(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  expectEmpty(req);
  const leader = ctx.leader.leaderAddress(req.peer.address, req.local.address);
  if (!leader) return failed(req, ctx, fail(Errno.ENOENT, 'no tracker leader is known'));
  return { status: 0, body: encodeLeaderReply(leader) };
}

/** Pools of connection slots grow by 256 (the alloc_count the C leader reports). */
const ALLOC_STEP = 256;

/** 96: this tracker (the leader, active) and its peers (active when they pinged within 3 s). */
export function trackerClusterStat(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const filter = decodeTrackerStatFilter(req.body);
  if (!ctx.leader.isLeader) {
    return failed(req, ctx, fail(Errno.EOPNOTSUPP, 'only the leader answers'));
  }
  const { current, max } = ctx.connections;
  const self: TrackerClusterStat = {
    host: formatIpPort(req.local.address, ctx.port()),
    isLeader: 1,
    isActive: 1,
    allocCount: Math.max(1, Math.ceil(max / ALLOC_STEP)) * ALLOC_STEP,
    currentCount: current,
    maxCount: max,
    version: ctx.dialect.version,
    upTime: ctx.startTime,
    lastHeartbeatTime: 0,
  };
  const now = ctx.now();
  const peers = ctx.peers.list().map((t): TrackerClusterStat => {
    const f = ctx.relation.follower(t);
    return {
      host: formatIpPort(addressFor(t.hosts, req.peer.address), t.port),
      isLeader: 0,
      isActive: f && now - f.lastPing <= FOLLOWER_ACTIVE_S ? 1 : 0,
      allocCount: f?.counters.allocCount ?? 0,
      currentCount: f?.counters.currentCount ?? 0,
      maxCount: f?.counters.maxCount ?? 0,
      version: f?.version ?? '',
      upTime: f?.upTime ?? 0,
      lastHeartbeatTime: f?.lastPing ?? 0,
    };
  });
  const keep = (t: TrackerClusterStat): boolean =>
    (!(filter.filterBy & 2) || t.isLeader === filter.isLeader) &&
    (!(filter.filterBy & 1) || t.isActive === filter.isActive);
  return { status: 0, body: encodeTrackerClusterStatReply([self, ...peers].filter(keep)) };
}
