// UPLOAD_FILE (11) and UPLOAD_APPENDER_FILE (23), §6.1: the content streams into a temporary
// file of the chosen store path; after its last byte the name is generated (timestamp = the
// file's mtime, size and CRC32 of the content, §7.2), the file is renamed into data/XX/YY, the
// `C` line is written to the binlog, and only then does the upload resolve (the crash model:
// an acknowledged file is in place and in the binlog, whatever happens next).
import type { Readable } from 'node:stream';
import { extProblem } from '../../../protocol/file-id/ext.js';
import { writeTempFile } from '../content-writer.js';
import { invalid } from '../errors.js';
import type { StoreContext } from './context.js';
import { countFileIo, logOrUndo, moveIntoPlace } from './common.js';

export interface UploadRequest {
  /** The tracker's store path index, or −1 to let the storage choose (§8.11). */
  storePathIndex: number;
  /** Bytes of content. */
  size: number;
  /** Extension without the dot, 0..6 of [A-Za-z0-9_.-]. */
  ext: string;
  content: Readable;
  /** UPLOAD_APPENDER_FILE: the name carries the appender flag and no size. */
  appender?: boolean;
}

export interface UploadResult {
  /** "Mpp/XX/YY/name": the file id is `<group>/<logicName>`. */
  logicName: string;
  storePathIndex: number;
  size: number;
  crc32: number;
  /** The timestamp in the name and of the binlog line (the file's mtime). */
  timestamp: number;
}

export function checkSize(size: number, what = 'file size'): void {
  if (!Number.isSafeInteger(size) || size < 0) throw invalid(`${what} ${size} is not ≥ 0`);
}

export async function upload(ctx: StoreContext, req: UploadRequest): Promise<UploadResult> {
  checkSize(req.size);
  const problem = extProblem(req.ext);
  if (problem) throw invalid(`extension ${JSON.stringify(req.ext)} ${problem}`);
  const storePathIndex = ctx.chooser.choose({
    requested: req.storePathIndex,
    mode: ctx.settings.storePathMode,
    reserved: ctx.settings.reservedSpace,
    spaces: ctx.spaces,
    fileSize: req.size,
  });
  let ok = false;
  try {
    const temp = await writeTempFile(
      ctx.fs,
      req.content,
      req.size,
      ctx.layout.tempFilePath(storePathIndex),
      { fsyncEvery: ctx.fsyncEvery },
    );
    let logicName: string;
    try {
      logicName = ctx.names.generate({
        storePathIndex,
        source: ctx.settings.nameSource,
        timestamp: temp.mtime,
        kind: req.appender ? 'appender' : 'normal',
        size: req.size,
        crc32: temp.crc32,
        ext: req.ext,
      }).logicName;
    } catch (err) {
      await ctx.fs.unlink(temp.path).catch(() => {});
      throw err;
    }
    ctx.stats.touch();
    const { dataPath } = ctx.layout.resolve(logicName);
    await moveIntoPlace(ctx, temp.path, dataPath);
    await logOrUndo(ctx, [{ timestamp: temp.mtime, op: 'C', filename: logicName }], [dataPath]);
    ok = true;
    return { logicName, storePathIndex, size: req.size, crc32: temp.crc32, timestamp: temp.mtime };
  } finally {
    countFileIo(ctx, 'write', ok);
    ctx.stats.record('upload', ok, ok ? req.size : 0, ctx.now());
  }
}
