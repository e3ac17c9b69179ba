// Small steps shared by the operations: stat without throwing on ENOENT, moving a finished file
// into place, and writing the binlog after a change (undoing the change when that fails).
import { dirname } from 'node:path';
import type { Stats } from 'node:fs';
import { NORMAL_LOGIC_FILENAME_LENGTH } from '../../../protocol/constants.js';
import {
  decodeNameBlock,
  NAME_BLOCK_LENGTH,
  type NameBlock,
} from '../../../protocol/file-id/name-block.js';
import type { BinlogRecord } from '../../binlog/record.js';
import { invalid, ioError, isNodeCode, notFound } from '../errors.js';
import type { ResolvedName } from '../layout.js';
import type { StoreContext } from './context.js';

/** lstat, or undefined when nothing is there. */
export async function lstatOrUndefined(
  ctx: StoreContext,
  path: string,
): Promise<Stats | undefined> {
  try {
    return await ctx.fs.lstat(path);
  } catch (err) {
    if (isNodeCode(err, 'ENOENT')) return undefined;
    throw ioError(err, `lstat ${path}`);
  }
}

/** stat (following a symlink); ENOENT as an FdfsError naming the logic name. */
export async function statExisting(ctx: StoreContext, resolved: ResolvedName): Promise<Stats> {
  try {
    return await ctx.fs.stat(resolved.dataPath);
  } catch (err) {
    if (isNodeCode(err, 'ENOENT')) throw notFound(`file ${resolved.logicName} does not exist`);
    throw ioError(err, `stat ${resolved.logicName}`);
  }
}

/** The decoded name block of a stored file's name, or EINVAL when it has none. */
export function nameBlockOf(resolved: ResolvedName, what: string): NameBlock {
  if (resolved.name.length < NAME_BLOCK_LENGTH) {
    throw invalid(`${what} ${resolved.logicName}: no name block to decode`);
  }
  try {
    return decodeNameBlock(resolved.name.slice(0, NAME_BLOCK_LENGTH), 'ERR_INVALID_ARGUMENT');
  } catch {
    throw invalid(`${what} ${resolved.logicName}: the name block is not valid base64`);
  }
}

/** Appender files only (§6.1 cmds 24, 34, 36, 38): EINVAL for any other name. */
export function checkAppenderName(resolved: ResolvedName): void {
  if (resolved.logicName.length < NORMAL_LOGIC_FILENAME_LENGTH) {
    throw invalid(`${resolved.logicName} is too short to be an appender file name`);
  }
  const block = nameBlockOf(resolved, 'appender file');
  if ((block.sizeField & (1n << 58n)) === 0n) {
    throw invalid(`${resolved.logicName} is not an appender file`);
  }
}

/** fsync a folder so that a rename into it survives power loss (with fsync_after_written_bytes). */
export async function syncDir(ctx: StoreContext, dir: string): Promise<void> {
  if (ctx.fsyncEvery <= 0) return;
  try {
    const fd = await ctx.fs.open(dir, 'r');
    try {
      await ctx.fs.fsync(fd);
    } finally {
      await ctx.fs.close(fd);
    }
  } catch {
    /* some file systems refuse to sync a folder: best effort */
  }
}

/** Rename a finished temporary file to its final path; the temporary file is gone either way. */
export async function moveIntoPlace(
  ctx: StoreContext,
  tempPath: string,
  path: string,
): Promise<void> {
  try {
    await ctx.fs.rename(tempPath, path);
  } catch (err) {
    await ctx.fs.unlink(tempPath).catch(() => {});
    throw ioError(err, `rename into ${path}`);
  }
  await syncDir(ctx, dirname(path));
}

/**
 * Write `records` to the binlog. If that fails, the files in `undo` (just created) are removed,
 * so that no file exists that will never be replicated, and the error is thrown.
 */
export async function logOrUndo(
  ctx: StoreContext,
  records: readonly BinlogRecord[],
  undo: readonly string[] = [],
): Promise<void> {
  try {
    await (records.length === 1 ? ctx.binlog.append(records[0]!) : ctx.binlog.appendMany(records));
  } catch (err) {
    for (const path of undo) await ctx.fs.unlink(path).catch(() => {});
    throw ioError(err, 'writing the binlog');
  }
}

/** Count a file opened for reading or writing (total/success file open and read/write, §4.3). */
export function countFileIo(ctx: StoreContext, kind: 'read' | 'write', ok: boolean): void {
  const s = ctx.stats;
  s.add('totalFileOpenCount');
  if (ok) s.add('successFileOpenCount');
  if (kind === 'read') {
    s.add('totalFileReadCount');
    if (ok) s.add('successFileReadCount');
  } else {
    s.add('totalFileWriteCount');
    if (ok) s.add('successFileWriteCount');
  }
}
