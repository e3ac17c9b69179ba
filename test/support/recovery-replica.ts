// Helpers of the resumed disk-recovery end-to-end test (§8.8): make a stopped storage hold a
// peer's files the way a replica would (the data files copied with their mtimes, the peer's
// binlog records appended in lower case, §8.3), and read a store path's recovery state files
// (§16 #16) while a recovery runs.
import { appendFile, cp, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  parseBinlogText,
  formatBinlogLine,
  type BinlogRecord,
} from '#src/storage/binlog/record.js';
import {
  parseRecoveryFlag,
  parseRecoveryMark,
  type RecoveryFlag,
} from '#src/storage/recovery/recovery-files.js';
import type { StorageNode } from './cluster-storage.js';

export function binlogPath(node: StorageNode): string {
  return join(node.basePath, 'data', 'sync', 'binlog.000');
}

/** The complete records of a storage's first binlog file. */
export async function binlogRecords(node: StorageNode): Promise<BinlogRecord[]> {
  const text = await readFile(binlogPath(node), 'latin1');
  return parseBinlogText(text).lines.flatMap((l) => (l.ok ? [l.record] : []));
}

/**
 * Give `replica` (stopped) every file `source` holds in store path 0 and, in its binlog, the
 * source's own records in lower case, as push sync would have left them; `extraLines` (raw binlog
 * text) are appended after them; records push sync already wrote there are skipped. Returns the
 * number of the source's own records (appended or already there).
 */
export async function copyAsReplica(
  source: StorageNode,
  replica: StorageNode,
  extraLines = '',
): Promise<number> {
  const from = source.dataDir(0);
  const to = replica.dataDir(0);
  for (const rel of (await readdir(from, { recursive: true })).map(String)) {
    // Only XX/YY/<name>: no .tmp, .fastdfs_vars or recovery files.
    if (!/^[0-9A-F]{2}\/[0-9A-F]{2}\/[^.][^/]*$/.test(rel)) continue;
    await cp(join(from, rel), join(to, rel), { preserveTimestamps: true, verbatimSymlinks: true });
  }
  const own = (await binlogRecords(source)).filter((r) => r.op >= 'A' && r.op <= 'Z');
  // Records push sync already left on the replica are not written twice.
  const key = (r: BinlogRecord): string => `${r.op.toLowerCase()} ${r.filename}`;
  const present = new Set((await binlogRecords(replica).catch(() => [])).map(key));
  const lines = own
    .filter((r) => !present.has(key(r)))
    .map((r) => formatBinlogLine({ ...r, op: r.op.toLowerCase() } as BinlogRecord));
  await appendFile(binlogPath(replica), lines.join('') + extraLines, 'latin1');
  return own.length;
}

export interface RecoveryState {
  flag: RecoveryFlag | undefined;
  /** binlog_offset of each `.recovery.mark.<i>` that exists. */
  marks: number[];
}

/** The recovery files of store path 0 as they are now (a file being replaced reads as absent). */
export async function recoveryState(node: StorageNode): Promise<RecoveryState> {
  const dir = node.dataDir(0);
  const read = (name: string) => readFile(join(dir, name), 'latin1').catch(() => undefined);
  const flagText = await read('.recovery.flag');
  const names = await readdir(dir).catch(() => [] as string[]);
  const marks: number[] = [];
  for (const name of names.filter((n) => /^\.recovery\.mark\.\d+$/.test(n))) {
    const text = await read(name);
    if (text !== undefined) marks.push(parseRecoveryMark(text));
  }
  return { flag: flagText === undefined ? undefined : parseRecoveryFlag(flagText), marks };
}
