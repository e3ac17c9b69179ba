// The sender's half of the sync low-watermark (issue 5, §8.5, cmd 89). The 89 entry promises
// "every file that source created at or before this timestamp is here", but parallel lanes apply
// records out of order, so the highest timestamp applied promises nothing. The sender therefore
// never sends a record of a new second while a record of an earlier second is unacknowledged
// (a barrier once per second, cheap at 1,000 records/s): a receiver that has applied a record of
// second M then holds every record of the seconds before M, and reports M − 1 (watermark.ts).
// Binlog lines are not strictly in timestamp order (two uploads finishing together may log in
// either order), so at each barrier the sender reads ahead and sends the late records of earlier
// seconds first (`lateFirst`).
import type { BinlogRecord } from '../binlog/record.js';

export class SecondBarrier {
  private maxSent = 0;
  private unacked = 0;

  /** Highest timestamp sent so far (0 before the first record). */
  get maxSentTimestamp(): number {
    return this.maxSent;
  }

  get inFlight(): number {
    return this.unacked;
  }

  /** A record of `timestamp` starts a new second: the lanes must drain before it goes. */
  isCrossing(timestamp: number): boolean {
    return timestamp > this.maxSent;
  }

  /** May a record of `timestamp` be sent now? */
  mayDispatch(timestamp: number): boolean {
    return !this.isCrossing(timestamp) || this.unacked === 0;
  }

  dispatched(timestamp: number): void {
    if (!this.mayDispatch(timestamp)) throw new Error(`barrier: ${timestamp} may not go yet`);
    if (timestamp > this.maxSent) this.maxSent = timestamp;
    this.unacked++;
  }

  /** A sent record was acknowledged (applied, or answered as already there). */
  acked(): void {
    this.unacked--;
  }
}

/** The name that orders a record: a rename by its old name, a `-m` file with its file. */
export function orderKey(r: BinlogRecord): string {
  const key = r.op === 'R' || r.op === 'r' ? r.srcFilename : r.filename;
  return key.endsWith('-m') ? key.slice(0, -2) : key;
}

/**
 * Move the records of `queue` older than `crossing` (the second about to start) before the
 * others, keeping their order. A record never jumps over one of the same file (§8.6 order).
 */
export function lateFirst<T>(
  queue: T[],
  crossing: number,
  recordOf: (item: T) => BinlogRecord,
): T[] {
  if (!queue.some((q) => recordOf(q).timestamp < crossing)) return queue;
  const early: T[] = [];
  const rest: T[] = [];
  const jumpedKeys = new Set<string>();
  for (const item of queue) {
    const r = recordOf(item);
    const key = orderKey(r);
    if (r.timestamp < crossing && !jumpedKeys.has(key)) early.push(item);
    else {
      rest.push(item);
      jumpedKeys.add(key);
    }
  }
  return [...early, ...rest];
}
