// The "sync response" that answers BEAT (83), REPORT_DISK_USAGE (84) and SYNC_REPORT (89)
// (§5.3, `tracker_check_and_sync`). Only the leader sets flags: bit0 with its own brief, bit2 with
// every member of the storage's group, each sent once per connection when its counter moved.
// A follower answers one 0x00 byte. Trunk servers (bit1) are a later issue.
import { STORAGE_ID_MAX_SIZE } from '../../protocol/constants.js';
import { encodeBeatResponse, type BeatResponse } from '../../protocol/structs/beat-response.js';
import type { StorageBrief } from '../../protocol/structs/storage-brief.js';
import type { TrackerContext } from './context.js';
import type { TrackerRequest } from './reply.js';

const FOLLOWER_REPLY = Buffer.from([0]);

/** The id field holds at most 15 bytes of the leader's IP text (C's snprintf into id[16]). */
function leaderBrief(ip: string, port: number): StorageBrief {
  const id = Buffer.from(ip, 'utf8')
    .subarray(0, STORAGE_ID_MAX_SIZE - 1)
    .toString('utf8');
  return { status: 0, port, id, ipAddr: ip };
}

export function syncResponse(req: TrackerRequest, ctx: TrackerContext): Buffer {
  const { session } = req;
  const storage = session.storage;
  if (!ctx.leader.isLeader || storage === undefined) return FOLLOWER_REPLY;
  const parts: Partial<BeatResponse> = {};
  const leaderChanges = ctx.state.leaderChangeCount;
  if (session.leaderChangesSent !== leaderChanges) {
    // The storage names this tracker by the address it connected to.
    parts.leader = leaderBrief(req.local.address, ctx.port());
    session.leaderChangesSent = leaderChanges;
  }
  const groupChanges = ctx.state.groupChangeCount(storage.groupName);
  if (session.groupChangesSent !== groupChanges) {
    parts.groupServers = ctx.state
      .memberBriefs(storage.groupName)
      .map((b) => ({ status: b.status, port: b.port, id: b.id, ipAddr: b.ip }));
    session.groupChangesSent = groupChanges;
  }
  if (parts.leader === undefined && parts.groupServers === undefined) return FOLLOWER_REPLY;
  return encodeBeatResponse(parts);
}
