// SET_METADATA (13) and GET_METADATA (15), §6.1 and §8.2: metadata lives in `<name>-m`, the
// §3.2 encoding sorted by name. 'O' replaces it (an empty list deletes the file), 'M' merges by
// name (an empty list does nothing; no file yet behaves as 'O'). Binlog `C`/`U`/`D` on
// `<name>-m`, stamped with the request time. The file is written to the temporary folder and
// renamed into place, so a reader never sees half of it.
import { Errno } from '../../../protocol/errno.js';
import {
  decodeMetadata,
  encodeMetadata,
  mergeMetadata,
  sortMetadata,
  type MetadataEntry,
  type MetadataOpFlag,
} from '../../../protocol/metadata.js';
import { writeAll } from '../content-writer.js';
import { invalid, ioError, isNodeCode, notFound, storeError } from '../errors.js';
import { META_FILE_SUFFIX, type ResolvedName } from '../layout.js';
import type { StoreContext } from './context.js';
import { logOrUndo, moveIntoPlace, statExisting } from './common.js';

async function readMetaFile(
  ctx: StoreContext,
  resolved: ResolvedName,
): Promise<Buffer | undefined> {
  try {
    return await ctx.fs.readFile(resolved.metaPath);
  } catch (err) {
    if (isNodeCode(err, 'ENOENT')) return undefined;
    throw ioError(err, `read metadata of ${resolved.logicName}`);
  }
}

async function writeMetaFile(
  ctx: StoreContext,
  resolved: ResolvedName,
  data: Buffer,
): Promise<void> {
  const temp = ctx.layout.tempFilePath(resolved.storePathIndex);
  try {
    const fd = await ctx.fs.open(temp, 'wx', 0o644);
    try {
      if (data.length > 0) await writeAll(ctx.fs, fd, [data], data.length, 0);
      if (ctx.fsyncEvery > 0) await ctx.fs.fsync(fd);
    } finally {
      await ctx.fs.close(fd);
    }
  } catch (err) {
    await ctx.fs.unlink(temp).catch(() => {});
    throw ioError(err, `write metadata of ${resolved.logicName}`);
  }
  await moveIntoPlace(ctx, temp, resolved.metaPath);
}

export async function setMetadata(
  ctx: StoreContext,
  logicName: string,
  op: MetadataOpFlag,
  entries: readonly MetadataEntry[],
): Promise<void> {
  let ok = false;
  try {
    if (op !== 'O' && op !== 'M') throw invalid(`metadata operation ${JSON.stringify(op)}`);
    const resolved = ctx.layout.resolve(logicName);
    await ctx.locks.run(logicName, async () => {
      await statExisting(ctx, resolved);
      const metaName = logicName + META_FILE_SUFFIX;
      const now = ctx.now();
      if (entries.length === 0) {
        if (op === 'M') return;
        try {
          await ctx.fs.unlink(resolved.metaPath);
        } catch (err) {
          if (isNodeCode(err, 'ENOENT')) return;
          throw ioError(err, `delete metadata of ${logicName}`);
        }
        await logOrUndo(ctx, [{ timestamp: now, op: 'D', filename: metaName }]);
        return;
      }
      const old = await readMetaFile(ctx, resolved);
      const list =
        op === 'M' && old !== undefined
          ? mergeMetadata(decodeMetadata(old), entries)
          : sortMetadata(entries);
      await writeMetaFile(ctx, resolved, encodeMetadata(list));
      await logOrUndo(ctx, [
        { timestamp: now, op: old === undefined ? 'C' : 'U', filename: metaName },
      ]);
    });
    ok = true;
  } finally {
    ctx.stats.record('setMeta', ok, 0, ctx.now());
  }
}

/** The raw `-m` file (`name\x02value\x01…`); ENOENT when the file or its metadata is missing. */
export async function getMetadata(ctx: StoreContext, logicName: string): Promise<Buffer> {
  let ok = false;
  try {
    const resolved = ctx.layout.resolve(logicName);
    const stats = await statExisting(ctx, resolved);
    if (stats.isDirectory()) throw storeError(Errno.EISDIR, `${logicName} is a folder`);
    const data = await readMetaFile(ctx, resolved);
    if (data === undefined) throw notFound(`file ${logicName} has no metadata`);
    ok = true;
    return data;
  } finally {
    ctx.stats.record('getMeta', ok);
  }
}
