// Which binlog records a sync task sends, and when it may send at all (§8.6 table, §8.7). Pure:
// the mark and the peer's status in, a decision out.
//
// * The designated full-copy source of a peer (need_sync_old, not yet sync_old_done) replays its
//   whole binlog: every upper-case record, and the replica records `c d u l r` up to
//   until_timestamp. `a m t` are never sent (the whole file went with its `c`/`u`).
// * Any other storage skips the records older than until_timestamp (the source copies them) and
//   waits until the peer's full copy is over before it pushes (§8.7 step 3).
//   Departure from C: it skips only what is older than until − FULL_COPY_OVERLAP_S. A file that
//   reached the source after the source had finished its binlog would otherwise never reach the
//   new storage; resending the last minutes costs an idempotent EEXIST per file at most.
import { StorageStatus as S } from '../../protocol/status.js';
import { isSourceOp, type BinlogRecord } from '../binlog/record.js';
import type { SyncMark } from '../binlog/sync-files.js';

/**
 * Records this close to until_timestamp (seconds) are sent by the non-source storages too:
 * storage_sync_file_max_time's default, the delay after which the tracker itself assumes a file
 * is everywhere (§9.7 rule 4).
 */
export const FULL_COPY_OVERLAP_S = 300;

type MarkFields = Pick<SyncMark, 'needSyncOld' | 'syncOldDone' | 'untilTimestamp'>;

/** This task is the peer's designated full-copy source and has not reached its binlog's end. */
export function copyingOldData(mark: MarkFields): boolean {
  return mark.needSyncOld && !mark.syncOldDone;
}

/** §8.6 table (storage_check_need_sync), with the non-source skip of §8.7 step 3. */
export function shouldSend(r: BinlogRecord, mark: MarkFields): boolean {
  if (r.op === 'a' || r.op === 'm' || r.op === 't') return false;
  if (copyingOldData(mark)) return isSourceOp(r.op) || r.timestamp <= mark.untilTimestamp;
  if (!isSourceOp(r.op)) return false;
  if (!mark.needSyncOld && mark.untilTimestamp > 0) {
    return r.timestamp >= mark.untilTimestamp - FULL_COPY_OVERLAP_S;
  }
  return true;
}

/** A peer in the middle of its full copy: only its designated source pushes to it. */
export function inFullCopy(peerStatus: number): boolean {
  return peerStatus === S.INIT || peerStatus === S.WAIT_SYNC || peerStatus === S.SYNCING;
}

/** May a task with this mark push to a peer with this status now? */
export function mayPush(peerStatus: number, mark: MarkFields): boolean {
  return copyingOldData(mark) || !inFullCopy(peerStatus);
}

/**
 * The first mark of a peer we never synced to (§8.7 step 3), from SYNC_SRC_REQ's answer:
 * need_sync_old when the tracker names us as its source, and the until_timestamp either way.
 * From the binlog's start in both cases (a non-source skips by timestamp, see shouldSend).
 */
export function firstMark(
  answer: { srcId: string; untilTimestamp: number } | null,
  myId: string,
): SyncMark {
  const needSyncOld = answer !== null && answer.srcId === myId;
  return {
    binlogIndex: 0,
    binlogOffset: 0,
    needSyncOld,
    syncOldDone: false,
    untilTimestamp: answer === null || answer.srcId === '' ? 0 : answer.untilTimestamp,
    scanRowCount: 0,
    syncRowCount: 0,
  };
}

/**
 * After a restart, a finished full copy may not have been reported yet (a crash between the
 * mark and REPORT_STATUS): the source reports the peer OFFLINE again while it still waits.
 */
export function owesOfflineReport(peerStatus: number, mark: MarkFields): boolean {
  return (
    mark.needSyncOld && mark.syncOldDone && (peerStatus === S.WAIT_SYNC || peerStatus === S.SYNCING)
  );
}

/**
 * 86 names us the source of a copy our mark is not for (§8.7 step 6: the peer's copy started over,
 * e.g. after its source was deleted): the task starts again from a fresh source mark.
 */
export function isNewSourceFor(
  answer: { srcId: string; untilTimestamp: number } | null,
  myId: string | undefined,
  mark: MarkFields,
): boolean {
  if (answer === null || myId === undefined || answer.srcId !== myId) return false;
  return !(mark.needSyncOld && mark.untilTimestamp === answer.untilTimestamp);
}
