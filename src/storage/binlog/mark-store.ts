// Mark files on disk (§8.4): `data/sync/<peer>.mark`, rewritten atomically (a SIGKILL leaves the
// old or the new mark, never a torn one), removed when the peer is deleted and renamed when its IP
// changes.
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-file.js';
import { formatMarkFile, parseMarkFile, type SyncMark } from './sync-files.js';

export const EMPTY_MARK: SyncMark = {
  binlogIndex: 0,
  binlogOffset: 0,
  needSyncOld: false,
  syncOldDone: false,
  untilTimestamp: 0,
  scanRowCount: 0,
  syncRowCount: 0,
};

export class MarkStore {
  /** `dir` = `<base_path>/data/sync`. */
  constructor(private readonly dir: string) {}

  path(fileName: string): string {
    return join(this.dir, fileName);
  }

  /** The saved mark, or undefined when there is none (a peer never synced to). */
  async read(fileName: string): Promise<SyncMark | undefined> {
    try {
      return parseMarkFile(await readFile(this.path(fileName), 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  write(fileName: string, mark: SyncMark): Promise<void> {
    return writeFileAtomic(this.path(fileName), formatMarkFile(mark));
  }

  /** DELETE_STORAGE (93): the mark goes with the peer (§8.4). */
  async remove(fileName: string): Promise<void> {
    await rm(this.path(fileName), { force: true });
  }

  /** IP change (77/78): the mark follows the peer to its new name (§8.4). */
  async rename(from: string, to: string): Promise<void> {
    try {
      await rename(this.path(from), this.path(to));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
