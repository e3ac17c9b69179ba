// File content from a stream to disk (issue 4, "How files are written"): exactly N bytes of a
// Readable go to a file descriptor. Chunks are queued as they arrive and each batch goes to disk
// in one `writev`, without copying; when 1 MiB waits for the disk the Readable is paused, so
// memory stays flat whatever the size (the socket behind it stops being read). The CRC32 is
// computed on the way (`zlib.crc32`, the §7.2 CRC). `fsync_after_written_bytes` syncs every N
// bytes, and once more at the end. Any failure (a full disk, an I/O error, a stream that errors
// or ends early because the client went away) rejects with an FdfsError carrying the errno
// (ENOSPC stays ENOSPC), only once no write is in flight on the descriptor; `writeTempFile`
// then removes the partial file.
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { FdfsError } from '../../common/errors.js';
import type { StoreFs } from './fs-layer.js';
import { ioError } from './errors.js';

export interface ContentWriteOptions {
  /** fsync_after_written_bytes: sync after every this many bytes and at the end; 0 = never. */
  fsyncEvery?: number;
  /** Bytes that may wait for the disk before the source is paused (default 1 MiB). */
  highWaterMark?: number;
}

export interface WrittenContent {
  bytes: number;
  /** Unsigned CRC32 of the bytes written. */
  crc32: number;
}

/** Write all of `buffers` (`total` bytes) at `position`, continuing after short writes. */
export async function writeAll(
  fs: StoreFs,
  fd: number,
  buffers: Buffer[],
  total: number,
  position: number,
): Promise<void> {
  let done = 0;
  let parts = buffers;
  while (done < total) {
    const n =
      parts.length === 1
        ? await fs.write(fd, parts[0]!, 0, parts[0]!.length, position + done)
        : await fs.writev(fd, parts, position + done);
    if (n <= 0) throw new FdfsError('ERR_IO', 'a write wrote nothing');
    done += n;
    if (done < total) {
      let skip = n;
      const rest: Buffer[] = [];
      for (const b of parts) {
        if (skip >= b.length) skip -= b.length;
        else {
          rest.push(skip > 0 ? b.subarray(skip) : b);
          skip = 0;
        }
      }
      parts = rest;
    }
  }
}

/**
 * Write exactly `length` bytes of `source` into `fd` from `position` on. Rejects when the source
 * errors, ends early or brings more, or a write fails; what was written stays, for the caller.
 */
export function writeStreamToFd(
  fs: StoreFs,
  source: Readable,
  fd: number,
  position: number,
  length: number,
  options: ContentWriteOptions = {},
): Promise<WrittenContent> {
  const fsyncEvery = options.fsyncEvery ?? 0;
  const highWaterMark = options.highWaterMark ?? 1 << 20;
  return new Promise<WrittenContent>((resolve, reject) => {
    let received = 0;
    let crc = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let writing = false;
    let ended = false;
    let settled = false;
    let failure: unknown;
    let offset = position;
    let sinceSync = 0;

    const cleanup = (): void => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      source.off('close', onClose);
    };
    const settle = (): void => {
      if (settled || writing) return;
      if (failure !== undefined) {
        settled = true;
        reject(ioError(failure, 'writing file content'));
      } else if (ended && pending.length === 0) {
        settled = true;
        resolve({ bytes: received, crc32: crc >>> 0 });
      }
    };
    const fail = (err: unknown): void => {
      if (failure !== undefined || settled) return;
      failure = err;
      cleanup();
      // Stop the source (as pipeline() would); the connection drains or closes what is left.
      if (!source.destroyed) source.destroy();
      settle();
    };
    const flush = async (): Promise<void> => {
      writing = true;
      try {
        while (pending.length > 0 && failure === undefined) {
          const batch = pending;
          const n = pendingBytes;
          pending = [];
          pendingBytes = 0;
          if (source.isPaused() && !ended) source.resume();
          await writeAll(fs, fd, batch, n, offset);
          offset += n;
          sinceSync += n;
          if (fsyncEvery > 0 && (sinceSync >= fsyncEvery || (ended && pending.length === 0))) {
            sinceSync = 0;
            await fs.fsync(fd);
          }
        }
      } catch (err) {
        failure ??= err;
        cleanup();
        if (!source.destroyed) source.destroy();
      }
      writing = false;
      settle();
    };
    function onData(chunk: Buffer): void {
      if (received + chunk.length > length) {
        fail(new FdfsError('ERR_BAD_BODY', `content is longer than the ${length} bytes announced`));
        return;
      }
      crc = crc32(chunk, crc);
      received += chunk.length;
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= highWaterMark) source.pause();
      if (!writing) void flush();
    }
    function onEnd(): void {
      ended = true;
      cleanup();
      if (received !== length) {
        fail(new FdfsError('ERR_BAD_BODY', `content ended after ${received} of ${length} bytes`));
        return;
      }
      // A last fsync when the final batch was written before 'end' arrived.
      if (fsyncEvery > 0 && !writing && sinceSync > 0) {
        writing = true;
        fs.fsync(fd).then(
          () => {
            writing = false;
            sinceSync = 0;
            settle();
          },
          (err: unknown) => {
            writing = false;
            failure ??= err;
            settle();
          },
        );
        return;
      }
      settle();
    }
    function onError(err: unknown): void {
      fail(err);
    }
    function onClose(): void {
      if (!ended) {
        fail(new FdfsError('ERR_BAD_BODY', `content ended after ${received} of ${length} bytes`));
      }
    }

    if (source.destroyed && !source.readableEnded) {
      failure = source.errored ?? new FdfsError('ERR_BAD_BODY', 'the content stream was closed');
      settle();
      return;
    }
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', onError);
    source.on('close', onClose);
  });
}

export interface TempFileResult extends WrittenContent {
  path: string;
  /** The file's mtime once complete, unix seconds (the timestamp of its name, §7.2). */
  mtime: number;
}

/**
 * Stream `source` (exactly `length` bytes) into the new file `tempPath`. On success the file is
 * complete and closed; on any failure it no longer exists.
 */
export async function writeTempFile(
  fs: StoreFs,
  source: Readable,
  length: number,
  tempPath: string,
  options: ContentWriteOptions = {},
): Promise<TempFileResult> {
  let fd: number | undefined;
  try {
    fd = await fs.open(tempPath, 'wx', 0o644);
    const written = await writeStreamToFd(fs, source, fd, 0, length, options);
    const stats = await fs.fstat(fd);
    const closing = fd;
    fd = undefined;
    await fs.close(closing);
    return { ...written, path: tempPath, mtime: Math.floor(stats.mtimeMs / 1000) };
  } catch (err) {
    if (fd !== undefined) await fs.close(fd).catch(() => {});
    await fs.unlink(tempPath).catch(() => {});
    throw ioError(err, `writing ${tempPath}`);
  }
}
