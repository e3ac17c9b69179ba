// The copying side of the system-file copy (§5.4 cmds 61/63/62, §9.1 step 1): a tracker that
// starts with no groups, or was stopped for more than 2 × 300 s, copies the four data files
// (§9.9) from the best-ranked peer (the election's order, §9.12) at the first storage join, then
// reloads. The ranking is pure (rankForCopy); copyFrom is the wire part, on one connection:
// 61, then 63 per file with offset += chunk until offset ≥ file_size, then 62.
import type { FramedConnection } from '../../common/connection.js';
import type { TrackerAddress } from '../../common/config/values.js';
import { serverStatusError, type FdfsError } from '../../common/errors.js';
import { commandName, TrackerCommand as C } from '../../protocol/commands.js';
import {
  SYS_FILE_CHUNK,
  SYS_FILE_COUNT,
  decodeSysFileReply,
  encodeSysFileRequest,
} from '../../protocol/messages/tracker-sys-files.js';
import { electLeader, STATUS_STEP_S, type Candidate } from './election.js';
import { connectPeer, requestOn, type PeerCallOptions } from './peer-call.js';
import type { AnsweredPeer } from './peer-status.js';

/** §9.1 step 1: no groups, or the saved last check is more than 2 × 300 s before this start. */
export function needsSysFileCopy(
  hasGroups: boolean,
  startTime: number,
  lastCheckTime: number,
): boolean {
  return !hasGroups || (lastCheckTime > 0 && startTime - lastCheckTime > 2 * STATUS_STEP_S);
}

/**
 * The peer to copy from: the winner of the election order among this tracker and the peers that
 * answered GET_STATUS; undefined when this tracker ranks best itself (or nobody answered), so
 * there is nothing better to copy.
 */
export function rankForCopy(
  self: Candidate,
  answered: readonly AnsweredPeer[],
): AnsweredPeer | undefined {
  const best = electLeader<Candidate>([self, ...answered]);
  return best === self ? undefined : (best as AnsweredPeer | undefined);
}

/** A 63 reply can carry 8173 content bytes; with its 8-byte size field it fits this. */
const MAX_CHUNK_REPLY = 8 + SYS_FILE_CHUNK;

function refused(cmd: number, status: number): FdfsError {
  return serverStatusError(status, cmd, commandName(cmd, 'tracker'));
}

/** The four files, index order (groups, servers, sync timestamps, changelog), over one connection. */
export async function fetchSysFiles(
  conn: FramedConnection,
  signal: AbortSignal,
): Promise<Buffer[]> {
  const start = await requestOn(conn, C.TRACKER_GET_SYS_FILES_START, undefined, 0, signal);
  if (start.status !== 0) throw refused(C.TRACKER_GET_SYS_FILES_START, start.status);
  const files: Buffer[] = [];
  for (let index = 0; index < SYS_FILE_COUNT; index++) {
    const parts: Buffer[] = [];
    let offset = 0;
    let fileSize: number;
    do {
      const body = encodeSysFileRequest({ index, offset });
      const a = await requestOn(conn, C.TRACKER_GET_ONE_SYS_FILE, body, MAX_CHUNK_REPLY, signal);
      if (a.status !== 0) throw refused(C.TRACKER_GET_ONE_SYS_FILE, a.status);
      const chunk = decodeSysFileReply(a.body ?? Buffer.alloc(0));
      fileSize = chunk.fileSize;
      if (chunk.content.length === 0 && offset < fileSize) {
        throw new Error(`GET_ONE_SYS_FILE ${index}: no content at ${offset} of ${fileSize}`);
      }
      parts.push(chunk.content);
      offset += chunk.content.length;
    } while (offset < fileSize);
    files.push(Buffer.concat(parts));
  }
  const end = await requestOn(conn, C.TRACKER_GET_SYS_FILES_END, undefined, 0, signal);
  if (end.status !== 0) throw refused(C.TRACKER_GET_SYS_FILES_END, end.status);
  return files;
}

/** fetchSysFiles from `peer`, each of its hosts in turn; throws when none gave the files. */
export async function copyFrom(peer: TrackerAddress, options: PeerCallOptions): Promise<Buffer[]> {
  let last: unknown = new Error('the peer has no address');
  for (const host of peer.hosts) {
    let conn: FramedConnection | undefined;
    try {
      conn = await connectPeer(host, peer.port, options);
      const files = await fetchSysFiles(conn, options.signal);
      void conn.quit().catch(() => undefined);
      return files;
    } catch (err) {
      conn?.destroy();
      last = err;
    }
  }
  throw last;
}
