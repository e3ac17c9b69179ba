// client.conf `load_fdfs_parameters_from_tracker = true` (§10.3): the C client then asks a tracker
// for its parameters (STORAGE_PARAMETER_REQ, 75) and, with use_storage_id, for the storage ids
// (STORAGE_FETCH_STORAGE_IDS, 69, page by page), instead of reading storage_ids.conf.
import type { TrackerClient } from '../../client/tracker-client.js';
import { TrackerCommand } from '../../protocol/commands.js';
import type { StorageIdEntry } from '../../protocol/file-id/index.js';
import {
  decodeFetchStorageIdsReply,
  decodeParameterReply,
  encodeFetchStorageIdsRequest,
  MAX_PARAMETER_REPLY,
} from '../../protocol/messages/index.js';
import { DEFAULT_SHAPE_LIMITS } from '../../protocol/shapes.js';

/** The storage ids the tracker knows, or undefined when it does not use storage ids. */
export async function loadTrackerStorageIds(
  tracker: TrackerClient,
): Promise<StorageIdEntry[] | undefined> {
  return tracker.use(async (conn) => {
    const params = await conn.request({
      cmd: TrackerCommand.STORAGE_PARAMETER_REQ,
      body: Buffer.alloc(0),
      reply: { kind: 'whole', maxLength: MAX_PARAMETER_REPLY },
    });
    if (!decodeParameterReply(params.body).useStorageId) return undefined;
    const entries: StorageIdEntry[] = [];
    for (;;) {
      const reply = await conn.request({
        cmd: TrackerCommand.STORAGE_FETCH_STORAGE_IDS,
        body: encodeFetchStorageIdsRequest({ startIndex: entries.length, allowEmpty: false }),
        reply: { kind: 'whole', maxLength: DEFAULT_SHAPE_LIMITS.maxReplySize },
      });
      const page = decodeFetchStorageIdsReply(reply.body);
      for (const e of page.entries) {
        entries.push({ id: e.id, groupName: e.groupName, ips: e.ips, port: e.port });
      }
      if (page.entries.length === 0 || entries.length >= page.totalCount) return entries;
    }
  });
}
