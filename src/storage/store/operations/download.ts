// DOWNLOAD_FILE (14), §6.1, with the one range rule of issue 4:
// - an empty file with offset 0 downloads as status 0 and an empty body (C answers EINVAL, §16 #3);
// - on a non-empty file, an offset at or past the end is EINVAL;
// - a length past the end is cut to what remains (6.16); a length of 0 means "to the end".
// The content is a ReadStream over the open file, positioned on the range: it goes file → socket
// with backpressure, without being copied into strings or extra buffers.
import { Readable } from 'node:stream';
import { Errno } from '../../../protocol/errno.js';
import { invalid, ioError, storeError } from '../errors.js';
import type { StoreContext } from './context.js';
import { countFileIo } from './common.js';
import { rangeCount } from './range.js';
import { jobError } from '../small-io/pool.js';

/** A small range, already read whole: one socket write carries header and bytes. */
export interface InlineDownload {
  content: Buffer;
  length: number;
  fileSize: number;
}

export interface Download {
  /** Exactly `length` bytes; destroy it to stop early (the file is closed either way). */
  stream: Readable;
  length: number;
  /** The whole file's size. */
  fileSize: number;
}

/** Read size of the stream: large enough for fast local copies, small enough to stay flat. */
export const DOWNLOAD_CHUNK = 256 * 1024;

/**
 * Ranges up to this size are read in one call and sent from memory: for the small files FastDFS
 * is built for, a ReadStream and its pipe cost more than the bytes (measured: bench `storage`,
 * 4 KiB downloads). Larger ranges stream, so memory stays flat whatever the size.
 */
export const INLINE_DOWNLOAD_MAX = 64 * 1024;

function checkRangeValue(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw invalid(`download ${what} ${value} is not ≥ 0`);
}

/** The open file and the range of it to send, after the range rules above. */
interface OpenRange {
  /** Undefined for an empty file (already closed). */
  fd: number | undefined;
  start: number;
  count: number;
  fileSize: number;
}

async function openRange(
  ctx: StoreContext,
  logicName: string,
  offset: number,
  length: number,
): Promise<OpenRange> {
  checkRangeValue(offset, 'offset');
  checkRangeValue(length, 'length');
  const resolved = ctx.layout.resolve(logicName);
  let fd: number;
  try {
    fd = await ctx.fs.open(resolved.dataPath, 'r');
  } catch (err) {
    throw ioError(err, `open ${logicName}`);
  }
  try {
    const stats = await ctx.fs.fstat(fd);
    if (!stats.isFile()) throw storeError(Errno.EISDIR, `${logicName} is not a regular file`);
    const fileSize = stats.size;
    const count = rangeCount(fileSize, offset, length, logicName);
    if (count === 0) {
      await ctx.fs.close(fd);
      return { fd: undefined, start: 0, count: 0, fileSize };
    }
    return { fd, start: offset, count, fileSize };
  } catch (err) {
    await ctx.fs.close(fd).catch(() => {});
    throw err;
  }
}

function countDownload(ctx: StoreContext, ok: boolean, bytes: number): void {
  countFileIo(ctx, 'read', ok);
  ctx.stats.record('download', ok, bytes);
}

function streamRange(ctx: StoreContext, range: OpenRange & { fd: number }): Download {
  const { fd, start, count, fileSize } = range;
  const stream = ctx.fs.createReadStream(fd, {
    start,
    end: start + count - 1,
    highWaterMark: DOWNLOAD_CHUNK,
  });
  let ended = false;
  stream.once('end', () => {
    ended = true;
    countDownload(ctx, true, count);
  });
  stream.once('close', () => {
    if (ended) return;
    countDownload(ctx, false, (stream as Readable & { bytesRead?: number }).bytesRead ?? 0);
  });
  return { stream, length: count, fileSize };
}

/** Read the whole range; a file cut short meanwhile answers with what was there. */
async function readRange(
  ctx: StoreContext,
  range: OpenRange & { fd: number },
): Promise<InlineDownload> {
  const { fd, start, count, fileSize } = range;
  const content = Buffer.allocUnsafe(count);
  let got = 0;
  try {
    while (got < count) {
      const n = await ctx.fs.read(fd, content, got, count - got, start + got);
      if (n === 0) break;
      got += n;
    }
  } finally {
    // Closing is off the reply's path; a failed close of a read-only descriptor loses nothing.
    ctx.fs.close(fd).catch(() => {});
  }
  countDownload(ctx, true, got);
  return { content: got === count ? content : content.subarray(0, got), length: got, fileSize };
}

/**
 * A range of at most `INLINE_DOWNLOAD_MAX` bytes read by one small-file worker job (open, fstat,
 * read, close there: small-io/); undefined when the range is longer (the caller streams it).
 */
async function readSmall(
  ctx: StoreContext,
  logicName: string,
  offset: number,
  length: number,
): Promise<InlineDownload | undefined> {
  checkRangeValue(offset, 'offset');
  checkRangeValue(length, 'length');
  const { dataPath } = ctx.layout.resolve(logicName);
  const r = await ctx.smallIo!.run({
    kind: 'read',
    path: dataPath,
    offset,
    length,
    max: INLINE_DOWNLOAD_MAX,
  });
  if (!r.ok) throw jobError(r, `open ${logicName}`);
  if (r.kind !== 'read') throw new Error('a read job answered as another kind');
  const count = rangeCount(r.fileSize, offset, length, logicName);
  if (count > INLINE_DOWNLOAD_MAX) return undefined;
  const content = r.data
    ? Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength)
    : Buffer.alloc(0);
  countDownload(ctx, true, content.length);
  return { content, length: content.length, fileSize: r.fileSize };
}

async function withDownloadErrors<T>(
  ctx: StoreContext,
  logicName: string,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    ctx.stats.record('download', false);
    throw ioError(err, `download ${logicName}`);
  }
}

/** DOWNLOAD_FILE as a stream of the range, whatever its size (replication sends files this way). */
export function openDownload(
  ctx: StoreContext,
  logicName: string,
  offset: number,
  length: number,
): Promise<Download> {
  return withDownloadErrors(ctx, logicName, async () => {
    const range = await openRange(ctx, logicName, offset, length);
    if (range.fd === undefined) {
      countDownload(ctx, true, 0);
      return { stream: Readable.from([]), length: 0, fileSize: range.fileSize };
    }
    return streamRange(ctx, { ...range, fd: range.fd });
  });
}

/** DOWNLOAD_FILE for a client: ranges up to `INLINE_DOWNLOAD_MAX` read whole, larger ones streamed. */
export function openOrReadDownload(
  ctx: StoreContext,
  logicName: string,
  offset: number,
  length: number,
): Promise<Download | InlineDownload> {
  return withDownloadErrors(ctx, logicName, async () => {
    if (ctx.smallIo) {
      const small = await readSmall(ctx, logicName, offset, length);
      if (small) return small;
    }
    const range = await openRange(ctx, logicName, offset, length);
    if (range.fd === undefined) {
      countDownload(ctx, true, 0);
      return { content: Buffer.alloc(0), length: 0, fileSize: range.fileSize };
    }
    const open = { ...range, fd: range.fd };
    return range.count <= INLINE_DOWNLOAD_MAX ? readRange(ctx, open) : streamRange(ctx, open);
  });
}
