// One push-replication task toward one peer (§8.6). It reads the binlog from the peer's mark and
// spreads the records over several lanes — each lane one connection, opened with
// REPORT_SERVER_ID (9), working through its own queue — hashed by file name, so records of one
// file stay in order while files go in parallel (C's sync_min_threads/sync_max_threads). Lanes
// never wait for each other except at the once-a-second barrier that makes the peer's sync report
// a true low-watermark (barrier.ts). A failed record is retried on its lane after a pause, the
// records behind it waiting (§8.6 "rewind to the first failed record"). The mark covers the
// longest prefix of the binlog whose records are all done, and is written every
// write_mark_file_freq (500) records and within a second when idle (§8.4): after a crash the task resends at most
// what followed, which the peer answers idempotently.
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { FramedConnection } from '../../common/connection.js';
import { isFdfsError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { StorageCommand as S } from '../../protocol/commands.js';
import { encodeReportServerId } from '../../protocol/messages/sync.js';
import type { MarkStore } from '../binlog/mark-store.js';
import type { BinlogRecord } from '../binlog/record.js';
import type { BinlogReader, ReadRecord } from '../binlog/reader.js';
import type { SyncMark } from '../binlog/sync-files.js';
import { lateFirst, orderKey, SecondBarrier } from './barrier.js';
import { shouldSend } from './record-filter.js';
import {
  RangeFallback,
  RenameFallback,
  sendFallback,
  sendRecord,
  type LaneState,
  type SendContext,
} from './record-sender.js';

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

/** Time33 over the name that orders the record: a rename by its old name (§16 #16 hash). */
export function laneOf(r: BinlogRecord, lanes: number): number {
  const base = orderKey(r);
  let h = 5381;
  for (let i = 0; i < base.length; i++) h = ((h << 5) + h + base.charCodeAt(i)) | 0;
  return (h >>> 0) % lanes;
}

/** One read record, from the binlog until the mark passes it. */
interface Entry {
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
/** Retry pauses (runRecord): after a failed connect, and the first after any other failure. */
const PEER_DOWN_RETRY_MS = 250;
const RETRY_FIRST_MS = 100;
/** A retried record logs its first failure, then every this many. */
const RETRY_LOG_EVERY = 240;

function newSignal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Records read but not yet sent, at most (the read-ahead of a barrier stops there too). */
const QUEUE_MAX = 8192;
/** Records sent and not yet acknowledged, at most, over all lanes. */
const IN_FLIGHT_MAX = 1024;

export class SyncTask {
  private readonly abort = new AbortController();
  private readonly conns: (FramedConnection | undefined)[];
  private readonly lanes: Promise<void>[];
  private readonly laneStates: LaneState[];
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
  private retrySignal = newSignal();
  /** Records sent since start (the §8.6 table's skips not counted); for tests and the bench. */
  synced = 0;
  /** The source timestamp of the last record the mark has passed. */
  lastTimestamp = 0;
  private readonly laneCount: number;

  constructor(private readonly o: SyncTaskOptions) {
    this.laneCount = Math.max(1, o.lanes ?? 4);
    this.conns = Array.from({ length: this.laneCount }, () => undefined);
    this.lanes = Array.from({ length: this.laneCount }, () => Promise.resolve());
    this.laneStates = Array.from({ length: this.laneCount }, () => ({ careful: false }));
    // Every lane's connect and every pause listen to the one stop signal.
    setMaxListeners(4 * this.laneCount + 16, this.abort.signal);
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
    for (const c of this.conns) c?.destroy();
    this.wakeAck?.();
    this.retryNow();
    await this.running;
    await Promise.all(this.lanes);
    for (const c of this.conns) c?.destroy();
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
      const entry = { read: r, done: false };
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
    await this.testIdleConnections();
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

  /** §8.6: ACTIVE_TEST (111) on lanes idle for activeTestMs; a dead one is closed, reopened on use. */
  private async testIdleConnections(): Promise<void> {
    const every = this.o.activeTestMs ?? 30_000;
    await Promise.all(
      this.conns.map(async (c, lane) => {
        if (!c?.usable || performance.now() - c.idleSinceMs < every) return;
        try {
          await c.activeTest(this.abort.signal);
        } catch {
          c.destroy();
          if (this.conns[lane] === c) this.conns[lane] = undefined;
        }
      }),
    );
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
    if (wait > 0) await this.sleep(wait);
    while (this.queue.length < QUEUE_MAX && (await this.refill(QUEUE_MAX)) > 0);
    this.queue = lateFirst(this.queue, timestamp, (e) => e.read.record);
  }

  private dispatch(entry: Entry): void {
    const lane = laneOf(entry.read.record, this.laneCount);
    this.barrier.dispatched(entry.read.record.timestamp);
    this.lanes[lane] = this.lanes[lane]!.then(() => this.runRecord(lane, entry));
  }

  /** Send one record on its lane, retrying after a pause until it succeeds or the task stops. */
  private async runRecord(lane: number, entry: Entry): Promise<void> {
    const r = entry.read.record;
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.sendOne(lane, r);
        if (failures > 0) {
          this.o.logger.info({ peer: this.o.peer, failures }, 'sync: record sent after retries');
        }
        this.barrier.acked();
        this.complete(entry, true);
        return;
      } catch (err) {
        this.conns[lane]?.destroy();
        this.conns[lane] = undefined;
        if (this.stopped) break;
        failures++;
        // The first failure and then about one a minute: a peer down for hours is not a flood.
        if (failures === 1 || failures % RETRY_LOG_EVERY === 0) {
          this.o.logger.warn(
            { err, peer: this.o.peer, record: r, failures },
            'sync: retrying record',
          );
        }
        await this.retryPause(failures, err);
      }
    }
    this.barrier.acked();
    this.wake();
  }

  /**
   * The pause before retry `failures`: a peer that refused or did not answer the connection is
   * probed every PEER_DOWN_RETRY_MS, so a restarted one is seen within that; any other failure
   * backs off from RETRY_FIRST_MS to retryMs. retryNow() cuts every pause short.
   */
  private retryPause(failures: number, err: unknown): Promise<void> {
    const max = this.o.retryMs ?? 1000;
    const connectFailed =
      isFdfsError(err) && (err.code === 'ERR_CONNECT' || err.code === 'ERR_CONNECT_TIMEOUT');
    const ms = connectFailed
      ? Math.min(max, PEER_DOWN_RETRY_MS)
      : Math.min(max, (this.o.retryFirstMs ?? RETRY_FIRST_MS) * 2 ** Math.min(failures - 1, 16));
    return Promise.race([this.sleep(ms), this.retrySignal.promise]);
  }

  /** The peer is back (its status went up in the member list): retry failed records at once. */
  retryNow(): void {
    const signal = this.retrySignal;
    this.retrySignal = newSignal();
    signal.resolve();
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

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.abort.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.abort.signal.addEventListener('abort', done, { once: true });
    });
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

  private async sendOne(lane: number, r: BinlogRecord): Promise<void> {
    try {
      await sendRecord(await this.connection(lane), this.o.send, r, this.laneStates[lane]);
    } catch (err) {
      if (!(err instanceof RangeFallback || err instanceof RenameFallback)) throw err;
      const kind = err instanceof RangeFallback ? 'range' : 'rename';
      await sendFallback(await this.connection(lane), this.o.send, r, kind);
    }
  }

  /** The lane's connection; a new one (after REPORT_SERVER_ID) when the last was closed. */
  private async connection(lane: number): Promise<FramedConnection> {
    const c = this.conns[lane];
    if (c?.usable) return c;
    c?.destroy();
    const conn = await FramedConnection.connect({
      host: this.o.peer.host,
      port: this.o.peer.port,
      connectTimeoutMs: this.o.connectTimeoutMs ?? 3000,
      networkTimeoutMs: this.o.networkTimeoutMs ?? 30_000,
      signal: this.abort.signal,
    });
    await conn.request({
      cmd: S.REPORT_SERVER_ID,
      body: encodeReportServerId(this.o.myId),
      reply: { kind: 'whole', maxLength: 0 },
    });
    this.conns[lane] = conn;
    return conn;
  }
}
