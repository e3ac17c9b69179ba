// Local files the tools send or receive: content streamed with its size, the C extension rule,
// and a download target that is removed again when the download fails.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import type { UploadContent } from '../../client/storage-uploads.js';
import { FILE_EXT_NAME_MAX_LEN } from '../../protocol/constants.js';

/** The file's content as a stream of its size; a missing or non-regular file throws (ENOENT...). */
export async function localContent(path: string): Promise<UploadContent & { size: number }> {
  const info = await stat(path);
  if (!info.isFile()) {
    throw Object.assign(new Error(`${path} is not a regular file`), { code: 'ENOENT' });
  }
  return { content: createReadStream(path), size: info.size };
}

/**
 * fdfs_get_file_ext_name (§12): the last dot-part, or the last two when together they fit in 6
 * characters ("tar.gz"); an extension longer than 6 characters is dropped.
 */
export function localFileExt(path: string): string {
  const name = basename(path);
  const last = name.lastIndexOf('.');
  if (last < 0) return '';
  const one = name.slice(last + 1);
  if (one.length > FILE_EXT_NAME_MAX_LEN) return '';
  const prev = name.lastIndexOf('.', last - 1);
  if (prev >= 0 && name.length - prev - 1 <= FILE_EXT_NAME_MAX_LEN) return name.slice(prev + 1);
  return one;
}

/** A file written by a download: finish() flushes it, discard() removes it after a failure. */
export class DownloadTarget {
  readonly stream: WriteStream;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path);
  }

  finish(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(() => resolve());
    });
  }

  async discard(): Promise<void> {
    this.stream.destroy();
    await unlink(this.path).catch(() => undefined);
  }
}
