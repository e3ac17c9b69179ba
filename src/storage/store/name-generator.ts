// New file names (§7.2–§7.5): the B27 block from the source (server id or IPv4, chosen by the
// caller from use_storage_id / id_type_in_filename), the file's timestamp, size and CRC32, then
// the EXT7 suffix; the subdirectory by round robin (state saved in storage_stat.dat) or by the
// PJW hash of the block; and the unique-name check: recently generated names are remembered, a
// collision draws a new random size field, and after 10 tries the upload fails with EBUSY.
import { Errno } from '../../protocol/errno.js';
import { formatExt7 } from '../../protocol/file-id/ext.js';
import { generateFileName, type GeneratedFileName } from '../../protocol/file-id/file-id.js';
import type { RandomSource } from '../../protocol/file-id/random.js';
import {
  randomModeSubdirs,
  RoundRobinSubdirs,
  type RoundRobinState,
  type SubdirPair,
} from '../../protocol/file-id/subdir.js';
import { storeError } from './errors.js';

/** Attempts before "Can't generate uniq filename" (§7.5). */
export const MAX_NAME_ATTEMPTS = 10;

export interface NameGeneratorOptions {
  subdirCount: number;
  /** file_distribute_path_mode: 0 round robin, 1 hash. */
  mode: 0 | 1;
  /** file_distribute_rotate_count. */
  rotateCount: number;
  /** Saved round-robin counters (storage_stat.dat dist_*). */
  roundRobin?: Partial<RoundRobinState>;
  random: RandomSource;
  /** Names are remembered for this many seconds of file timestamps (default 5). */
  memorySeconds?: number;
  /** And at most this many of them (default 200,000). */
  maxRemembered?: number;
}

export interface NewNameInput {
  storePathIndex: number;
  /** Server id text or IPv4 address (§7.2 bytes 0–3). */
  source: string;
  /** Unix seconds. */
  timestamp: number;
  kind: 'normal' | 'appender';
  /** Content size (ignored for appenders). */
  size: number | bigint;
  crc32: number;
  /** The upload's extension (EXT7 digits are drawn)... */
  ext?: string;
  /** ...or an EXT7 to keep (a regenerated appender name). */
  ext7?: string;
  /** A fixed subdirectory (a regenerated name stays where it is); else the configured mode. */
  subdirs?: SubdirPair;
}

export class NameGenerator {
  private readonly roundRobin: RoundRobinSubdirs;
  private readonly remembered = new Map<number, Set<string>>();
  private rememberedCount = 0;
  private newest = 0;
  private readonly memorySeconds: number;
  private readonly maxRemembered: number;
  /** Collisions seen (tests, diagnostics). */
  collisions = 0;

  constructor(private readonly options: NameGeneratorOptions) {
    this.roundRobin = new RoundRobinSubdirs(
      options.subdirCount,
      options.rotateCount,
      options.roundRobin,
    );
    this.memorySeconds = options.memorySeconds ?? 5;
    this.maxRemembered = options.maxRemembered ?? 200_000;
  }

  /** The round-robin counters to persist (dist_path_index_high/low, dist_write_file_count). */
  get roundRobinState(): RoundRobinState {
    return this.roundRobin.state;
  }

  /** A name not generated recently, remembered from now on; EBUSY after 10 collisions. */
  generate(input: NewNameInput): GeneratedFileName {
    const { random } = this.options;
    const subdirs: SubdirPair | ((b27: string) => SubdirPair) =
      input.subdirs ??
      (this.options.mode === 1
        ? (b27: string) => randomModeSubdirs(b27, this.options.subdirCount)
        : this.roundRobin.next());
    const ext7 = input.ext7 ?? formatExt7(input.ext ?? '', random);
    for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
      const generated = generateFileName({
        storePathIndex: input.storePathIndex,
        subdirs,
        source: input.source,
        timestamp: input.timestamp,
        kind: input.kind,
        size: BigInt(input.size),
        crc32: input.crc32,
        ext7,
        random,
      });
      if (!this.has(generated.logicName, input.timestamp)) {
        this.remember(generated.logicName, input.timestamp);
        return generated;
      }
      this.collisions++;
    }
    throw storeError(
      Errno.EBUSY,
      `can't generate a unique file name after ${MAX_NAME_ATTEMPTS} attempts`,
    );
  }

  /** Whether `logicName` (of a file stamped `timestamp`) was generated recently. */
  has(logicName: string, timestamp: number): boolean {
    return this.remembered.get(timestamp)?.has(logicName) ?? false;
  }

  /** Remember a name generated elsewhere (a name received from a peer, tests). */
  remember(logicName: string, timestamp: number): void {
    let names = this.remembered.get(timestamp);
    if (!names) {
      names = new Set();
      this.remembered.set(timestamp, names);
    }
    if (!names.has(logicName)) {
      names.add(logicName);
      this.rememberedCount++;
    }
    if (timestamp > this.newest) this.newest = timestamp;
    this.evict();
  }

  /** Names currently remembered. */
  get size(): number {
    return this.rememberedCount;
  }

  private evict(): void {
    const oldestKept = this.newest - this.memorySeconds;
    for (const [ts, names] of this.remembered) {
      if (ts >= oldestKept && this.rememberedCount <= this.maxRemembered) continue;
      // Whole seconds go: a name only collides with names of the same second.
      if (ts === this.newest && this.remembered.size === 1) break;
      this.remembered.delete(ts);
      this.rememberedCount -= names.size;
    }
  }
}
