// One recovery thread (§8.8 step 6): the records of `.binlog.recovery.<i>` from the offset in
// `.recovery.mark.<i>`, in order. A create downloads the file from the source into our temporary
// folder (swept at start-up, so a crash leaves nothing half-written), sets its mtime to the record
// time and renames it into place, over any old copy; a link is recreated as a symlink to the
// absolute path of its target, as C writes it. The mark is saved every MARK_EVERY records and at
// the end; a record done twice after a crash does no harm.
import { open, readFile, rename, symlink, unlink, utimes } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { writeFileAtomic } from '../../common/atomic-file.js';
import { FdfsError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { Errno } from '../../protocol/errno.js';
import { parseBinlogLine, type BinlogRecord } from '../binlog/record.js';
import { isNodeCode } from '../store/errors.js';
import type { StoreLayout } from '../store/layout.js';
import {
  formatRecoveryMark,
  parseRecoveryMark,
  recoveryBinlogPath,
  recoveryMarkPath,
} from './recovery-files.js';
import type { RecoverySource } from './source.js';
import { pause } from '../../common/pause.js';

export const MARK_EVERY = 100;
/** Records in flight per thread. */
export const WINDOW = 8;
const RETRY_MS = 1000;

export interface WorkerContext {
  layout: StoreLayout;
  storePathIndex: number;
  source: RecoverySource;
  logger: Logger;
  signal: AbortSignal;
  /** Name sizes decoded from the file id (0-byte files a C source refuses, §16 #3). */
  sizeOfName?: (logicName: string) => number | undefined;
}

export interface WorkerResult {
  files: number;
  links: number;
  skipped: number;
}

async function readMark(path: string): Promise<number> {
  try {
    return parseRecoveryMark(await readFile(path, 'latin1'));
  } catch (err) {
    if (isNodeCode(err, 'ENOENT')) return 0;
    throw err;
  }
}

function errnoOf(err: unknown): number | undefined {
  return err instanceof FdfsError && err.code === 'ERR_SERVER_STATUS' ? err.errno : undefined;
}

async function downloadInto(ctx: WorkerContext, record: BinlogRecord): Promise<'done' | 'gone'> {
  const { layout } = ctx;
  const target = layout.resolve(record.filename);
  const temp = layout.tempFilePath(ctx.storePathIndex);
  // Opened before the stream exists, so that a failure's unlink cannot race a late open.
  const handle = await open(temp, 'w', 0o644);
  const sink = handle.createWriteStream();
  // A write error shows in finished(); a late write after destroy() must not crash us.
  sink.on('error', () => {});
  try {
    try {
      await ctx.source.download(record.filename, sink);
    } catch (err) {
      // A C source answers EINVAL for a 0-byte file (§16 #3): its name says it is empty.
      if (errnoOf(err) !== Errno.EINVAL || ctx.sizeOfName?.(record.filename) !== 0) throw err;
    }
    sink.end();
    await finished(sink);
    await utimes(temp, record.timestamp, record.timestamp);
    await rename(temp, target.dataPath);
    return 'done';
  } catch (err) {
    sink.destroy();
    await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    if (errnoOf(err) === Errno.ENOENT) return 'gone';
    throw err;
  }
}

async function relink(ctx: WorkerContext, link: string, target: string): Promise<void> {
  const linkPath = ctx.layout.resolve(link).dataPath;
  const targetPath = ctx.layout.resolve(target).dataPath;
  await unlink(linkPath).catch((err: unknown) => {
    if (!isNodeCode(err, 'ENOENT')) throw err;
  });
  await symlink(targetPath, linkPath);
}

async function apply(ctx: WorkerContext, record: BinlogRecord, out: WorkerResult): Promise<void> {
  switch (record.op) {
    case 'C':
    case 'c':
      if ((await downloadInto(ctx, record)) === 'done') out.files++;
      else out.skipped++;
      return;
    case 'L':
    case 'l':
      await relink(ctx, record.filename, record.srcFilename);
      out.links++;
      return;
    default:
      out.skipped++;
  }
}

/** Apply one record, trying again (after a pause) until it works or we are stopped. */
async function applyUntilDone(
  ctx: WorkerContext,
  record: BinlogRecord,
  out: WorkerResult,
): Promise<void> {
  for (;;) {
    try {
      await apply(ctx, record, out);
      return;
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      ctx.logger.warn(
        { file: record.filename, source: ctx.source.label, err: (err as Error).message },
        'disk recovery: record failed, trying again',
      );
      await pause(RETRY_MS, ctx.signal);
    }
  }
}

interface InFlight {
  /** Offset after the record's line. */
  end: number;
  filename: string | undefined;
  ok: Promise<boolean>;
}

/**
 * Run thread `thread` of store path `ctx.storePathIndex` to the end of its file, with up to
 * WINDOW records in flight (C does one at a time; the files are the same). Records of one file
 * name stay in order. The mark only ever covers records that are all done, in file order, so a
 * C storage or ours resumes from it safely.
 */
export async function runRecoveryThread(ctx: WorkerContext, thread: number): Promise<WorkerResult> {
  const dataDir = ctx.layout.storePath(ctx.storePathIndex).dataDir;
  const markPath = recoveryMarkPath(dataDir, thread);
  const text = await readFile(recoveryBinlogPath(dataDir, thread), 'latin1');
  let done = await readMark(markPath);
  let scan = done;
  const out: WorkerResult = { files: 0, links: 0, skipped: 0 };
  const pending: InFlight[] = [];
  const lastOfName = new Map<string, Promise<boolean>>();
  let failure: unknown;
  let sinceMark = 0;
  const settleOldest = async (): Promise<void> => {
    const oldest = pending.shift()!;
    const ok = await oldest.ok;
    if (oldest.filename !== undefined && lastOfName.get(oldest.filename) === oldest.ok) {
      lastOfName.delete(oldest.filename);
    }
    if (!ok || failure !== undefined) return;
    done = oldest.end;
    if (++sinceMark >= MARK_EVERY) {
      await writeFileAtomic(markPath, formatRecoveryMark(done));
      sinceMark = 0;
    }
  };
  while (scan < text.length && failure === undefined) {
    // A stopping server ends its threads between records; the mark says where to resume.
    if (ctx.signal.aborted) {
      failure = new FdfsError('ERR_ABORTED', 'disk recovery stopped');
      break;
    }
    const end = text.indexOf('\n', scan);
    if (end < 0) break;
    const line = text.slice(scan, end);
    scan = end + 1;
    const parsed = line === '' ? undefined : parseBinlogLine(line);
    if (!parsed?.ok) {
      if (parsed) {
        ctx.logger.warn({ line, reason: parsed.reason }, 'disk recovery: malformed line skipped');
        out.skipped++;
      }
      pending.push({ end: scan, filename: undefined, ok: Promise.resolve(true) });
    } else {
      const { record } = parsed;
      const before = lastOfName.get(record.filename) ?? Promise.resolve(true);
      const ok = before
        .then(() => applyUntilDone(ctx, record, out))
        .then(
          () => true,
          (err: unknown) => {
            failure ??= err;
            return false;
          },
        );
      lastOfName.set(record.filename, ok);
      pending.push({ end: scan, filename: record.filename, ok });
    }
    while (pending.length >= WINDOW) await settleOldest();
  }
  while (pending.length > 0) await settleOldest();
  await writeFileAtomic(markPath, formatRecoveryMark(done));
  if (failure !== undefined) throw failure;
  return out;
}
