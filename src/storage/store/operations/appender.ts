// APPEND_FILE (24), MODIFY_FILE (34) and TRUNCATE_FILE (36), §6.1: appender files only (EINVAL
// otherwise), one operation at a time per file. Binlog `A <name> <old size> <bytes>`,
// `M <name> <offset> <bytes>`, `T <name> <old size> <new size>`, stamped with the file's mtime
// after the change (§8.3). A failed append is cut back to the old size; a failed modify that
// had grown the file too.
import type { Readable } from 'node:stream';
import { writeStreamToFd } from '../content-writer.js';
import { invalid, ioError } from '../errors.js';
import type { ResolvedName } from '../layout.js';
import type { StoreContext } from './context.js';
import { checkAppenderName, countFileIo, logOrUndo, statExisting } from './common.js';
import { checkSize } from './upload.js';

export interface AppendRequest {
  logicName: string;
  size: number;
  content: Readable;
}

export interface ModifyRequest extends AppendRequest {
  /** ≥ 0 and ≤ the current size. */
  offset: number;
}

export interface TruncateRequest {
  logicName: string;
  /** ≥ 0; larger than the current size extends the file. */
  newSize: number;
}

/** The appender file `logicName`: its name, that it exists and that it is a regular file. */
async function checkAppender(ctx: StoreContext, logicName: string): Promise<ResolvedName> {
  const resolved = ctx.layout.resolve(logicName);
  checkAppenderName(resolved);
  const stats = await statExisting(ctx, resolved);
  if (!stats.isFile()) throw invalid(`${logicName} is not a regular file`);
  return resolved;
}

async function openForWrite(ctx: StoreContext, resolved: ResolvedName): Promise<number> {
  try {
    return await ctx.fs.open(resolved.dataPath, 'r+');
  } catch (err) {
    throw ioError(err, `open ${resolved.logicName}`);
  }
}

/** Write `size` bytes at `offset` (append: at the end), undoing growth on failure. */
async function writeAt(
  ctx: StoreContext,
  resolved: ResolvedName,
  content: Readable,
  size: number,
  offset: number | 'end',
): Promise<{ start: number; mtime: number }> {
  const fd = await openForWrite(ctx, resolved);
  let ok = false;
  try {
    const oldSize = (await ctx.fs.fstat(fd)).size;
    const start = offset === 'end' ? oldSize : offset;
    if (start > oldSize) {
      throw invalid(`offset ${start} is past the end of ${resolved.logicName} (${oldSize} bytes)`);
    }
    try {
      await writeStreamToFd(ctx.fs, content, fd, start, size, { fsyncEvery: ctx.fsyncEvery });
    } catch (err) {
      if (start + size > oldSize) await ctx.fs.ftruncate(fd, oldSize).catch(() => {});
      throw err;
    }
    const mtime = Math.floor((await ctx.fs.fstat(fd)).mtimeMs / 1000);
    ok = true;
    return { start, mtime };
  } finally {
    countFileIo(ctx, 'write', ok);
    await ctx.fs.close(fd).catch(() => {});
  }
}

export async function append(ctx: StoreContext, req: AppendRequest): Promise<void> {
  checkSize(req.size);
  let ok = false;
  try {
    await ctx.locks.run(req.logicName, async () => {
      const resolved = await checkAppender(ctx, req.logicName);
      if (req.size === 0) return; // §6.1 cmd 24: nothing to do
      const { start, mtime } = await writeAt(ctx, resolved, req.content, req.size, 'end');
      await logOrUndo(ctx, [
        { timestamp: mtime, op: 'A', filename: req.logicName, offset: start, length: req.size },
      ]);
    });
    ok = true;
  } finally {
    ctx.stats.record('append', ok, ok ? req.size : 0, ctx.now());
  }
}

export async function modify(ctx: StoreContext, req: ModifyRequest): Promise<void> {
  checkSize(req.size);
  if (!Number.isSafeInteger(req.offset) || req.offset < 0) {
    throw invalid(`modify offset ${req.offset} is not ≥ 0`);
  }
  let ok = false;
  try {
    await ctx.locks.run(req.logicName, async () => {
      const resolved = await checkAppender(ctx, req.logicName);
      if (req.size === 0) {
        const { size } = await statExisting(ctx, resolved);
        if (req.offset > size)
          throw invalid(`offset ${req.offset} is past the end (${size} bytes)`);
        return;
      }
      const { mtime } = await writeAt(ctx, resolved, req.content, req.size, req.offset);
      await logOrUndo(ctx, [
        {
          timestamp: mtime,
          op: 'M',
          filename: req.logicName,
          offset: req.offset,
          length: req.size,
        },
      ]);
    });
    ok = true;
  } finally {
    ctx.stats.record('modify', ok, ok ? req.size : 0, ctx.now());
  }
}

export async function truncate(ctx: StoreContext, req: TruncateRequest): Promise<void> {
  checkSize(req.newSize, 'truncated file size');
  let ok = false;
  try {
    await ctx.locks.run(req.logicName, async () => {
      const resolved = await checkAppender(ctx, req.logicName);
      const fd = await openForWrite(ctx, resolved);
      let oldSize: number;
      let mtime: number;
      try {
        oldSize = (await ctx.fs.fstat(fd)).size;
        if (oldSize === req.newSize) return; // §6.1 cmd 36: nothing changes
        await ctx.fs.ftruncate(fd, req.newSize);
        mtime = Math.floor((await ctx.fs.fstat(fd)).mtimeMs / 1000);
      } catch (err) {
        throw ioError(err, `truncate ${req.logicName}`);
      } finally {
        await ctx.fs.close(fd).catch(() => {});
      }
      await logOrUndo(ctx, [
        { timestamp: mtime, op: 'T', filename: req.logicName, oldSize, newSize: req.newSize },
      ]);
    });
    ok = true;
  } finally {
    ctx.stats.record('truncate', ok, 0, ctx.now());
  }
}
