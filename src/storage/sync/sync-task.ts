// One push-replication task toward one peer (§8.6). It reads the binlog from the peer's mark and
// hands the records to its lanes (lanes.ts: one connection each, records of one file in order).
// Lanes never wait for each other except at the once-a-second barrier that makes the peer's sync
// report a true low-watermark (barrier.ts). The mark covers the longest prefix of the binlog whose
// records are all done, and is written every write_mark_file_freq (500) records and within a
// second when idle (§8.4): after a crash the task resends at most what followed, which the peer
// answers idempotently.
import type { Logger } from '../../common/logger.js';
import { pause } from '../../common/pause.js';
import type { MarkStore } from '../binlog/mark-store.js';
import type { BinlogReader, ReadRecord } from '../binlog/reader.js';
import type { SyncMark } from '../binlog/sync-files.js';
import { lateFirst, SecondBarrier } from './barrier.js';
import { Lanes, type LaneJob } from './lanes.js';
import { shouldSend } from './record-filter.js';
import type { SendContext } from './record-sender.js';

export interface SyncTaskOptions {
  /** Our storage id (or IP), sent with REPORT_SERVER_ID. */
  myId: string;
  peer: { host: string; port: number };
  send: SendContext;
  reader: BinlogReader;
  marks: MarkStore;
  markFile: string;
  mark: SyncMark;
  lanes?: number;
  /** Records per batch (default 512). */
  batch?: number;
  connectTimeoutMs?: number;
  networkTimeoutMs?: number;
  /** Longest pause before a retry after a failure (default 1 s; see retryPause). */
  retryMs?: number;
  /** The first pause after a failure other than a failed connect (default 100 ms; tests). */
  retryFirstMs?: number;
  /** Awaited before each batch is sent (§8.7: wait for the peer's full copy, report SYNCING). */
  beforeBatch?: (signal: AbortSignal) => Promise<void>;
  /** The full copy reached the binlog's end, sync_old_done saved (§8.7 step 4: report OFFLINE). */
  onOldDataSynced?: () => Promise<void>;
  /**
   * At a barrier, how long past the start of the new second the task waits before reading ahead
   * for late lines of the seconds before (default 30 ms; barrier.ts).
   */
  barrierGraceMs?: number;
  /** Wall clock in ms (tests). */
  now?: () => number;
  /** An idle lane's connection is tested with ACTIVE_TEST this often (heart_beat_interval, §8.6). */
  activeTestMs?: number;
  logger: Logger;
}

export { shouldSend } from './record-filter.js';
export { laneOf } from './lanes.js';

/** One read record, from the binlog until the mark passes it. */
interface Entry extends LaneJob {
  read: ReadRecord;
  done: boolean;
}

/** The mark file is rewritten after this many records (write_mark_file_freq, §8.4). */
const MARK_EVERY = 500;
/**
 * An idle task writes its mark at most this often: it goes idle after every wake-up, and a mark
 * write (with its fsync) per wake-up was a large part of a receiving storage's CPU.
 */
const IDLE_MARK_MS = 1000;
/** Records read but not yet sent, at most (the read-ahead of a barrier stops there too). */
const QUEUE_MAX = 8192;
/** Records sent and not yet acknowledged, at most, over all lanes. */
const IN_FLIGHT_MAX = 1024;

export class SyncTask {
  private readonly abort = new AbortController();
  private readonly lanes: Lanes<Entry>;
  private running: Promise<void> | undefined;
  private readonly barrier = new SecondBarrier();
  /** Read records in binlog order that the mark has not passed yet. */
  private window: Entry[] = [];
  /** Read records not yet handed to a lane, in sending order. */
  private queue: Entry[] = [];
  /** beforeBatch has let the records read so far through (§8.7 gate). */
  private gatePassed = false;
  private sinceMark = 0;
  private saving: Promise<void> = Promise.resolve();
  private wakeAck: (() => void) | undefined;
  private idleMarkTimer: NodeJS.Timeout | undefined;
  /** Records sent since start (the §8.6 table's skips not counted); for tests and the bench. */
  synced = 0;
  /** The source timestamp of the last record the mark has passed. */
  lastTimestamp = 0;

  constructor(private readonly o: SyncTaskOptions) {
    this.lanes = new Lanes<Entry>(
      {
        myId: o.myId,
        peer: o.peer,
        send: o.send,
        lanes: o.lanes ?? 4,
        connectTimeoutMs: o.connectTimeoutMs,
        networkTimeoutMs: o.networkTimeoutMs,
        retryMs: o.retryMs,
        retryFirstMs: o.retryFirstMs,
        activeTestMs: o.activeTestMs,
        logger: o.logger,
        signal: this.abort.signal,
      },
      (entry) => {
        this.barrier.acked();
        this.complete(entry, true);
      },
      () => {
        this.barrier.acked();
        this.wake();
      },
    );
  }

  get mark(): SyncMark {
    return this.o.mark;
  }

