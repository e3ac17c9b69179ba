// Choosing the data subdirectory XX/YY of a new file (§7.4): round robin (file_distribute_path_mode
// = 0) or by the PJW hash of the name block (mode 1). Pure state, no I/O.
import { FdfsError } from '../errors.js';

/** A subdirectory pair: data/<subdir1 as %02X>/<subdir2 as %02X>. */
export interface SubdirPair {
  subdir1: number;
  subdir2: number;
}

/** libfastcommon's PJWHash, with C's signed 32-bit int and arithmetic right shift. */
export function pjwHash(key: Uint8Array | string): number {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  let hash = 0;
  for (const c of bytes) {
    hash = ((hash << 4) + c) | 0;
    const test = hash & 0xf0000000; // a negative int32 when set
    if (test !== 0) hash = (hash ^ (test >> 24)) & 0x0fffffff;
  }
  return hash;
}

function checkSubdirCount(subdirCount: number): void {
  if (!Number.isInteger(subdirCount) || subdirCount < 1 || subdirCount > 256) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', `subdir count ${subdirCount} is not 1..256`);
  }
}

/** Mode 1: n = PJWHash(B27) mod 65536; XX = (n >> 8) mod count; YY = (n & 0xFF) mod count. */
export function randomModeSubdirs(b27: string, subdirCount: number): SubdirPair {
  checkSubdirCount(subdirCount);
  const n = pjwHash(b27) % 65536;
  return { subdir1: ((n >> 8) & 0xff) % subdirCount, subdir2: (n & 0xff) % subdirCount };
}

/** The counters kept in storage_stat.dat (dist_path_index_high/low, dist_write_file_count). */
export interface RoundRobinState {
  high: number;
  low: number;
  count: number;
}

/**
 * Mode 0: every file takes the current (high, low); after `rotateCount` files low moves on, and
 * wraps into high, which wraps to 0 (`storage_get_store_path`).
 */
export class RoundRobinSubdirs {
  private high: number;
  private low: number;
  private count: number;

  constructor(
    readonly subdirCount: number,
    readonly rotateCount: number,
    state: Partial<RoundRobinState> = {},
  ) {
    checkSubdirCount(subdirCount);
    if (!Number.isInteger(rotateCount) || rotateCount < 1) {
      throw new FdfsError('ERR_INVALID_ARGUMENT', `rotate count ${rotateCount} is not ≥ 1`);
    }
    // Saved counters from another subdir_count are reset rather than trusted.
    const inRange = (v: number | undefined, max: number) =>
      v !== undefined && Number.isInteger(v) && v >= 0 && v < max ? v : 0;
    this.high = inRange(state.high, subdirCount);
    this.low = inRange(state.low, subdirCount);
    this.count = inRange(state.count, rotateCount);
  }

  /** The pair for the next file, advancing the counters. */
  next(): SubdirPair {
    const pair = { subdir1: this.high, subdir2: this.low };
    if (++this.count >= this.rotateCount) {
      this.count = 0;
      if (++this.low >= this.subdirCount) {
        this.low = 0;
        if (++this.high >= this.subdirCount) this.high = 0;
      }
    }
    return pair;
  }

  /** The counters to persist. */
  get state(): RoundRobinState {
    return { high: this.high, low: this.low, count: this.count };
  }
}
