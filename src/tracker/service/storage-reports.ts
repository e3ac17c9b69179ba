// What storages send (§5.3): JOIN (81), BEAT (83), REPORT_DISK_USAGE (84), SYNC_REPORT (89),
// CHANGE_STATUS (59), REPLICA_CHG (85), REPORT_STATUS (76) and REPORT_IP_CHANGED (78).
import type { ServerReply } from '../../common/server-connection.js';
import { Errno } from '../../protocol/errno.js';
import {
  checkReplicaChangeLength,
  decodeChangeStatusRequest,
  decodeDiskUsageRequest,
  decodeIpChangedRequest,
  decodeReportStatusRequest,
  decodeSyncReportRequest,
} from '../../protocol/messages/tracker-reports.js';
import {
  decodeStorageJoinBody,
  encodeStorageJoinResponse,
} from '../../protocol/structs/join-body.js';
import {
  decodeStorageBriefList,
  type StorageBrief as WireBrief,
} from '../../protocol/structs/storage-brief.js';
import {
  STORAGE_STAT_BLOCK_SIZE,
  STORAGE_STAT_COUNTER_FIELDS,
  decodeStorageStatBlock,
  type StorageStatBlock,
} from '../../protocol/structs/storage-stat-block.js';
import {
  STAT_COUNTER_NAMES,
  fail,
  type StatCounters,
  type StorageBrief,
  type StorageStatReport,
} from '../state/index.js';
import type { TrackerContext } from './context.js';
import { failed, OK, replyEmpty, replyWith, type TrackerRequest } from './reply.js';
import { syncResponse } from './sync-response.js';

/** The stat block of a beat as the state keeps it (its last two fields are the tracker's own). */
export function statReport(block: StorageStatBlock): StorageStatReport {
  const counters = {} as StatCounters;
  STAT_COUNTER_NAMES.forEach((name, i) => {
    counters[name] = BigInt(block[STORAGE_STAT_COUNTER_FIELDS[i]!]);
  });
  return {
    connection: { ...block.connection },
    counters,
    lastSourceUpdate: block.lastSourceUpdate,
    lastSyncUpdate: block.lastSyncUpdate,
  };
}

const toStateBrief = (b: WireBrief): StorageBrief => ({
  id: b.id,
  ip: b.ipAddr,
  port: b.port,
  status: b.status,
});

/**
 * 81 (§9.1): the connection is then bound to the storage. The first join after start-up may
 * copy the system files from a peer first (step 1; EAGAIN when that fails).
 */
export function join(req: TrackerRequest, ctx: TrackerContext): ServerReply | Promise<ServerReply> {
  const body = decodeStorageJoinBody(req.body);
  // §9.1 step 2: this tracker is the one the storage reached, and learns its peers.
  ctx.peers.noteLocalAddress(req.local.address);
  ctx.peers.noteLocalAddress(body.currentTrackerIp);
  const wasKnown = ctx.peers.known;
  if (ctx.peers.addJoinLines(body.trackers) || !wasKnown) ctx.clusterChanged();
  const ready = ctx.beforeJoin();
  if (ready === true) return joinState(req, ctx, body);
  return ready.then((copied) =>
    copied
      ? joinState(req, ctx, body)
      : failed(req, ctx, fail(Errno.EAGAIN, 'system-file copy from a peer failed')),
  );
}

function joinState(
  req: TrackerRequest,
  ctx: TrackerContext,
  body: ReturnType<typeof decodeStorageJoinBody>,
): ServerReply {
  const outcome = ctx.state.join({
    groupName: body.groupName,
    peerIp: req.peer.address,
    port: body.storagePort,
    storePathCount: body.storePathCount,
    subdirCountPerPath: body.subdirCountPerPath,
    uploadPriority: body.uploadPriority,
    joinTime: body.joinTime,
    upTime: body.upTime,
    version: body.version,
    initFlag: body.initFlag !== 0,
    status: body.status,
    storageId: body.storageId,
  });
  if (!outcome.ok) return failed(req, ctx, outcome);
  const { groupName, storageId, status, syncSrcId } = outcome.value;
  req.session.bind({ groupName, storageId });
  return { status: 0, body: encodeStorageJoinResponse({ myStatus: status, srcId: syncSrcId }) };
}

/** 83: an empty body or exactly one stat block; then the sync response. */
export function beat(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const key = req.session.storage!;
  if (req.body.length !== 0 && req.body.length !== STORAGE_STAT_BLOCK_SIZE) {
    return failed(req, ctx, fail(Errno.EINVAL, `beat body of ${req.body.length} bytes`));
  }
  const stats = req.body.length === 0 ? null : statReport(decodeStorageStatBlock(req.body));
  const outcome = ctx.state.beat(key, stats, ctx.now());
  return replyWith(req, ctx, outcome, () => syncResponse(req, ctx));
}

/** 84: one (total, free) per store path; the count is the group's (EINVAL otherwise). */
export function reportDiskUsage(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const outcome = ctx.state.reportDiskUsage(req.session.storage!, decodeDiskUsageRequest(req.body));
  return replyWith(req, ctx, outcome, () => syncResponse(req, ctx));
}

/** 89: how far this storage has caught up with each source. */
export function syncReport(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const outcome = ctx.state.syncReport(req.session.storage!, decodeSyncReportRequest(req.body));
  return replyWith(req, ctx, outcome, () => syncResponse(req, ctx));
}

/** 59: a follower learns the status the leader has for this storage. */
export function changeStatus(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const status = decodeChangeStatusRequest(req.body);
  return replyEmpty(req, ctx, ctx.state.changeStatus(req.session.storage!, status));
}

/** 85: accepted; the leader ignores it, a follower merges it like 76 (§5.3). */
export function replicaChange(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  checkReplicaChangeLength(req.body);
  const briefs = decodeStorageBriefList(req.body).map(toStateBrief);
  if (ctx.leader.isLeader) return OK;
  return replyEmpty(req, ctx, ctx.state.replicaChange(req.session.storage!.groupName, briefs));
}

/** 76: one storage's view of a member (its brief carries port 0, §16 #6). */
export function reportStatus(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const { groupName, brief } = decodeReportStatusRequest(req.body);
  return replyEmpty(req, ctx, ctx.state.reportStatus(groupName, toStateBrief(brief)));
}

/** 78: only without storage ids, and then the body is not even looked at (§5.3). */
export function reportIpChanged(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  if (ctx.policy.useStorageId) {
    return failed(req, ctx, fail(Errno.EOPNOTSUPP, 'IP changes need storage ids off'));
  }
  const change = { ...decodeIpChangedRequest(req.body), peerIp: req.peer.address };
  return replyEmpty(req, ctx, ctx.state.reportIpChanged(change, ctx.now()));
}