  start(): void {
    this.running ??= this.loop().catch((err: unknown) =>
      this.o.logger.error({ err, peer: this.o.peer }, 'sync task stopped'),
    );
  }

  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.idleMarkTimer);
    this.wakeAck?.();
    const lanes = this.lanes.close();
    await this.running;
    await lanes;
    // The idle save that the stop cancelled: a restart then resends nothing already done.
    if (this.sinceMark > 0) await this.saveMark();
    await this.saving;
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      if (this.queue.length === 0 && (await this.refill(this.o.batch ?? 512)) === 0) {
        await this.idle();
        continue;
      }
      const entry = this.queue[0]!;
      const r = entry.read.record;
      if (!shouldSend(r, this.o.mark)) {
        this.queue.shift();
        this.complete(entry, false);
        continue;
      }
      if (this.barrier.isCrossing(r.timestamp)) {
        await this.crossBarrier(r.timestamp);
        if (this.stopped) return;
        // A late line of an earlier second goes first (and is itself looked at again).
        if (this.queue[0] !== entry) continue;
      }
      while (this.barrier.inFlight >= IN_FLIGHT_MAX && !this.stopped) await this.nextAck();
      if (!this.gatePassed && this.o.beforeBatch) {
        await this.o.beforeBatch(this.abort.signal);
        this.gatePassed = true;
        if (this.queue[0] !== entry) continue;
      }
      if (this.stopped) return;
      this.queue.shift();
      this.dispatch(entry);
    }
  }

  /** Read up to `max` more records; how many came. */
  private async refill(max: number): Promise<number> {
    const room = Math.min(max, QUEUE_MAX - this.queue.length);
    if (room <= 0) return 0;
    const read = await this.o.reader.read(room);
    // The §8.7 gate (beforeBatch) is asked again once per read batch, as before the lanes.
    if (read.length > 0) this.gatePassed = false;
    for (const r of read) {
      const entry: Entry = { read: r, record: r.record, done: false };
      this.window.push(entry);
      this.queue.push(entry);
    }
    return read.length;
  }

  /**
   * The binlog is exhausted: save the mark if records completed (without holding up the next
   * line: the writes are chained), test idle connections, wait for a new line.
   */
  private async idle(): Promise<void> {
    if (this.o.mark.needSyncOld && !this.o.mark.syncOldDone) {
      await this.drain();
      if (this.stopped) return;
      this.o.mark = { ...this.o.mark, syncOldDone: true };
      await this.saveMark();
      await this.o.onOldDataSynced?.();
      if (this.stopped) return;
    } else if (this.sinceMark > 0) {
      this.saveMarkSoon();
    }
    await this.lanes.testIdleConnections();
    // A wake-up is the writer's append event; the timeout bounds a missed one and lets the mark
    // catch up with records completed meanwhile.
    await this.o.reader.waitForData(1000, this.abort.signal);
  }

  /** Save the mark within IDLE_MARK_MS (once, however many idle turns come meanwhile). */
  private saveMarkSoon(): void {
    if (this.idleMarkTimer) return;
    this.idleMarkTimer = setTimeout(() => {
      this.idleMarkTimer = undefined;
      if (this.sinceMark > 0 && !this.stopped) void this.saveMark();
    }, IDLE_MARK_MS);
    this.idleMarkTimer.unref();
  }

  /**
   * Before the first record of a new second (barrier.ts): every record sent is acknowledged,
   * the clock is `barrierGraceMs` into that second, and the lines logged meanwhile are read, so
   * that late lines of earlier seconds go first.
   */
  private async crossBarrier(timestamp: number): Promise<void> {
    await this.drain();
    const grace = this.o.barrierGraceMs ?? 30;
    // Capped: a timestamp ahead of our clock (a clock set back) must not stall the task.
    const wait = Math.min(grace, timestamp * 1000 + grace - this.now());
    if (wait > 0) await pause(wait, this.abort.signal);
    while (this.queue.length < QUEUE_MAX && (await this.refill(QUEUE_MAX)) > 0);
    this.queue = lateFirst(this.queue, timestamp, (e) => e.read.record);
  }

  private dispatch(entry: Entry): void {
    this.barrier.dispatched(entry.record.timestamp);
    this.lanes.push(entry);
  }

  /** The peer is back (its status went up in the member list): retry failed records at once. */
  retryNow(): void {
    this.lanes.retryNow();
  }

  /** A record is done: the mark may pass it. */
  private complete(entry: Entry, sent: boolean): void {
    entry.done = true;
    if (sent) {
      this.synced++;
      this.o.mark = { ...this.o.mark, syncRowCount: this.o.mark.syncRowCount + 1 };
    }
    this.wake();
    if (++this.sinceMark >= MARK_EVERY) void this.saveMark();
  }

  private wake(): void {
    const w = this.wakeAck;
    this.wakeAck = undefined;
    w?.();
  }

  private nextAck(): Promise<void> {
    return new Promise((resolve) => (this.wakeAck = resolve));
  }

  /** Until no record is in flight (or the task stops). */
  private async drain(): Promise<void> {
    while (this.barrier.inFlight > 0 && !this.stopped) await this.nextAck();
  }

  /** Move the mark past the done prefix of the window and write it (one write at a time). */
  private saveMark(): Promise<void> {
    this.sinceMark = 0;
    let last: Entry | undefined;
    let rows = 0;
    while (this.window[0]?.done) {
      last = this.window.shift();
      rows++;
    }
    if (last) this.lastTimestamp = last.read.record.timestamp;
    const m = this.o.mark;
    this.o.mark = {
      ...m,
      ...(last ? { binlogIndex: last.read.end.index, binlogOffset: last.read.end.offset } : {}),
      scanRowCount: m.scanRowCount + rows,
    };
    const mark = this.o.mark;
    this.saving = this.saving
      .then(() => this.o.marks.write(this.o.markFile, mark))
      .catch((err: unknown) =>
        this.o.logger.warn({ err, peer: this.o.peer }, 'sync: mark not saved'),
      );
    return this.saving;
  }
}
