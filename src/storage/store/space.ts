// Free space per store path and the storage's own store-path choice (§8.11, §9.6). The reserved
// space and the store_path mode come from the tracker (PARAMETER_REQ), so they are parameters.
import { Errno } from '../../protocol/errno.js';
import type { ReservedSpace } from '../../common/config/values.js';
import type { StoreFs } from './fs-layer.js';
import { invalid, storeError } from './errors.js';

const MB = 1024 * 1024;

export interface PathSpace {
  totalMb: number;
  freeMb: number;
}

/** reserved_storage_space: an absolute size in MB, or a ratio of each path's size (§9.6). */
export type { ReservedSpace };

/** The tracker's store_path: 0 round robin, 2 load balance (§3.4). */
export type StorePathMode = 0 | 2;

/** Total and free MB of the file system holding `path` (statvfs: blocks and bavail × size). */
export async function statPathSpace(fs: StoreFs, path: string): Promise<PathSpace> {
  const s = await fs.statfs(path);
  return {
    totalMb: Math.floor((s.blocks * s.bsize) / MB),
    freeMb: Math.floor((s.bavail * s.bsize) / MB),
  };
}

/**
 * The per-path reserved check (§8.11): absolute → free > reserved / path count; ratio →
 * free / total > ratio (never with total 0). `fileMb` is subtracted from the free space first.
 */
export function pathHasRoom(
  space: PathSpace,
  reserved: ReservedSpace,
  pathCount: number,
  fileMb = 0,
): boolean {
  const free = space.freeMb - fileMb;
  if (reserved.kind === 'mb') return free > reserved.mb / pathCount;
  return space.totalMb > 0 && free / space.totalMb > reserved.ratio;
}

export interface ChoosePathRequest {
  /** The index the tracker gave the client (−1: the storage chooses). */
  requested: number;
  mode: StorePathMode;
  reserved: ReservedSpace;
  /** Last known space per path (undefined: not measured yet, taken as enough). */
  spaces: readonly (PathSpace | undefined)[];
  /** Bytes about to be written. */
  fileSize: number;
}

export class StorePathChooser {
  /** The round-robin position (g_store_path_index). */
  private next = 0;

  constructor(private readonly readonlyFlags: readonly boolean[]) {}

  get count(): number {
    return this.readonlyFlags.length;
  }

  /**
   * The store path for a new file: the tracker's index unless it is −1 or read-only; otherwise
   * round robin (the next writable path with room) or load balance (the writable path with the
   * most free MB and room). EINVAL for an index that does not exist; ENOSPC when no path fits.
   */
  choose(req: ChoosePathRequest): number {
    const { requested, spaces, reserved } = req;
    const count = this.count;
    if (!Number.isInteger(requested) || requested < -1 || requested >= count) {
      throw invalid(`store path index ${requested} does not exist (${count} store paths)`);
    }
    const fileMb = Math.floor(req.fileSize / MB);
    const fits = (i: number): boolean => {
      const space = spaces[i];
      return !this.readonlyFlags[i] && (!space || pathHasRoom(space, reserved, count, fileMb));
    };
    if (requested >= 0 && !this.readonlyFlags[requested]) {
      if (!fits(requested)) throw this.full(`store path ${requested} is above its reserved space`);
      return requested;
    }
    if (req.mode === 2) {
      let best = -1;
      for (let i = 0; i < count; i++) {
        if (!fits(i)) continue;
        if (best < 0 || (spaces[i]?.freeMb ?? Infinity) > (spaces[best]?.freeMb ?? Infinity)) {
          best = i;
        }
      }
      if (best < 0) throw this.full('no writable store path has room');
      return best;
    }
    const start = this.next < count ? this.next : 0;
    for (let k = 0; k < count; k++) {
      const i = (start + k) % count;
      if (fits(i)) {
        this.next = (i + 1) % count;
        return i;
      }
    }
    throw this.full('no writable store path has room');
  }

  private full(message: string) {
    return storeError(Errno.ENOSPC, message);
  }
}
