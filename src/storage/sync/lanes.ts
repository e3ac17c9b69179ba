// The lanes of one sync task (§8.6): each lane is one connection to the peer, opened with
// REPORT_SERVER_ID (9), and works through its own queue in order — records are hashed to a lane
// by the file name that orders them, so records of one file stay in order while files go in
// parallel (C's sync_min_threads/sync_max_threads). A lane reads ahead the files of the next few
// records of its queue, so a read overlaps the round trips before it. A failed record is retried
// on its lane after a pause, the records behind it waiting (§8.6 "rewind to the first failed
// record"); the peer answers a record sent twice idempotently.
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { FramedConnection } from '../../common/connection.js';
import { isFdfsError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { WakeablePauses } from '../../common/pause.js';
import { StorageCommand as S } from '../../protocol/commands.js';
import { encodeReportServerId } from '../../protocol/messages/sync.js';
import type { BinlogRecord } from '../binlog/record.js';
import { orderKey } from './barrier.js';
import {
  prefetchRecord,
  RangeFallback,
  RenameFallback,
  sendFallback,
  sendRecord,
  type LaneState,
  type Prefetched,
  type SendContext,
} from './record-sender.js';

export interface LanesOptions {
  /** Our storage id (or IP), sent with REPORT_SERVER_ID. */
  myId: string;
  peer: { host: string; port: number };
  send: SendContext;
  lanes: number;
  connectTimeoutMs?: number | undefined;
  networkTimeoutMs?: number | undefined;
  /** Longest pause before a retry after a failure (default 1 s; see retryPause). */
  retryMs?: number | undefined;
  /** The first pause after a failure other than a failed connect (default 100 ms; tests). */
  retryFirstMs?: number | undefined;
  /** An idle lane's connection is tested with ACTIVE_TEST this often (heart_beat_interval, §8.6). */
  activeTestMs?: number | undefined;
  logger: Logger;
  /** The task's stop signal. */
  signal: AbortSignal;
}

/** One record on its way through a lane. */
export interface LaneJob {
  readonly record: BinlogRecord;
  /** Its file, read ahead of its turn; used by the first attempt only. */
  prefetched?: Prefetched | undefined;
}

/** Time33 over the name that orders the record: a rename by its old name (§16 #16 hash). */
export function laneOf(r: BinlogRecord, lanes: number): number {
  const base = orderKey(r);
  let h = 5381;
  for (let i = 0; i < base.length; i++) h = ((h << 5) + h + base.charCodeAt(i)) | 0;
  return (h >>> 0) % lanes;
}

/** A lane reads ahead the files of this many records behind the one it is sending. */
const PREFETCH_AHEAD = 4;
/** Retry pauses: after a failed connect, and the first after any other failure. */
const PEER_DOWN_RETRY_MS = 250;
const RETRY_FIRST_MS = 100;
/** A retried record logs its first failure, then every this many. */
const RETRY_LOG_EVERY = 240;

export class Lanes<J extends LaneJob> {
  private readonly conns: (FramedConnection | undefined)[];
  private readonly chains: Promise<void>[];
  private readonly states: LaneState[];
  /** Each lane's jobs, given and not yet done, in order. */
  private readonly waiting: J[][];
  /** The retry pauses in progress (retryNow ends them). */
  private readonly retryPauses = new WakeablePauses();

  /**
   * `onSent`: the peer acknowledged the job's record (applied, or answered as already there).
   * `onAbandoned`: the task stopped before it was.
   */
  constructor(
    private readonly o: LanesOptions,
    private readonly onSent: (job: J) => void,
    private readonly onAbandoned: (job: J) => void,
  ) {
    const n = Math.max(1, o.lanes);
    this.conns = Array.from({ length: n }, () => undefined);
    this.chains = Array.from({ length: n }, () => Promise.resolve());
    this.states = Array.from({ length: n }, () => ({ careful: false }));
    this.waiting = Array.from({ length: n }, () => []);
    // Every lane's connect and every pause listen to the one stop signal.
    setMaxListeners(4 * n + 16, o.signal);
  }

  private get stopped(): boolean {
    return this.o.signal.aborted;
  }

  /** Queue `job` on its lane. */
  push(job: J): void {
    const lane = laneOf(job.record, this.conns.length);
    const waiting = this.waiting[lane]!;
    waiting.push(job);
    if (waiting.length <= PREFETCH_AHEAD + 1) this.prefetch(job);
    this.chains[lane] = this.chains[lane]!.then(() => this.run(lane, job));
  }

  /** The peer is back (its status went up in the member list): retry failed records at once. */
  retryNow(): void {
    this.retryPauses.wakeAll();
  }

  /** After the stop signal: close the connections and wait for every lane to finish. */
  async close(): Promise<void> {
    for (const c of this.conns) c?.destroy();
    this.retryNow();
    await Promise.all(this.chains);
    for (const c of this.conns) c?.destroy();
  }

  /** §8.6: ACTIVE_TEST (111) on lanes idle for activeTestMs; a dead one is closed, reopened on use. */
  async testIdleConnections(): Promise<void> {
    const every = this.o.activeTestMs ?? 30_000;
    await Promise.all(
      this.conns.map(async (c, lane) => {
        if (!c?.usable || performance.now() - c.idleSinceMs < every) return;
        try {
          await c.activeTest(this.o.signal);
        } catch {
          c.destroy();
          if (this.conns[lane] === c) this.conns[lane] = undefined;
        }
      }),
    );
  }

  private prefetch(job: J | undefined): void {
    if (job && !job.prefetched && !this.stopped)
      job.prefetched = prefetchRecord(this.o.send, job.record);
  }

  private async run(lane: number, job: J): Promise<void> {
    try {
      if (await this.sendWithRetries(lane, job)) this.onSent(job);
      else this.onAbandoned(job);
    } finally {
      // The lane's next jobs move up: the one PREFETCH_AHEAD behind is read ahead now.
      const waiting = this.waiting[lane]!;
      waiting.shift();
      this.prefetch(waiting[PREFETCH_AHEAD]);
    }
  }

  /** Send the job's record, retrying after a pause; false when the task stopped first. */
  private async sendWithRetries(lane: number, job: J): Promise<boolean> {
    const r = job.record;
    let failures = 0;
    while (!this.stopped) {
      const prefetched = job.prefetched;
      job.prefetched = undefined;
      try {
        await this.sendOne(lane, r, prefetched);
        if (failures > 0) {
          this.o.logger.info({ peer: this.o.peer, failures }, 'sync: record sent after retries');
        }
        return true;
      } catch (err) {
        this.conns[lane]?.destroy();
        this.conns[lane] = undefined;
        if (this.stopped) break;
        failures++;
        // The first failure, then every RETRY_LOG_EVERY-th (a minute for a refused connect, a few
        // for other failures): a peer down for hours is not a flood.
        if (failures === 1 || failures % RETRY_LOG_EVERY === 0) {
          this.o.logger.warn(
            { err, peer: this.o.peer, record: r, failures },
            'sync: retrying record',
          );
        }
        await this.retryPause(failures, err);
      }
    }
    return false;
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
    const first = this.o.retryFirstMs ?? RETRY_FIRST_MS;
    const ms = connectFailed
      ? Math.min(max, PEER_DOWN_RETRY_MS)
      : Math.min(max, first * 2 ** Math.min(failures - 1, 16));
    return this.retryPauses.pause(ms, this.o.signal);
  }

  private async sendOne(lane: number, r: BinlogRecord, prefetched?: Prefetched): Promise<void> {
    try {
      const conn = await this.connection(lane);
      await sendRecord(conn, this.o.send, r, this.states[lane], prefetched);
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
      signal: this.o.signal,
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
