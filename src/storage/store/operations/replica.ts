// Applying what a peer pushes (§6.2, §8.5): every operation is idempotent — a record sent twice
// answers EEXIST or ENOENT and changes nothing — keeps the source timestamp as the file's mtime,
// and is logged with the lower-case letter, so this storage never pushes it on (§8.6).
import { utimes } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { BinlogRecord } from '../../binlog/record.js';
import { writeStreamToFd, writeTempFile } from '../content-writer.js';
import { alreadyExists, ioError, isNodeCode, notFound } from '../errors.js';
import type { StoreContext } from './context.js';
import { logOrUndo, lstatOrUndefined, moveIntoPlace } from './common.js';
import { readSmallContent, SMALL_FILE_MAX } from '../small-io/content.js';
import { jobError } from '../small-io/pool.js';

export interface ReplicaCreate {
  filename: string;
  timestamp: number;
  size: number;
  /** Absent for a create sent with header status 17 (§16 #18). */
  content?: Readable;
  /** SYNC_UPDATE_FILE (18): replace whatever is there. */
  update: boolean;
}

export interface ReplicaRange {
  filename: string;
  timestamp: number;
  offset: number;
  length: number;
  content: Readable;
  /** SYNC_APPEND (25) needs size == offset; SYNC_MODIFY (35) size ≥ offset. */
  kind: 'append' | 'modify';
}

/** Read and throw away content that is not applied, keeping the connection usable (§6.2). */
export async function discard(content: Readable | undefined): Promise<void> {
  if (!content) return;
  for await (const chunk of content) void chunk;
}

async function setTimes(path: string, timestamp: number): Promise<void> {
  try {
    await utimes(path, timestamp, timestamp);
  } catch (err) {
    throw ioError(err, `utimes ${path}`);
  }
}

function log(ctx: StoreContext, record: BinlogRecord): Promise<void> {
  return logOrUndo(ctx, [record]);
}

/** 16 / 18. */
export async function applyCreate(ctx: StoreContext, req: ReplicaCreate): Promise<void> {
  const resolved = ctx.layout.resolve(req.filename);
  await ctx.locks.run(req.filename, async () => {
    const op = req.update ? 'u' : 'c';
    if (!req.content) {
      // The sender checked with QUERY_FILE_INFO that we hold it: log it, answer EEXIST (§6.2).
      await log(ctx, { timestamp: req.timestamp, op, filename: req.filename });
      throw alreadyExists(`${req.filename} already here (no content sent)`);
    }
    // Same size already here: EEXIST, and the line is logged anyway (a departure from C, which
    // logs nothing then). A kill between the rename and the binlog line would otherwise leave a
    // file this storage never logs, which a full copy or disk recovery from here would miss;
    // the resend after the restart repairs it. A duplicate `c` line is harmless (§8.6).
    const already = async (): Promise<never> => {
      await log(ctx, { timestamp: req.timestamp, op, filename: req.filename });
      throw alreadyExists(`${req.filename} already here with ${req.size} bytes`);
    };
    if (ctx.smallIo && ctx.fsyncEvery <= 0 && req.size <= SMALL_FILE_MAX) {
      // As a small upload (upload.ts): one worker job checks what is there, writes the temp
      // file, sets the source mtime and renames it into place (over a symlink too: rename
      // replaces the link itself), instead of six trips to the thread pool.
      const body = await readSmallContent(req.content, req.size);
      const done = await ctx.smallIo.run({
        kind: 'create',
        temp: ctx.layout.tempFilePath(resolved.storePathIndex),
        path: resolved.dataPath,
        body,
        mtime: req.timestamp,
        ...(req.update ? {} : { unlessSize: req.size }),
      });
      if (!done.ok) throw jobError(done, `writing replica ${req.filename}`);
      if (done.kind === 'create' && done.existed) await already();
    } else {
      const existing = await lstatOrUndefined(ctx, resolved.dataPath);
      if (!req.update && existing?.isFile() && existing.size === req.size) {
        await discard(req.content);
        await already();
      }
      const temp = await writeTempFile(
        ctx.fs,
        req.content,
        req.size,
        ctx.layout.tempFilePath(resolved.storePathIndex),
        { fsyncEvery: ctx.fsyncEvery },
      );
      try {
        await setTimes(temp.path, req.timestamp);
      } catch (err) {
        await ctx.fs.unlink(temp.path).catch(() => {});
        throw err;
      }
      if (existing?.isSymbolicLink()) await ctx.fs.unlink(resolved.dataPath).catch(() => {});
      await moveIntoPlace(ctx, temp.path, resolved.dataPath);
    }
    // The file stays if the binlog fails: it is a replica, the source still has the record.
    await log(ctx, { timestamp: req.timestamp, op, filename: req.filename });
  });
}

