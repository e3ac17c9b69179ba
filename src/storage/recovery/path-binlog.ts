// The text of FETCH_ONE_PATH_BINLOG (26) for one store path (§6.2): the create, link and rename
// records of that path whose files still exist, as the C source sends them:
// - R/r become C/c under the new name;
// - a record whose file is now a symlink goes out as a link L/l `<link> <Mxx/… of its target>`,
//   and one whose file is now a regular file as a create C/c (the case of the op is kept);
// - files that are gone are left out (a later D was written for them).
// Malformed lines (C's `<ts> L  <target>`, §16 #2) are logged and skipped, never a stall or an
// aborted stream as in C.
import { Readable } from 'node:stream';
import type { Logger } from '../../common/logger.js';
import { BinlogReader } from '../binlog/reader.js';
import { formatBinlogLine, isSourceOp, type BinlogRecord } from '../binlog/record.js';
import { isNodeCode } from '../store/errors.js';
import type { StoreFs } from '../store/fs-layer.js';
import type { StoreLayout } from '../store/layout.js';

export interface PathBinlogSource {
  layout: StoreLayout;
  fs: StoreFs;
  /** `<base_path>/data/sync`, read from binlog.000 on with the one binlog reader. */
  syncDir: string;
  logger: Logger;
}

const CREATE_OR_LINK = new Set(['C', 'c', 'L', 'l', 'R', 'r']);

function storePathOf(filename: string): number | undefined {
  const m = /^M([0-9A-Fa-f]{2})\//.exec(filename);
  return m ? parseInt(m[1]!, 16) : undefined;
}

/** The record to send for `record` as the file is now, or undefined when it is gone. */
async function currentForm(
  src: PathBinlogSource,
  record: BinlogRecord,
): Promise<BinlogRecord | undefined> {
  let resolved;
  try {
    resolved = src.layout.resolve(record.filename);
  } catch {
    return undefined;
  }
  let stats;
  try {
    stats = await src.fs.lstat(resolved.dataPath);
  } catch (err) {
    if (isNodeCode(err, 'ENOENT')) return undefined;
    throw err;
  }
  const source = isSourceOp(record.op);
  const { timestamp, filename } = record;
  if (stats.isSymbolicLink()) {
    const target = await src.fs.readlink(resolved.dataPath);
    const srcFilename = src.layout.logicNameOfPath(target, resolved.dirPath);
    // A link out of our store paths: the source can still serve its content as a file.
    if (srcFilename !== undefined) {
      return { timestamp, op: source ? 'L' : 'l', filename, srcFilename };
    }
  } else if (!stats.isFile()) {
    return undefined;
  }
  return { timestamp, op: source ? 'C' : 'c', filename };
}

/** The lines of store path `storePathIndex`, one string per line (with its `\n`). */
export async function* pathBinlogLines(
  src: PathBinlogSource,
  storePathIndex: number,
): AsyncGenerator<string> {
  // The reader logs and skips each malformed line (§16 #2) and follows rotation to the end.
  const reader = new BinlogReader({
    dir: src.syncDir,
    from: { index: 0, offset: 0 },
    logger: src.logger,
  });
  for (let batch = await reader.read(); batch.length > 0; batch = await reader.read()) {
    for (const { record } of batch) {
      if (!CREATE_OR_LINK.has(record.op)) continue;
      if (storePathOf(record.filename) !== storePathIndex) continue;
      const now = await currentForm(src, record);
      if (now) yield formatBinlogLine(now);
    }
  }
  if (reader.skipped > 0) {
    // One summary (the reader logged each line).
    src.logger.warn({ skipped: reader.skipped }, 'cmd 26: malformed binlog line skipped');
  }
}

/** The stream a close-delimited reply sends (latin1 bytes of the lines). */
export function pathBinlogStream(src: PathBinlogSource, storePathIndex: number): Readable {
  async function* bytes(): AsyncGenerator<Buffer> {
    let batch = '';
    for await (const line of pathBinlogLines(src, storePathIndex)) {
      batch += line;
      if (batch.length >= 64 * 1024) {
        yield Buffer.from(batch, 'latin1');
        batch = '';
      }
    }
    if (batch !== '') yield Buffer.from(batch, 'latin1');
  }
  return Readable.from(bytes(), { objectMode: false });
}
