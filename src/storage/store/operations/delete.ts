// DELETE_FILE (12), §6.1: removes the file and its `-m` metadata file. A symlink slave (a slave
// stored as a link to a generated file, §6.1 cmd 21) also loses its link target. Binlog lines,
// in the order the C storage writes them (disk/clusterB/storage-100001 binlog.000):
// `D <target>` (symlink only), `D <name>`, `D <name>-m` (only when a metadata file was removed).
import { NORMAL_LOGIC_FILENAME_LENGTH } from '../../../protocol/constants.js';
import type { BinlogRecord } from '../../binlog/record.js';
import { invalid, ioError, isNodeCode, notFound } from '../errors.js';
import { META_FILE_SUFFIX } from '../layout.js';
import type { StoreContext } from './context.js';
import { logOrUndo, lstatOrUndefined } from './common.js';

export interface DeleteResult {
  /** The link target removed with a symlink slave. */
  removedTarget?: string;
  removedMetadata: boolean;
  wasLink: boolean;
}

/** unlink; false when nothing was there. */
async function removeIfThere(ctx: StoreContext, path: string): Promise<boolean> {
  try {
    await ctx.fs.unlink(path);
    return true;
  } catch (err) {
    if (isNodeCode(err, 'ENOENT')) return false;
    throw ioError(err, `delete ${path}`);
  }
}

export async function deleteFile(ctx: StoreContext, logicName: string): Promise<DeleteResult> {
  let wasLink = false;
  let removedTarget: string | undefined;
  let ok = false;
  try {
    const resolved = ctx.layout.resolve(logicName);
    const result = await ctx.locks.run(logicName, async (): Promise<DeleteResult> => {
      const stats = await lstatOrUndefined(ctx, resolved.dataPath);
      if (!stats) throw notFound(`file ${logicName} does not exist`);
      wasLink = stats.isSymbolicLink();
      if (!wasLink && !stats.isFile()) throw invalid(`${logicName} is not a file`);
      const now = ctx.now();
      const records: BinlogRecord[] = [];
      // Only a slave-named link owns its target; a link made by CREATE_LINK with a generated
      // (44-character) name points at another file id's content, which stays.
      if (wasLink && logicName.length > NORMAL_LOGIC_FILENAME_LENGTH) {
        let target: string | undefined;
        try {
          target = ctx.layout.logicNameOfPath(
            await ctx.fs.readlink(resolved.dataPath),
            resolved.dirPath,
          );
        } catch (err) {
          throw ioError(err, `readlink ${logicName}`);
        }
        if (
          target !== undefined &&
          (await removeIfThere(ctx, ctx.layout.resolve(target).dataPath))
        ) {
          removedTarget = target;
          records.push({ timestamp: now, op: 'D', filename: target });
        }
      }
      if (!(await removeIfThere(ctx, resolved.dataPath))) {
        throw notFound(`file ${logicName} does not exist`);
      }
      records.push({ timestamp: now, op: 'D', filename: logicName });
      const removedMetadata = await removeIfThere(ctx, resolved.metaPath);
      if (removedMetadata) {
        records.push({ timestamp: now, op: 'D', filename: logicName + META_FILE_SUFFIX });
      }
      await logOrUndo(ctx, records);
      return { removedTarget, removedMetadata, wasLink };
    });
    ok = true;
    return result;
  } finally {
    const now = ctx.now();
    if (wasLink) ctx.stats.record('deleteLink', ok, 0, now);
    if (!wasLink || removedTarget !== undefined) ctx.stats.record('delete', ok, 0, now);
  }
}
