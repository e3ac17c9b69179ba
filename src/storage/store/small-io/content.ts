// A small upload's content, gathered whole from the connection's Readable into one buffer of its
// own (the worker receives it transferred: a socket chunk would drag its whole slab along).
// The same rules as writeStreamToFd (content-writer.ts): exactly `length` bytes, or ERR_BAD_BODY.
import type { Readable } from 'node:stream';
import { FdfsError } from '../../../common/errors.js';

/** Uploads up to this size take the small-file path (memory: at most this per connection). */
export const SMALL_FILE_MAX = 64 * 1024;

const shortBody = (got: number, length: number): FdfsError =>
  new FdfsError('ERR_BAD_BODY', `content ended after ${got} of ${length} bytes`);

export function readSmallContent(source: Readable, length: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const body = new Uint8Array(length);
    let got = 0;
    const cleanup = (): void => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      source.off('close', onClose);
    };
    const fail = (err: unknown): void => {
      cleanup();
      if (!source.destroyed) source.destroy();
      reject(err);
    };
    function onData(chunk: Buffer): void {
      if (got + chunk.length > length) {
        fail(new FdfsError('ERR_BAD_BODY', `content is longer than the ${length} bytes announced`));
        return;
      }
      body.set(chunk, got);
      got += chunk.length;
    }
    function onEnd(): void {
      cleanup();
      if (got !== length) reject(shortBody(got, length));
      else resolve(body);
    }
    function onError(err: unknown): void {
      fail(err);
    }
    function onClose(): void {
      fail(shortBody(got, length));
    }
    if (source.destroyed && !source.readableEnded) {
      reject(source.errored ?? new FdfsError('ERR_BAD_BODY', 'the content stream was closed'));
      return;
    }
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', onError);
    source.on('close', onClose);
  });
}
