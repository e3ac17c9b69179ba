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

export interface Download {
  /** Exactly `length` bytes; destroy it to stop early (the file is closed either way). */
  stream: Readable;
  length: number;
  /** The whole file's size. */
  fileSize: number;
}

/** Read size of the stream: large enough for fast local copies, small enough to stay flat. */
export const DOWNLOAD_CHUNK = 256 * 1024;

function checkRangeValue(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw invalid(`download ${what} ${value} is not ≥ 0`);
}

export async function openDownload(
  ctx: StoreContext,
  logicName: string,
  offset: number,
  length: number,
): Promise<Download> {
  let fd: number | undefined;
  let counted = false;
  try {
    checkRangeValue(offset, 'offset');
    checkRangeValue(length, 'length');
    const resolved = ctx.layout.resolve(logicName);
    try {
      fd = await ctx.fs.open(resolved.dataPath, 'r');
    } catch (err) {
      throw ioError(err, `open ${logicName}`);
    }
    const stats = await ctx.fs.fstat(fd);
    if (!stats.isFile()) throw storeError(Errno.EISDIR, `${logicName} is not a regular file`);
    const fileSize = stats.size;
    if (fileSize === 0 && offset === 0) {
      const closing = fd;
      fd = undefined;
      await ctx.fs.close(closing);
      countFileIo(ctx, 'read', true);
      ctx.stats.record('download', true, 0);
      counted = true;
      return { stream: Readable.from([]), length: 0, fileSize };
    }
    if (offset >= fileSize) {
      throw invalid(
        `download offset ${offset} is not below the size of ${logicName} (${fileSize})`,
      );
    }
    const remaining = fileSize - offset;
    const count = length === 0 || length > remaining ? remaining : length;
    const stream = ctx.fs.createReadStream(fd, {
      start: offset,
      end: offset + count - 1,
      highWaterMark: DOWNLOAD_CHUNK,
    });
    fd = undefined; // the stream closes it
    counted = true;
    let ended = false;
    stream.once('end', () => {
      ended = true;
      countFileIo(ctx, 'read', true);
      ctx.stats.record('download', true, count);
    });
    stream.once('close', () => {
      if (ended) return;
      countFileIo(ctx, 'read', false);
      ctx.stats.record(
        'download',
        false,
        (stream as Readable & { bytesRead?: number }).bytesRead ?? 0,
      );
    });
    return { stream, length: count, fileSize };
  } catch (err) {
    if (fd !== undefined) await ctx.fs.close(fd).catch(() => {});
    if (!counted) ctx.stats.record('download', false);
    throw ioError(err, `download ${logicName}`);
  }
}
