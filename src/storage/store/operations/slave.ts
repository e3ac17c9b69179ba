// UPLOAD_SLAVE_FILE (21), §6.1 and §7.7: the slave's name is derived from its master's (which
// must exist here); a slave that exists already is EEXIST. The content is stored under that name,
// or — with store_slave_file_use_link — under a generated name with a symlink at the slave's
// name; the binlog then gets `C <generated>` and a COMPLETE `L <slave> <generated>` line, not the
// C storage's `L  <generated>` (§16 #2).
import type { Readable } from 'node:stream';
import { slaveFileName } from '../../../protocol/file-id/slave-name.js';
import { writeTempFile } from '../content-writer.js';
import { alreadyExists, ioError, isNodeCode, noSpace, notFound } from '../errors.js';
import { hex2 } from '../layout.js';
import { pathHasRoom } from '../space.js';
import type { StoreContext } from './context.js';
import { countFileIo, logOrUndo, lstatOrUndefined, moveIntoPlace } from './common.js';
import { checkSize, type UploadResult } from './upload.js';

export interface UploadSlaveRequest {
  /** The master's logic name ("Mpp/XX/YY/name"). */
  masterLogicName: string;
  /** 1..16 of [A-Za-z0-9_.-] (the storage requires one). */
  prefix: string;
  /** The slave's extension without the dot; '' = none. */
  ext: string;
  size: number;
  content: Readable;
}

export interface UploadSlaveResult extends UploadResult {
  /** With store_slave_file_use_link: the generated regular file the slave links to. */
  linkTarget?: string;
}

export async function uploadSlave(
  ctx: StoreContext,
  req: UploadSlaveRequest,
): Promise<UploadSlaveResult> {
  checkSize(req.size);
  let ok = false;
  try {
    const master = ctx.layout.resolve(req.masterLogicName);
    const slaveTrueName = slaveFileName(master.trueName, req.prefix, req.ext, {
      requirePrefix: true,
    });
    const slave = ctx.layout.resolve(`M${hex2(master.storePathIndex)}/${slaveTrueName}`);
    if (!(await lstatOrUndefined(ctx, master.dataPath))) {
      throw notFound(`master file ${master.logicName} does not exist`);
    }
    if (await lstatOrUndefined(ctx, slave.dataPath)) {
      throw alreadyExists(`slave file ${slave.logicName} already exists`);
    }
    const index = master.storePathIndex;
    const space = ctx.spaces[index];
    const count = ctx.layout.storePathCount;
    if (
      space &&
      !pathHasRoom(space, ctx.settings.reservedSpace, count, Math.floor(req.size / 2 ** 20))
    ) {
      throw noSpace(`store path ${index} is above its reserved space`);
    }
    const temp = await writeTempFile(
      ctx.fs,
      req.content,
      req.size,
      ctx.layout.tempFilePath(index),
      {
        fsyncEvery: ctx.fsyncEvery,
      },
    );
    const result = await ctx.locks.run(slave.logicName, async (): Promise<UploadSlaveResult> => {
      if (await lstatOrUndefined(ctx, slave.dataPath)) {
        await ctx.fs.unlink(temp.path).catch(() => {});
        throw alreadyExists(`slave file ${slave.logicName} already exists`);
      }
      const base = {
        storePathIndex: index,
        size: req.size,
        crc32: temp.crc32,
        timestamp: temp.mtime,
      };
      if (!ctx.settings.storeSlaveFileUseLink) {
        await moveIntoPlace(ctx, temp.path, slave.dataPath);
        await logOrUndo(
          ctx,
          [{ timestamp: temp.mtime, op: 'C', filename: slave.logicName }],
          [slave.dataPath],
        );
        return { ...base, logicName: slave.logicName };
      }
      let generated: string;
      try {
        generated = ctx.names.generate({
          storePathIndex: index,
          source: ctx.settings.nameSource,
          timestamp: temp.mtime,
          kind: 'normal',
          size: req.size,
          crc32: temp.crc32,
          ext: req.ext.startsWith('.') ? req.ext.slice(1) : req.ext,
        }).logicName;
      } catch (err) {
        await ctx.fs.unlink(temp.path).catch(() => {});
        throw err;
      }
      ctx.stats.touch();
      const target = ctx.layout.resolve(generated);
      await moveIntoPlace(ctx, temp.path, target.dataPath);
      try {
        // An absolute target, as C writes it (§8.1), so either implementation can follow it.
        await ctx.fs.symlink(target.dataPath, slave.dataPath);
      } catch (err) {
        await ctx.fs.unlink(target.dataPath).catch(() => {});
        if (isNodeCode(err, 'EEXIST')) throw alreadyExists(`slave file ${slave.logicName} exists`);
        throw ioError(err, `symlink ${slave.logicName}`);
      }
      await logOrUndo(
        ctx,
        [
          { timestamp: temp.mtime, op: 'C', filename: target.logicName },
          {
            timestamp: ctx.now(),
            op: 'L',
            filename: slave.logicName,
            srcFilename: target.logicName,
          },
        ],
        [slave.dataPath, target.dataPath],
      );
      return { ...base, logicName: slave.logicName, linkTarget: target.logicName };
    });
    ok = true;
    return result;
  } finally {
    countFileIo(ctx, 'write', ok);
    ctx.stats.record('upload', ok, ok ? req.size : 0, ctx.now());
  }
}
