// CREATE_LINK (20), §6.1: a symlink to an existing regular file of this storage, named as a slave
// of `master` (with a prefix) or with a freshly generated name whose CRC32 is a random number and
// whose size is the source's (§16 #17). Binlog `L <link> <source>`, stamped with the request time.
import { drawRandom } from '../../../protocol/file-id/random.js';
import { extProblem } from '../../../protocol/file-id/ext.js';
import { slaveFileName } from '../../../protocol/file-id/slave-name.js';
import { alreadyExists, invalid, ioError, isNodeCode, notFound } from '../errors.js';
import { hex2 } from '../layout.js';
import type { StoreContext } from './context.js';
import { logOrUndo, lstatOrUndefined } from './common.js';

export interface CreateLinkRequest {
  /** The existing file the link points to. */
  sourceLogicName: string;
  /** With a non-empty prefix: the link is named as this master's slave. */
  masterLogicName?: string;
  prefix?: string;
  /** Extension of the link's name, without the dot. */
  ext: string;
}

export async function createLink(ctx: StoreContext, req: CreateLinkRequest): Promise<string> {
  let ok = false;
  try {
    const source = ctx.layout.resolve(req.sourceLogicName);
    const stats = await lstatOrUndefined(ctx, source.dataPath);
    if (!stats) throw notFound(`source file ${source.logicName} does not exist`);
    if (!stats.isFile()) throw invalid(`source file ${source.logicName} is not a regular file`);
    let linkName: string;
    const index = source.storePathIndex;
    if (req.masterLogicName && req.prefix) {
      const master = ctx.layout.resolve(req.masterLogicName);
      if (master.storePathIndex !== index) {
        throw invalid(`master ${master.logicName} is not in the source's store path ${index}`);
      }
      linkName = `M${hex2(index)}/${slaveFileName(master.trueName, req.prefix, req.ext)}`;
    } else {
      const problem = extProblem(req.ext);
      if (problem) throw invalid(`extension ${JSON.stringify(req.ext)} ${problem}`);
      const crc32 = drawRandom(ctx.random);
      linkName = ctx.names.generate({
        storePathIndex: index,
        source: ctx.settings.nameSource,
        timestamp: ctx.now(),
        kind: 'normal',
        size: stats.size,
        crc32,
        ext: req.ext,
      }).logicName;
      ctx.stats.touch();
    }
    const link = ctx.layout.resolve(linkName);
    await ctx.locks.run(linkName, async () => {
      try {
        await ctx.fs.symlink(source.dataPath, link.dataPath);
      } catch (err) {
        if (isNodeCode(err, 'EEXIST')) throw alreadyExists(`file ${linkName} already exists`);
        throw ioError(err, `symlink ${linkName}`);
      }
      await logOrUndo(
        ctx,
        [{ timestamp: ctx.now(), op: 'L', filename: linkName, srcFilename: source.logicName }],
        [link.dataPath],
      );
    });
    ok = true;
    return linkName;
  } finally {
    ctx.stats.record('createLink', ok, 0, ctx.now());
  }
}
