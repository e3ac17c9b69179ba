// The split of the recovery records over disk_recovery_threads files (§8.8 step 5, §16 #16),
// made crash-atomic, which C's rewrite in place is not:
// 1. what is left of the old files (each from its mark) is spread by Time33, order kept;
// 2. the new files are written as `.binlog.recovery.<i>.split`, then `.recovery.split.done`
//    (the commit point, naming both thread counts);
// 3. every mark is removed, the new files are renamed into place, old files beyond N removed,
//    the flag says N, and the commit file goes.
// A crash before the commit redoes the split from the untouched old files; a crash after it
// finishes step 3, which is idempotent. A C storage sees only its own names, as before.
import { readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-file.js';
import { formatKeyValues, intValue, parseKeyValues } from '../../common/kv-file.js';
import type { Logger } from '../../common/logger.js';
import { formatBinlogLine, parseBinlogLine } from '../binlog/record.js';
import { isNodeCode } from '../store/errors.js';
import {
  parseRecoveryMark,
  recoveryBinlogPath,
  recoveryMarkPath,
  recoveryThreadOf,
} from './recovery-files.js';

export const SPLIT_COMMIT_FILE = '.recovery.split.done';
const SPLIT_LEFTOVER = /^\.binlog\.recovery\.\d+\.split(\.tmp)?$|^\.recovery\.split\.done\.tmp$/;

function splitPath(dataDir: string, thread: number): string {
  return `${recoveryBinlogPath(dataDir, thread)}.split`;
}

async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'latin1');
  } catch (err) {
    if (isNodeCode(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/**
 * Finish a split whose commit file exists (step 3); `setThreads` writes the flag. Resolves false
 * when there is none.
 */
export async function finishSplit(
  dataDir: string,
  setThreads: (threads: number) => Promise<void>,
): Promise<boolean> {
  const text = await readOrUndefined(join(dataDir, SPLIT_COMMIT_FILE));
  if (text === undefined) return false;
  const v = parseKeyValues(text);
  const threads = intValue(v, 'recovery_threads');
  const oldThreads = intValue(v, 'old_threads');
  for (let i = 0; i < Math.max(threads, oldThreads); i++) {
    await rm(recoveryMarkPath(dataDir, i), { force: true });
  }
  for (let i = 0; i < threads; i++) {
    try {
      await rename(splitPath(dataDir, i), recoveryBinlogPath(dataDir, i));
    } catch (err) {
      // Renamed before a crash.
      if (!isNodeCode(err, 'ENOENT')) throw err;
    }
  }
  for (let i = threads; i < oldThreads; i++) {
    await rm(recoveryBinlogPath(dataDir, i), { force: true });
  }
  await setThreads(threads);
  await rm(join(dataDir, SPLIT_COMMIT_FILE), { force: true });
  return true;
}

/** Split `oldThreads` files over `threads` (steps 1–3); resolves with the records kept. */
export async function splitRecoveryFiles(
  dataDir: string,
  oldThreads: number,
  threads: number,
  logger: Logger,
  setThreads: (threads: number) => Promise<void>,
): Promise<number> {
  for (const name of await readdir(dataDir)) {
    if (SPLIT_LEFTOVER.test(name)) await rm(join(dataDir, name), { force: true });
  }
  const buckets: string[][] = Array.from({ length: threads }, () => []);
  let count = 0;
  for (let i = 0; i < oldThreads; i++) {
    const text = await readOrUndefined(recoveryBinlogPath(dataDir, i));
    if (text === undefined) continue;
    const markText = await readOrUndefined(recoveryMarkPath(dataDir, i));
    const from = markText === undefined ? 0 : parseRecoveryMark(markText);
    for (const line of text.slice(from).split('\n')) {
      if (line === '') continue;
      const parsed = parseBinlogLine(line);
      if (!parsed.ok) {
        logger.warn({ line, reason: parsed.reason }, 'disk recovery: malformed line skipped');
        continue;
      }
      buckets[recoveryThreadOf(parsed.record, threads)]!.push(formatBinlogLine(parsed.record));
      count++;
    }
  }
  for (let i = 0; i < threads; i++) {
    await writeFileAtomic(splitPath(dataDir, i), buckets[i]!.join(''));
  }
  await writeFileAtomic(
    join(dataDir, SPLIT_COMMIT_FILE),
    formatKeyValues([
      ['recovery_threads', threads],
      ['old_threads', oldThreads],
    ]),
  );
  await finishSplit(dataDir, setThreads);
  return count;
}
