// One push-replication task toward one peer (§8.6). It reads the binlog from the peer's mark and
// spreads the records over several lanes — each lane one connection, opened with
// REPORT_SERVER_ID (9) — hashed by file name, so records of one file stay in order while files
// go in parallel (C's sync_min_threads/sync_max_threads). The mark advances only past a batch all
// of whose records are done, and is written once per batch (not per record): after a crash the
// task resends at most one batch, which the peer answers idempotently.
import { FramedConnection } from '../../common/connection.js';
import type { Logger } from '../../common/logger.js';
import { StorageCommand as S } from '../../protocol/commands.js';
import { encodeReportServerId } from '../../protocol/messages/sync.js';
import type { MarkStore } from '../binlog/mark-store.js';
import type { BinlogRecord } from '../binlog/record.js';
import type { BinlogReader, ReadRecord } from '../binlog/reader.js';
import type { SyncMark } from '../binlog/sync-files.js';
import { shouldSend } from './record-filter.js';
import {
  RangeFallback,
  RenameFallback,
  sendFallback,
  sendRecord,
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
  /** Pause before a retry after a failure (default 1 s). */
  retryMs?: number;
  /** Awaited before each batch is sent (§8.7: wait for the peer's full copy, report SYNCING). */
  beforeBatch?: (signal: AbortSignal) => Promise<void>;
  /** The full copy reached the binlog's end, sync_old_done saved (§8.7 step 4: report OFFLINE). */
  onOldDataSynced?: () => Promise<void>;
  logger: Logger;
}

export { shouldSend } from './record-filter.js';

/** Time33 over the name that orders the record: a rename by its old name (§16 #16 hash). */
export function laneOf(r: BinlogRecord, lanes: number): number {
  const key = r.op === 'R' || r.op === 'r' ? r.srcFilename : r.filename;
  const base = key.endsWith('-m') ? key.slice(0, -2) : key;
  let h = 5381;
  for (let i = 0; i < base.length; i++) h = ((h << 5) + h + base.charCodeAt(i)) | 0;
  return (h >>> 0) % lanes;
}

export class SyncTask {
  private readonly abort = new AbortController();
  private readonly conns: (FramedConnection | undefined)[];
  private running: Promise<void> | undefined;
  /** Records sent (or skipped as needing nothing) since start; for tests and the bench. */
  synced = 0;
  /** The source timestamp of the last record that completed a batch. */
  lastTimestamp = 0;
  private readonly laneCount: number;

  constructor(private readonly o: SyncTaskOptions) {
    this.laneCount = Math.max(1, o.lanes ?? 4);
    this.conns = Array.from({ length: this.laneCount }, () => undefined);
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
    await this.running;
    for (const c of this.conns) c?.destroy();
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const batch = await this.o.reader.read(this.o.batch ?? 512);
      if (batch.length === 0) {
        if (this.o.mark.needSyncOld && !this.o.mark.syncOldDone) {
          this.o.mark = { ...this.o.mark, syncOldDone: true };
          await this.saveMark();
          await this.o.onOldDataSynced?.();
        }
        await this.o.reader.waitForData(30_000, this.abort.signal);
        continue;
      }
      await this.o.beforeBatch?.(this.abort.signal);
      if (this.stopped) return;
      await this.runBatch(batch);
      if (this.stopped) return;
      const last = batch[batch.length - 1]!;
      this.lastTimestamp = last.record.timestamp;
      await this.saveMark(last, batch.length);
    }
  }

  private async saveMark(last?: ReadRecord, rows = 0): Promise<void> {
    const m = this.o.mark;
    this.o.mark = {
      ...m,
      ...(last ? { binlogIndex: last.end.index, binlogOffset: last.end.offset } : {}),
      scanRowCount: m.scanRowCount + rows,
    };
    await this.o.marks.write(this.o.markFile, this.o.mark);
  }

  /** Every record of the batch done (retrying each until it succeeds or the task stops). */
  private async runBatch(batch: ReadRecord[]): Promise<void> {
    const lanes: BinlogRecord[][] = Array.from({ length: this.laneCount }, () => []);
    for (const r of batch) {
      if (shouldSend(r.record, this.o.mark))
        lanes[laneOf(r.record, this.laneCount)]!.push(r.record);
    }
    await Promise.all(lanes.map((records, i) => this.runLane(i, records)));
  }

  private async runLane(lane: number, records: BinlogRecord[]): Promise<void> {
    for (const r of records) {
      while (!this.stopped) {
        try {
          await this.sendOne(lane, r);
          this.synced++;
          this.o.mark = { ...this.o.mark, syncRowCount: this.o.mark.syncRowCount + 1 };
          break;
        } catch (err) {
          this.conns[lane]?.destroy();
          this.conns[lane] = undefined;
          this.o.logger.warn({ err, peer: this.o.peer, record: r }, 'sync: retrying record');
          await new Promise((res) => setTimeout(res, this.o.retryMs ?? 1000));
        }
      }
    }
  }

  private async sendOne(lane: number, r: BinlogRecord): Promise<void> {
    try {
      await sendRecord(await this.connection(lane), this.o.send, r);
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
