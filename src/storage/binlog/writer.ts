// The binlog writer (§8.3). Every append resolves only once its line has been written to the
// operating system — not held in a buffer as C does — so a SIGKILL loses no acknowledged record.
// With `fsync`, appends that arrive while a write is in flight share the next write and fsync
// (group commit). Rotation at 1 GiB updates binlog_index.dat atomically. A SIGKILL inside
// write(2) can leave the last batch cut short, a line without its '\n', never acknowledged: it is
// cut off at open, or the next line appended would be glued to it and lost to every reader (§8.3).
import { mkdir, open, readFile, stat, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-file.js';
import {
  BINLOG_ROTATE_SIZE,
  binlogFileName,
  formatBinlogLine,
  type BinlogRecord,
} from './record.js';
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

export class BinlogWriter {
  private file: FileHandle | undefined;
  private index: BinlogIndex = { currentWrite: 0, currentCompress: 0 };
  private size = 0;
  private queue: Pending[] = [];
  private writing = false;
  private closed = false;
  private readonly listeners = new Set<AppendListener>();
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
    this.file = await open(path, 'a+', 0o644);
    const size = (await stat(path)).size;
    this.size = await wholeLinesLength(this.file, size);
    if (this.size < size) {
      await truncate(path, this.size);
      this.tornBytes = size - this.size;
    }
  }

  /** Called after every batch reaches the OS, with the new end position. */
  onAppend(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        const data = Buffer.from(batch.map((p) => p.data).join(''), 'latin1');
        await this.file!.write(data, 0, data.length);
        this.stats.writes++;
        this.stats.lines += batch.length;
        if (this.options.fsync) {
          await this.file!.sync();
          this.stats.syncs++;
        }
        this.size += data.length;
        const end = this.position;
        for (const p of batch) p.resolve(end);
        for (const l of this.listeners) l(end);
        if (this.size >= (this.options.rotateSize ?? BINLOG_ROTATE_SIZE)) await this.rotate();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.writing = false;
  }

  private async rotate(): Promise<void> {
    await this.file!.close();
    this.index = { ...this.index, currentWrite: this.index.currentWrite + 1 };
    await writeFileAtomic(this.indexPath, formatBinlogIndex(this.index));
    await this.openCurrent();
    const end = this.position;
    for (const l of this.listeners) l(end);
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.writing || this.queue.length > 0) await new Promise((r) => setImmediate(r));
    await this.file?.close();
    this.file = undefined;
  }
}

/** The length of `file` (`size` bytes) up to and including its last '\n'; 0 when it has none. */
async function wholeLinesLength(file: FileHandle, size: number): Promise<number> {
  const chunk = Buffer.allocUnsafe(4096);
  for (let end = size; end > 0;) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await file.read(chunk, 0, end - start, start);
    const nl = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (nl >= 0) return start + nl + 1;
    end = start;
  }
  return 0;
}
