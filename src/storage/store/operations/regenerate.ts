// REGENERATE_APPENDER_FILENAME (38), §6.1: an appender file becomes a normal file. Its CRC32 is
// computed over the content; the new name keeps the store path, the subdirectory and the EXT7
// suffix, with timestamp = now, size = the real size and this storage as the source; the file is
// renamed and the binlog gets `R <new> <old>`. As in C, a `-m` metadata file keeps the old name.
import { busy, invalid, ioError } from '../errors.js';
import { crcOfFile } from '../file-crc.js';
import type { StoreContext } from './context.js';
import {
  checkAppenderName,
  countFileIo,
  logOrUndo,
  lstatOrUndefined,
  statExisting,
} from './common.js';
import { NAME_BLOCK_LENGTH } from '../../../protocol/file-id/name-block.js';

export async function regenerateAppenderName(
  ctx: StoreContext,
  logicName: string,
): Promise<string> {
  const old = ctx.layout.resolve(logicName);
  checkAppenderName(old);
  return ctx.locks.run(logicName, async () => {
    const stats = await statExisting(ctx, old);
    if (!stats.isFile()) throw invalid(`${logicName} is not a regular file`);
    let content: { crc32: number; size: number };
    let ok = false;
    try {
      content = await crcOfFile(ctx.fs, old.dataPath);
      ok = true;
    } catch (err) {
      throw ioError(err, `read ${logicName}`);
    } finally {
      countFileIo(ctx, 'read', ok);
    }
    const now = ctx.now();
    const generated = ctx.names.generate({
      storePathIndex: old.storePathIndex,
      subdirs: { subdir1: old.subdir1, subdir2: old.subdir2 },
      source: ctx.settings.nameSource,
      timestamp: now,
      kind: 'normal',
      size: content.size,
      crc32: content.crc32,
      ext7: old.name.slice(NAME_BLOCK_LENGTH),
    });
    const renamed = ctx.layout.resolve(generated.logicName);
    if (await lstatOrUndefined(ctx, renamed.dataPath)) {
      throw busy(`regenerated name ${renamed.logicName} already exists`);
    }
    try {
      await ctx.fs.rename(old.dataPath, renamed.dataPath);
    } catch (err) {
      throw ioError(err, `rename ${logicName}`);
    }
    try {
      await logOrUndo(ctx, [
        { timestamp: now, op: 'R', filename: renamed.logicName, srcFilename: logicName },
      ]);
    } catch (err) {
      await ctx.fs.rename(renamed.dataPath, old.dataPath).catch(() => {});
      throw err;
    }
    ctx.stats.set('lastSourceUpdate', now);
    return renamed.logicName;
  });
}
