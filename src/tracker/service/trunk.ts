// Trunk commands, answered as a C tracker with use_trunk_file = false answers them (trunk storage
// is a later issue): FETCH_TRUNK_FID (72) gives the group's trunk file id, REPORT_TRUNK_FID (73)
// and REPORT_TRUNK_FREE (74) come from no trunk server (EINVAL), SET_TRUNK_SERVER (94) is
// EOPNOTSUPP (`tracker-94-*.json`).
import type { ServerReply } from '../../common/server-connection.js';
import { TrackerCommand } from '../../protocol/commands.js';
import { Errno } from '../../protocol/errno.js';
import { decodeGroupStorageRequest } from '../../protocol/messages/tracker-admin.js';
import { fail } from '../state/index.js';
import type { TrackerContext } from './context.js';
import { expectEmpty, failed, type TrackerRequest } from './reply.js';

export function fetchTrunkFid(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  expectEmpty(req);
  const group = ctx.state.group(req.session.storage!.groupName);
  if (!group) return failed(req, ctx, fail(Errno.ENOENT, 'the joined group is gone'));
  const body = Buffer.alloc(4);
  body.writeInt32BE(group.currentTrunkFileId);
  return { status: 0, body };
}

/** 73 and 74: only the group's trunk server may report, and there is none. */
export function reportTrunk(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  return failed(req, ctx, fail(Errno.EINVAL, 'this storage is not the trunk server'));
}

export function setTrunkServer(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  decodeGroupStorageRequest(TrackerCommand.SERVER_SET_TRUNK_SERVER, req.body);
  return failed(req, ctx, fail(Errno.EOPNOTSUPP, 'use_trunk_file is off'));
}
