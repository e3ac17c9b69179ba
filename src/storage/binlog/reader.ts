// A binlog reader (§8.3): reads `binlog.NNN` from a position, rolls over to the next file, and
// skips malformed lines — the C storage writes `<ts> L  <target>` and `<ts> l ` for links
// (§16 #2) — logging each, so it never stalls. A reader never sees a partial line: it stops at
// the last `\n`. New lines wake it through the writer's append event, not a poll.
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../common/logger.js';
import { binlogFileName, parseBinlogLine, type BinlogRecord } from './record.js';
import type { BinlogPosition } from './writer.js';

/** What wakes a waiting reader: the live writer's append event (§8.6, event-driven). */
export interface AppendSource {
  onAppend(listener: (end: BinlogPosition) => void): () => void;
  readonly position: BinlogPosition;
  /** Written bytes from `from` still held in memory (recent-tail.ts), or undefined. */
  recent?(from: BinlogPosition, max: number): Buffer | undefined;
}

export interface BinlogReaderOptions {
  /** `<base_path>/data/sync`. */
  dir: string;
  from: BinlogPosition;
  /** The live writer; without it (a C base path, a finished stream) waits fall back to a timer. */
  source?: AppendSource;
  logger?: Logger;
  /** Bytes read per call (default 256 KiB). */
  chunkSize?: number;
  /** Fallback wait without a source (default 500 ms). */
  idleWaitMs?: number;
}

/** One record and the position just after its line: the mark to save once it is synced. */
export interface ReadRecord {
  record: BinlogRecord;
  start: BinlogPosition;
  end: BinlogPosition;
}

export function comparePositions(a: BinlogPosition, b: BinlogPosition): number {
  return a.index !== b.index ? a.index - b.index : a.offset - b.offset;
}

export class BinlogReader {
  private pos: BinlogPosition;
  /** Malformed lines skipped so far (each one logged). */
  skipped = 0;
  /** Lines read, good or bad (the mark's scan_row_count). */
  scanned = 0;

  constructor(private readonly options: BinlogReaderOptions) {
    this.pos = { ...options.from };
  }

  /** Position of the next unread line. */
  get position(): BinlogPosition {
    return { ...this.pos };
  }

  private path(index: number): string {
    return join(this.options.dir, binlogFileName(index));
  }

  private async size(index: number): Promise<number | undefined> {
    try {
      return (await stat(this.path(index))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /**
   * Up to `max` records after the current position; empty when the binlog is exhausted. Moves to
   * `binlog.<N+1>` once file N is read to its end and the next one exists (rotation).
   */
  async read(max = 1024): Promise<ReadRecord[]> {
    const out: ReadRecord[] = [];
    while (out.length < max) {
      const held = this.options.source?.recent?.(this.pos, this.chunkSize);
      // The writer's current file, from memory: at its end there is nothing more yet. (A line
      // longer than the chunk is left to the file read below, which grows its chunk.)
      if (held?.length === 0) break;
      if (held && this.parseChunk(held, held.length, max - out.length, out)) continue;
      const size = await this.size(this.pos.index);
      if (size !== undefined && this.pos.offset < size) {
        if (!(await this.readChunk(size, max - out.length, out))) break;
        continue;
      }
      // File N is complete once N+1 exists: the writer rotates only after its last write.
      if ((await this.size(this.pos.index + 1)) === undefined) break;
      this.pos = { index: this.pos.index + 1, offset: 0 };
    }
    return out;
  }

  private get chunkSize(): number {
    return this.options.chunkSize ?? 256 * 1024;
  }

  /** Parse whole lines from the current file; false when only a partial line is there. */
  private async readChunk(size: number, max: number, out: ReadRecord[]): Promise<boolean> {
    const length = Math.min(size - this.pos.offset, this.chunkSize);
    const buf = Buffer.allocUnsafe(length);
    const file = await open(this.path(this.pos.index), 'r');
    let n: number;
    try {
      ({ bytesRead: n } = await file.read(buf, 0, length, this.pos.offset));
    } finally {
      await file.close();
    }
    return this.parseChunk(buf, n, max, out, size);
  }

  /**
   * Take up to `max` whole lines from the `n` bytes of `buf` at the current position.
   * False when only a partial line is there (`size`: the file's, when known from a stat).
   */
  private parseChunk(
    buf: Buffer,
    n: number,
    max: number,
    out: ReadRecord[],
    size?: number,
  ): boolean {
    let lineStart = 0;
    let taken = 0;
    while (taken < max) {
      const nl = buf.indexOf(0x0a, lineStart);
      if (nl < 0 || nl >= n) break;
      const start = { index: this.pos.index, offset: this.pos.offset + lineStart };
      const end = { index: this.pos.index, offset: this.pos.offset + nl + 1 };
      const line = buf.toString('latin1', lineStart, nl);
      lineStart = nl + 1;
      this.scanned++;
      const parsed = parseBinlogLine(line);
      if (parsed.ok) {
        out.push({ record: parsed.record, start, end });
        taken++;
      } else {
        this.skipped++;
        this.options.logger?.warn(
          { file: binlogFileName(start.index), offset: start.offset, line, reason: parsed.reason },
          'binlog: skipping malformed line',
        );
      }
    }
    if (lineStart === 0) {
      // A line longer than the chunk would stall us; read it with a chunk twice as large.
      if (size === undefined || n === size - this.pos.offset) return false;
      this.options.chunkSize = this.chunkSize * 2;
      return true;
    }
    this.pos = { index: this.pos.index, offset: this.pos.offset + lineStart };
    return true;
  }

  /** Jump to a position (a task rewinding to its first failed record). */
  seek(to: BinlogPosition): void {
    this.pos = { ...to };
  }

  /**
   * Resolve when the writer appends past our position, or after `timeoutMs`, or on `signal`.
   * Resolves at once if the writer is already ahead.
   */
  waitForData(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const source = this.options.source;
    if (source && comparePositions(source.position, this.pos) > 0) return Promise.resolve();
    return new Promise((resolve) => {
      let off = (): void => {};
      const done = (): void => {
        clearTimeout(timer);
        off();
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(
        done,
        source ? timeoutMs : Math.min(timeoutMs, this.options.idleWaitMs ?? 500),
      );
      if (source) off = source.onAppend(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
