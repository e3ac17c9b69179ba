// The binlog writer (§8.3). Every append resolves only once its line has been written to the
// operating system — not held in a buffer as C does — so a SIGKILL loses no acknowledged record.
// With `fsync`, appends that arrive while a write is in flight share the next write and fsync
// (group commit). Appends of one event-loop turn (the uploads a small-file batch finished
// together) go out as one write. Rotation at 1 GiB updates binlog_index.dat atomically. The file
// is a plain descriptor used through node:fs's callback API, cheaper per write than a FileHandle.
// A SIGKILL inside write(2) can leave the last batch cut short, a line without its '\n', never
// acknowledged: it is cut off at open, or the next line appended would be glued to it and lost to
// every reader (§8.3).
import { close, fsync, open as openFd, write } from 'node:fs';
import { mkdir, open, readFile, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-file.js';
import {
  BINLOG_ROTATE_SIZE,
  binlogFileName,
  formatBinlogLine,
  type BinlogRecord,
} from './record.js';
import { RecentTail } from './recent-tail.js';
import { formatBinlogIndex, parseBinlogIndex, type BinlogIndex } from './sync-files.js';

export interface BinlogWriterOptions {
  /** `<base_path>/data/sync`. */
  dir: string;
  /** fsync each batch (our `fsync_binlog`). */
  fsync?: boolean;
  rotateSize?: number;
}

/** Where a record ended up: readers resume from such positions. */
export interface BinlogPosition {
  index: number;
  offset: number;
}

type AppendListener = (end: BinlogPosition) => void;

interface Pending {
  data: string;
  resolve: (end: BinlogPosition) => void;
  reject: (err: unknown) => void;
}

function writeAllAppend(fd: number, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const next = (from: number): void => {
      write(fd, data, from, data.length - from, null, (err, n) => {
        if (err) reject(err);
        else if (from + n < data.length) next(from + n);
        else resolve();
      });
    };
    next(0);
  });
}

const syncFd = (fd: number): Promise<void> =>
  new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
const closeFd = (fd: number): Promise<void> =>
  new Promise((resolve, reject) => close(fd, (err) => (err ? reject(err) : resolve())));

export class BinlogWriter {
  /** The descriptor of the current binlog file. */
  private file: number | undefined;
  /** A flush is due at the end of this event-loop turn. */
  private scheduled = false;
  private index: BinlogIndex = { currentWrite: 0, currentCompress: 0 };
  private size = 0;
  private queue: Pending[] = [];
  private writing = false;
  private closed = false;
  private readonly listeners = new Set<AppendListener>();
  /** The current file's last bytes, for the live readers (recent-tail.ts). */
  private readonly tail = new RecentTail();
  /** Counters for tests and benchmarks. */
  readonly stats = { writes: 0, syncs: 0, lines: 0 };
  /** Bytes of a torn last line cut off when the current file was opened. */
  tornBytes = 0;

  private constructor(private readonly options: BinlogWriterOptions) {}

  static async open(options: BinlogWriterOptions): Promise<BinlogWriter> {
    const writer = new BinlogWriter(options);
    await mkdir(options.dir, { recursive: true });
    try {
      writer.index = parseBinlogIndex(await readFile(writer.indexPath, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await writeFileAtomic(writer.indexPath, formatBinlogIndex(writer.index));
    }
    await writer.openCurrent();
    return writer;
  }

  private get indexPath(): string {
    return join(this.options.dir, 'binlog_index.dat');
  }

  /** Path of binlog file `index`. */
  filePath(index: number): string {
    return join(this.options.dir, binlogFileName(index));
  }

  /** The end of the binlog: the position after the last written line. */
  get position(): BinlogPosition {
    return { index: this.index.currentWrite, offset: this.size };
  }

  private async openCurrent(): Promise<void> {
    const path = this.filePath(this.index.currentWrite);
    const size = await stat(path).then(
      (st) => st.size,
      () => 0,
    );
    const whole = size > 0 ? await wholeLinesLength(path, size) : 0;
    if (whole < size) {
      await truncate(path, whole);
      this.tornBytes = size - whole;
    }
    this.file = await new Promise<number>((resolve, reject) =>
      openFd(path, 'a', 0o644, (err, fd) => (err ? reject(err) : resolve(fd))),
    );
    this.size = whole;
    this.tail.reset(whole);
  }

  /** Called after every batch reaches the OS, with the new end position. */
  onAppend(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Up to `max` written bytes of the current file from `from`, when still held in memory;
   * undefined otherwise (the reader reads the file).
   */
  recent(from: BinlogPosition, max: number): Buffer | undefined {
    if (from.index !== this.index.currentWrite) return undefined;
    return this.tail.read(from.offset, max);
  }

  append(record: BinlogRecord): Promise<BinlogPosition> {
    return this.appendLines(formatBinlogLine(record));
  }

  /** Several records as one unit (they land in the same write, in order). */
  appendMany(records: readonly BinlogRecord[]): Promise<BinlogPosition> {
    return this.appendLines(records.map(formatBinlogLine).join(''));
  }

  private appendLines(data: string): Promise<BinlogPosition> {
    if (this.closed) return Promise.reject(new Error('binlog writer is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ data, resolve, reject });
      if (!this.writing && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          if (!this.writing) void this.flush();
        });
      }
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        const data = Buffer.from(batch.map((p) => p.data).join(''), 'latin1');
        await writeAllAppend(this.file!, data);
        this.stats.writes++;
        this.stats.lines += batch.length;
        if (this.options.fsync) {
          await syncFd(this.file!);
          this.stats.syncs++;
        }
        this.size += data.length;
        this.tail.push(data);
        const end = this.position;
        for (const p of batch) p.resolve(end);
        for (const l of this.listeners) l(end);
        if (this.size >= (this.options.rotateSize ?? BINLOG_ROTATE_SIZE)) await this.rotate();
      } catch (err) {
        // A failed write may have left part of the batch in the file: the offsets held in memory
        // no longer match it, so readers go back to reading the file.
        this.tail.reset(Number.MAX_SAFE_INTEGER);
        for (const p of batch) p.reject(err);
      }
    }
    this.writing = false;
  }

  private async rotate(): Promise<void> {
    await closeFd(this.file!);
    // Until the new file is open nothing is served from memory: the tail still holds file N's
    // bytes, which must not pass for N+1's.
    this.tail.reset(Number.MAX_SAFE_INTEGER);
    this.index = { ...this.index, currentWrite: this.index.currentWrite + 1 };
    await writeFileAtomic(this.indexPath, formatBinlogIndex(this.index));
    await this.openCurrent();
    const end = this.position;
    for (const l of this.listeners) l(end);
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.writing || this.scheduled || this.queue.length > 0) {
      await new Promise((r) => setImmediate(r));
    }
    if (this.file !== undefined) await closeFd(this.file);
    this.file = undefined;
  }
}

/** The length of `file` (`size` bytes) up to and including its last '\n'; 0 when it has none. */
async function wholeLinesLength(path: string, size: number): Promise<number> {
  const file = await open(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(4096);
    for (let end = size; end > 0;) {
      const start = Math.max(0, end - chunk.length);
      const { bytesRead } = await file.read(chunk, 0, end - start, start);
      const nl = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (nl >= 0) return start + nl + 1;
      end = start;
    }
    return 0;
  } finally {
    await file.close();
  }
}
