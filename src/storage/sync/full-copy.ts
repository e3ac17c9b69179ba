// The source side of a new storage's full copy (§8.7 steps 3–4), around one SyncTask: the first
// mark of a peer we never pushed to comes from SYNC_SRC_REQ (86); before a batch, the source
// reports a WAIT_SYNC peer SYNCING (76) and any other storage waits for the copy to be over; at the
// binlog's end (sync_old_done saved) the source reports the peer OFFLINE (76) to every tracker,
// and the peer's next beat makes it ACTIVE (§9.2).
import type { Logger } from '../../common/logger.js';
import { pause, WakeablePauses } from '../../common/pause.js';
import { StorageStatus as S } from '../../protocol/status.js';
import type { StorageBrief } from '../../protocol/structs/storage-brief.js';
import type { SyncBody } from '../../protocol/structs/sync-body.js';
import type { SyncMark } from '../binlog/sync-files.js';
import { copyingOldData, firstMark, mayPush } from './record-filter.js';

/** What the full copy asks of the trackers (TrackerReporters in the server). */
export interface FullCopyTrackers {
  /** 86; rejects when no tracker answered or the answer was an error status. */
  syncSrcReq(destId: string): Promise<SyncBody | null>;
  /** 76 to every tracker; resolves with how many accepted it. */
  reportStatus(brief: StorageBrief): Promise<number>;
}

/** The latest status of every peer, from the leader's member lists, with a change signal. */
export class PeerStatusBoard {
  private briefs = new Map<string, StorageBrief>();
  private readonly changes = new WakeablePauses();

  update(briefs: readonly StorageBrief[]): void {
    this.briefs = new Map(briefs.map((b) => [b.id, b]));
    this.changes.wakeAll();
  }

  get(id: string): StorageBrief | undefined {
    return this.briefs.get(id);
  }

  /** Resolve at the next member list, after `ms`, or on `signal`. */
  waitChange(signal: AbortSignal, ms: number): Promise<void> {
    return this.changes.pause(ms, signal);
  }
}

/**
 * The first mark toward `peerId` (no mark file): 86 until a tracker answers (the peer may still
 * be INIT: ENOENT, asked again). Undefined when `signal` fired first.
 */
export async function markForNewPeer(o: {
  peerId: string;
  myId: string;
  trackers: FullCopyTrackers;
  signal: AbortSignal;
  retryMs?: number;
  logger: Logger;
}): Promise<SyncMark | undefined> {
  while (!o.signal.aborted) {
    try {
      const answer = await o.trackers.syncSrcReq(o.peerId);
      const mark = firstMark(answer, o.myId);
      o.logger.info({ peer: o.peerId, answer, needSyncOld: mark.needSyncOld }, 'sync source');
      return mark;
    } catch (err) {
      o.logger.warn({ peer: o.peerId, err: (err as Error).message }, 'SYNC_SRC_REQ failed');
      await pause(o.retryMs ?? 1000, o.signal);
    }
  }
  return undefined;
}

export interface FullCopyHookOptions {
  peerId: string;
  board: PeerStatusBoard;
  trackers: FullCopyTrackers;
  /** The task's current mark. */
  mark: () => SyncMark;
  /** Told when the copy's end is about to be reported OFFLINE (76). */
  onOfflineReported?: () => void;
  logger: Logger;
}

/** Report `status` for the peer to every tracker; true when at least one accepted it. */
export async function reportPeerStatus(
  o: Pick<FullCopyHookOptions, 'peerId' | 'board' | 'trackers' | 'logger'>,
  status: number,
): Promise<boolean> {
  const b = o.board.get(o.peerId);
  if (!b) return false;
  const accepted = await o.trackers.reportStatus({ ...b, status });
  o.logger.info({ peer: o.peerId, status, accepted }, 'full copy: peer status reported');
  return accepted > 0;
}

/** The SyncTask hooks (beforeBatch, onOldDataSynced) of §8.7 step 4. */
export function fullCopyHooks(o: FullCopyHookOptions): {
  beforeBatch: (signal: AbortSignal) => Promise<void>;
  onOldDataSynced: () => Promise<void>;
} {
  let reportedSyncing = false;
  return {
    async beforeBatch(signal) {
      while (!signal.aborted) {
        const peer = o.board.get(o.peerId);
        if (!peer) return; // left the list: the task is being stopped
        const mark = o.mark();
        if (!reportedSyncing && copyingOldData(mark) && peer.status === S.WAIT_SYNC) {
          reportedSyncing = await reportPeerStatus(o, S.SYNCING).catch(() => false);
        }
        if (mayPush(peer.status, mark)) return;
        await o.board.waitChange(signal, 5000);
      }
    },
    async onOldDataSynced() {
      o.onOfflineReported?.();
      // Not reported (no tracker reachable): the member-list reconcile reports it later.
      await reportPeerStatus(o, S.OFFLINE).catch(() => false);
    },
  };
}
