// What FastDfsClient accepts as file content and as a download sink: a Buffer, a file path, or a
// stream (a Readable with its size; any Writable). Files are streamed, never read whole.
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { FdfsError } from '../common/errors.js';
import type { UploadContent } from './storage-uploads.js';

/** A Buffer, a path of a file to send, or a Readable (then `size` is required). */
export type UploadSource = Buffer | Uint8Array | string | Readable;

/** Content for the low-level clients; `close` releases a file stream that was not consumed. */
export interface OpenedSource extends UploadContent {
  close(): void;
}

export async function openSource(source: UploadSource, size?: number): Promise<OpenedSource> {
  if (typeof source === 'string') {
    const info = await stat(source).catch((err: NodeJS.ErrnoException) => {
      throw new FdfsError(
        'ERR_INVALID_ARGUMENT',
        `cannot read ${source}: ${err.code ?? err.message}`,
        {
          cause: err,
        },
      );
    });
    if (!info.isFile()) {
      throw new FdfsError('ERR_INVALID_ARGUMENT', `${source} is not a regular file`);
    }
    const stream = createReadStream(source);
    return { content: stream, size: info.size, close: () => stream.destroy() };
  }
  if (source instanceof Readable) {
    if (size === undefined || !Number.isSafeInteger(size) || size < 0) {
      throw new FdfsError(
        'ERR_INVALID_ARGUMENT',
        'a Readable source needs its size (options.size)',
      );
    }
    return { content: source, size, close: () => undefined };
  }
  const buffer = Buffer.isBuffer(source)
    ? source
    : Buffer.from(source.buffer, source.byteOffset, source.byteLength);
  return { content: buffer, size: buffer.length, close: () => undefined };
}

/** A download sink: a Writable as given (left open), or a file created at a path. */
export interface OpenedSink {
  sink: Writable;
  /** Wait until a file is flushed and closed; a given Writable is left alone. */
  finish(ok: boolean): Promise<void>;
}

export async function openSink(target: string | Writable): Promise<OpenedSink> {
  if (typeof target !== 'string') return { sink: target, finish: async () => undefined };
  const file = await openFileStream(target);
  return {
    sink: file,
    async finish(ok) {
      if (!ok) {
        // Leave no empty or partial file behind a failed download.
        file.destroy();
        await rm(target, { force: true });
        return;
      }
      file.end();
      await finished(file);
    },
  };
}

/** A file created (or replaced) for writing, once it is open: a bad path rejects here. */
export async function openFileStream(path: string): Promise<Writable> {
  const file = createWriteStream(path);
  await once(file, 'ready');
  return file;
}
