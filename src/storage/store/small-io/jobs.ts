// The jobs of the small-file worker (worker.ts), run there with synchronous calls: a thread of
// its own, so they never stall the event loop (issue 4, "No blocking file-system call" is about
// the request thread). One job is one whole small-file step — create a file, or read a range —
// that would otherwise be four or five trips through libuv's thread pool.
import fs from 'node:fs';
import { rangeCount } from '../operations/range.js';

/**
 * Create a file: write `body` into the new file `temp` (O_EXCL), set its mtime to `mtime` (the
 * timestamp of its name, §7.2), close it and rename it to `path`. On any failure `temp` is gone.
 */
export interface CreateJob {
  kind: 'create';
  temp: string;
  path: string;
  body: Uint8Array;
  /** Unix seconds. */
  mtime: number;
  /**
   * A replica create (§6.2): when a regular file of this size is already at `path`, nothing is
   * written and the result says `existed` (the caller answers EEXIST).
   */
  unlessSize?: number;
}

/** Read the §6.1 range of `path` when it is at most `max` bytes (else only the size comes back). */
export interface ReadJob {
  kind: 'read';
  path: string;
  offset: number;
  length: number;
  max: number;
  /**
   * Do not follow a symbolic link at `path` (O_NOFOLLOW): the sync sender sends regular files
   * only, as its lstat did (§8.6). A link answers ELOOP.
   */
  noFollow?: boolean;
}

export type SmallIoJob = CreateJob | ReadJob;

export type SmallIoResult =
  | { ok: true; kind: 'create'; existed?: boolean }
  /** `data` undefined: the range is empty, longer than `max`, or refused (the caller decides). */
  | { ok: true; kind: 'read'; fileSize: number; data: Uint8Array | undefined }
  /** A failed call: its Node error code (ENOENT, ENOSPC...) and message. */
  | { ok: false; code: string | undefined; message: string };

function failure(err: unknown): SmallIoResult {
  const code = (err as { code?: unknown } | null)?.code;
  return {
    ok: false,
    code: typeof code === 'string' ? code : undefined,
    message: err instanceof Error ? err.message : String(err),
  };
}

/** A read-only or abandoned descriptor: a failed close loses nothing. */
function closeQuietly(fd: number | undefined): void {
  if (fd === undefined) return;
  try {
    fs.closeSync(fd);
  } catch {
    /* nothing to keep */
  }
}

/** Is a regular file of `size` bytes at `path`? */
function holds(path: string, size: number): boolean {
  const stats = fs.lstatSync(path, { throwIfNoEntry: false });
  return stats !== undefined && stats.isFile() && stats.size === size;
}

function create(job: CreateJob): SmallIoResult {
  let fd: number | undefined;
  try {
    if (job.unlessSize !== undefined && holds(job.path, job.unlessSize)) {
      return { ok: true, kind: 'create', existed: true };
    }
    fd = fs.openSync(job.temp, 'wx', 0o644);
    let done = 0;
    while (done < job.body.length) {
      const n = fs.writeSync(fd, job.body, done, job.body.length - done, done);
      if (n <= 0) throw new Error('a write wrote nothing');
      done += n;
    }
    fs.futimesSync(fd, job.mtime, job.mtime);
    const closing = fd;
    fd = undefined;
    fs.closeSync(closing);
    fs.renameSync(job.temp, job.path);
    return { ok: true, kind: 'create' };
  } catch (err) {
    closeQuietly(fd);
    fs.rmSync(job.temp, { force: true });
    return failure(err);
  }
}

function read(job: ReadJob): SmallIoResult {
  let fd: number | undefined;
  try {
    // O_NONBLOCK: a FIFO at the path must not hold the worker (fstat then finds no regular file).
    const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
    const flags = job.noFollow ? O_RDONLY | O_NOFOLLOW | O_NONBLOCK : 'r';
    fd = fs.openSync(job.path, flags);
    const stats = fs.fstatSync(fd);
    if (!stats.isFile()) {
      return { ok: false, code: 'EISDIR', message: `${job.path} is not a regular file` };
    }
    let count: number;
    try {
      count = rangeCount(stats.size, job.offset, job.length, job.path);
    } catch {
      count = 0; // the caller applies the rule again and answers EINVAL
    }
    if (count === 0 || count > job.max) {
      return { ok: true, kind: 'read', fileSize: stats.size, data: undefined };
    }
    const data = new Uint8Array(count);
    let got = 0;
    while (got < count) {
      const n = fs.readSync(fd, data, got, count - got, job.offset + got);
      if (n === 0) break; // cut short meanwhile: what was there
      got += n;
    }
    return { ok: true, kind: 'read', fileSize: stats.size, data: data.subarray(0, got) };
  } catch (err) {
    return failure(err);
  } finally {
    closeQuietly(fd);
  }
}

/** Run one job; never throws. */
export function runJob(job: SmallIoJob): SmallIoResult {
  try {
    return job.kind === 'create' ? create(job) : read(job);
  } catch (err) {
    return failure(err);
  }
}
