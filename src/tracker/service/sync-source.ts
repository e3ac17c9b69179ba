// Who copies old files to a new storage (§5.3, §8.7): SYNC_SRC_REQ (86), SYNC_DEST_REQ (87),
// SYNC_NOTIFY (88) and SYNC_DEST_QUERY (79). 88 and 79 have no join check in C but need the bound
// storage: without one they answer ENOENT.
import type { ServerReply } from '../../common/server-connection.js';
import { Errno } from '../../protocol/errno.js';
import {
  decodeSyncSrcRequest,
  encodeSyncSourceReply,
} from '../../protocol/messages/tracker-sync-source.js';
import { decodeSyncBody } from '../../protocol/structs/sync-body.js';
import { fail, type StorageKey } from '../state/index.js';
import type { TrackerContext } from './context.js';
import { expectEmpty, failed, replyEmpty, replyWith, type TrackerRequest } from './reply.js';

const NOT_JOINED = fail(Errno.ENOENT, 'no storage has joined on this connection');

/** 86: asked by a storage about to push to `destId`; empty or the destination's source. */
export function syncSrcReq(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const { groupName, destId } = decodeSyncSrcRequest(req.body);
  return replyWith(req, ctx, ctx.state.syncSrcReq(groupName, destId), encodeSyncSourceReply);
}

/** 87 (J): a new storage asks who copies old data to it. */
export function syncDestReq(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  expectEmpty(req);
  const outcome = ctx.state.syncDestReq(req.session.storage!, ctx.now());
  return replyWith(req, ctx, outcome, encodeSyncSourceReply);
}

function bound(req: TrackerRequest): StorageKey | undefined {
  return req.session.storage;
}

/** 88: the answer another tracker gave to 87, relayed. */
export function syncNotify(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  const body = decodeSyncBody(req.body);
  const key = bound(req);
  if (!key) return failed(req, ctx, NOT_JOINED);
  return replyEmpty(req, ctx, ctx.state.syncNotify(key, body));
}

/** 79: the requester's recorded source, if any. */
export function syncDestQuery(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  expectEmpty(req);
  const key = bound(req);
  if (!key) return failed(req, ctx, NOT_JOINED);
  return replyWith(req, ctx, ctx.state.syncDestQuery(key), encodeSyncSourceReply);
}
