// UPLOAD_FILE (11) and UPLOAD_APPENDER_FILE (23), §6.1: the content streams into a temporary
// file of the chosen store path; after its last byte the name is generated (timestamp = the
// file's mtime, size and CRC32 of the content, §7.2), the file is renamed into data/XX/YY, the
// `C` line is written to the binlog, and only then does the upload resolve (the crash model:
// an acknowledged file is in place and in the binlog, whatever happens next).
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { extProblem } from '../../../protocol/file-id/ext.js';
import { writeTempFile } from '../content-writer.js';
import { invalid } from '../errors.js';
import type { StoreContext } from './context.js';
import { countFileIo, logOrUndo, moveIntoPlace } from './common.js';
import { readSmallContent, SMALL_FILE_MAX } from '../small-io/content.js';
import { jobError } from '../small-io/pool.js';

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
    const result =
      ctx.smallIo && ctx.fsyncEvery <= 0 && req.size <= SMALL_FILE_MAX
        ? await uploadSmall(ctx, req, storePathIndex)
        : await uploadStreamed(ctx, req, storePathIndex);
    ok = true;
    return result;
  } finally {
    countFileIo(ctx, 'write', ok);
    ctx.stats.record('upload', ok, ok ? req.size : 0, ctx.now());
  }
}

/** The §7.2 name of a new upload (unique among the recent ones, §7.5). */
function nameOf(
  ctx: StoreContext,
  req: UploadRequest,
  storePathIndex: number,
  timestamp: number,
  crc: number,
): string {
  return ctx.names.generate({
    storePathIndex,
    source: ctx.settings.nameSource,
    timestamp,
    kind: req.appender ? 'appender' : 'normal',
    size: req.size,
    crc32: crc,
    ext: req.ext,
  }).logicName;
}

/** Any size: the content streams into a temporary file; the name takes that file's mtime. */
async function uploadStreamed(
  ctx: StoreContext,
  req: UploadRequest,
  storePathIndex: number,
): Promise<UploadResult> {
  const temp = await writeTempFile(
    ctx.fs,
    req.content,
    req.size,
    ctx.layout.tempFilePath(storePathIndex),
    { fsyncEvery: ctx.fsyncEvery },
  );
  let logicName: string;
  try {
    logicName = nameOf(ctx, req, storePathIndex, temp.mtime, temp.crc32);
  } catch (err) {
    await ctx.fs.unlink(temp.path).catch(() => {});
    throw err;
  }
  ctx.stats.touch();
  const { dataPath } = ctx.layout.resolve(logicName);
  await moveIntoPlace(ctx, temp.path, dataPath);
  await logOrUndo(ctx, [{ timestamp: temp.mtime, op: 'C', filename: logicName }], [dataPath]);
  return { logicName, storePathIndex, size: req.size, crc32: temp.crc32, timestamp: temp.mtime };
}

/**
 * A small file without fsync (small-io/): the content is gathered whole, its name made with the
 * clock's time at its last byte (the upload end time, §7.2), and one worker job writes it to a
 * temporary file, sets the file's mtime to that time (so the name and the file agree, as in the
 * streamed path), and renames it into place. The crash model is the same: the temporary file is
 * swept at start-up, and the binlog line is written before the upload resolves.
 */
async function uploadSmall(
  ctx: StoreContext,
  req: UploadRequest,
  storePathIndex: number,
): Promise<UploadResult> {
  const body = await readSmallContent(req.content, req.size);
  const crc = crc32(body) >>> 0;
  const timestamp = ctx.now();
  const logicName = nameOf(ctx, req, storePathIndex, timestamp, crc);
  ctx.stats.touch();
  const { dataPath } = ctx.layout.resolve(logicName);
  const done = await ctx.smallIo!.run({
    kind: 'create',
    temp: ctx.layout.tempFilePath(storePathIndex),
    path: dataPath,
    body,
    mtime: timestamp,
  });
  if (!done.ok) throw jobError(done, `writing ${logicName}`);
  await logOrUndo(ctx, [{ timestamp, op: 'C', filename: logicName }], [dataPath]);
  return { logicName, storePathIndex, size: req.size, crc32: crc, timestamp };
}