/** 17: just the named file (the `-m` file comes as its own record). */
export async function applyDelete(
  ctx: StoreContext,
  filename: string,
  timestamp: number,
): Promise<void> {
  const resolved = ctx.layout.resolve(filename);
  await ctx.locks.run(filename, async () => {
    try {
      await ctx.fs.unlink(resolved.dataPath);
    } catch (err) {
      if (isNodeCode(err, 'ENOENT')) throw notFound(`${filename} is not here`);
      throw ioError(err, `delete ${filename}`);
    }
    await log(ctx, { timestamp, op: 'd', filename });
  });
}

/** 25 / 35: applied only where the local size allows it; otherwise EEXIST or ENOENT (§6.2). */
export async function applyRange(ctx: StoreContext, req: ReplicaRange): Promise<void> {
  const resolved = ctx.layout.resolve(req.filename);
  await ctx.locks.run(req.filename, async () => {
    const stats = await lstatOrUndefined(ctx, resolved.dataPath);
    const size = stats?.isFile() ? stats.size : -1;
    const fits = req.kind === 'append' ? size === req.offset : size >= req.offset;
    if (!fits) {
      await discard(req.content);
      if (size >= req.offset + req.length) throw alreadyExists(`${req.filename} already covers it`);
      throw notFound(`${req.filename} is missing or too short (${size} < ${req.offset})`);
    }
    const fd = await ctx.fs.open(resolved.dataPath, 'r+');
    try {
      await writeStreamToFd(ctx.fs, req.content, fd, req.offset, req.length, {
        fsyncEvery: ctx.fsyncEvery,
      });
    } catch (err) {
      // A partial append is cut back, so that a resend applies cleanly.
      if (req.kind === 'append') await ctx.fs.ftruncate(fd, req.offset).catch(() => {});
      throw ioError(err, `writing ${req.filename}`);
    } finally {
      await ctx.fs.close(fd);
    }
    await setTimes(resolved.dataPath, req.timestamp);
    const op = req.kind === 'append' ? 'a' : 'm';
    await log(ctx, {
      timestamp: req.timestamp,
      op,
      filename: req.filename,
      offset: req.offset,
      length: req.length,
    });
  });
}

/** 37: only when the local size is `oldSize` (§6.2). */
export async function applyTruncate(
  ctx: StoreContext,
  req: { filename: string; timestamp: number; oldSize: number; newSize: number },
): Promise<void> {
  const resolved = ctx.layout.resolve(req.filename);
  await ctx.locks.run(req.filename, async () => {
    const stats = await lstatOrUndefined(ctx, resolved.dataPath);
    if (!stats?.isFile()) throw notFound(`${req.filename} is not here`);
    if (stats.size !== req.oldSize) {
      throw alreadyExists(`${req.filename} has ${stats.size} bytes, not ${req.oldSize}`);
    }
    const fd = await ctx.fs.open(resolved.dataPath, 'r+');
    try {
      await ctx.fs.ftruncate(fd, req.newSize);
    } finally {
      await ctx.fs.close(fd);
    }
    await setTimes(resolved.dataPath, req.timestamp);
    await log(ctx, { ...req, op: 't' });
  });
}

/** 19: a symlink `link` → `target` (absolute, as C writes it). EEXIST when already there. */
export async function applyLink(
  ctx: StoreContext,
  link: string,
  target: string,
  timestamp: number,
): Promise<void> {
  const linkPath = ctx.layout.resolve(link).dataPath;
  const targetPath = ctx.layout.resolve(target).dataPath;
  await ctx.locks.run(link, async () => {
    try {
      await ctx.fs.symlink(targetPath, linkPath);
    } catch (err) {
      if (isNodeCode(err, 'EEXIST')) throw alreadyExists(`${link} already here`);
      throw ioError(err, `symlink ${link}`);
    }
    await log(ctx, { timestamp, op: 'l', filename: link, srcFilename: target });
  });
}

/** 40: old → new; EEXIST when the new name is there, ENOENT when the old one is missing. */
export async function applyRename(
  ctx: StoreContext,
  newName: string,
  oldName: string,
  timestamp: number,
): Promise<void> {
  const to = ctx.layout.resolve(newName).dataPath;
  const from = ctx.layout.resolve(oldName).dataPath;
  await ctx.locks.run(newName, async () => {
    if (await lstatOrUndefined(ctx, to)) throw alreadyExists(`${newName} already here`);
    try {
      await ctx.fs.rename(from, to);
    } catch (err) {
      if (isNodeCode(err, 'ENOENT')) throw notFound(`${oldName} is not here`);
      throw ioError(err, `rename ${oldName}`);
    }
    await log(ctx, { timestamp, op: 'r', filename: newName, srcFilename: oldName });
  });
}
