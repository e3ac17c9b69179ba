// CHANGELOG_REQ (77, §5.3): the next chunk of storage_changelog.dat for a storage (the joined one,
// or one named by group + id), from the offset the tracker keeps for it; the offset then advances
// and is saved. Storages apply IP changes and deletions from it.
import { open } from 'node:fs/promises';
import type { ServerReply } from '../../common/server-connection.js';
import { Errno } from '../../protocol/errno.js';
import { decodeChangelogRequest } from '../../protocol/messages/tracker-reports.js';
import { fail } from '../state/index.js';
import { TRACKER_FILES } from '../persist/store.js';
import type { TrackerContext } from './context.js';
import { failed, OK, type TrackerRequest } from './reply.js';

async function readChunk(path: string, offset: number, length: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const chunk = Buffer.alloc(length);
    const { bytesRead } = await file.read(chunk, 0, length, offset);
    if (bytesRead !== length) throw new Error(`read ${bytesRead} of ${length} changelog bytes`);
    return chunk;
  } finally {
    await file.close();
  }
}

export async function changelogReq(req: TrackerRequest, ctx: TrackerContext): Promise<ServerReply> {
  const named = decodeChangelogRequest(req.body);
  const joined = req.session.storage;
  // A joined connection sends an empty body; any other must name the storage (§5.3 cmd 77).
  const target = joined ? (named === null ? joined : undefined) : (named ?? undefined);
  if (target === undefined) {
    const reason = joined ? 'a joined storage sends an empty body' : 'no storage named';
    return failed(req, ctx, fail(Errno.EINVAL, reason));
  }
  const { groupName, storageId } = target;
  const range = ctx.state.changelogRange(groupName, storageId);
  if (!range.ok) return failed(req, ctx, range);
  if (range.value.length === 0) return OK;
  // Lines appended by earlier saves must be on disk before they are read back.
  await ctx.store.flushed();
  const chunk = await readChunk(
    ctx.store.path(TRACKER_FILES.changelog),
    range.value.offset,
    range.value.length,
  );
  ctx.state.advanceChangelog(groupName, storageId, chunk.length);
  return { status: 0, body: chunk };
}
