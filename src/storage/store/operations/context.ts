// What every operation of the store works with. The Store facade (../index.ts) builds one.
import type { Logger } from '../../../common/logger.js';
import type { StorageIdEntry } from '../../../protocol/file-id/file-id.js';
import type { RandomSource } from '../../../protocol/file-id/random.js';
import type { BinlogRecord } from '../../binlog/record.js';
import type { StoreFs } from '../fs-layer.js';
import type { KeyedLock } from '../keyed-lock.js';
import type { StoreLayout } from '../layout.js';
import type { NameGenerator } from '../name-generator.js';
import type { PathSpace, ReservedSpace, StorePathChooser, StorePathMode } from '../space.js';
import type { SmallFileIo } from '../small-io/pool.js';
import type { StoreStats } from '../stats.js';

/** Where binlog records go: BinlogWriter, or a fake in tests. Resolves once written to the OS. */
export interface BinlogSink {
  append(record: BinlogRecord): Promise<unknown>;
  appendMany(records: readonly BinlogRecord[]): Promise<unknown>;
}

/** Settings that come from the tracker (PARAMETER_REQ, storage ids) and may change at run time. */
export interface StoreSettings {
  /** The source written into new names: this storage's server id, or its IPv4 address (§7.2). */
  nameSource: string;
  /** store_path: 0 round robin, 2 load balance (§8.11). */
  storePathMode: StorePathMode;
  reservedSpace: ReservedSpace;
  /** Slaves as a generated file plus a symlink (§6.1 cmd 21). */
  storeSlaveFileUseLink: boolean;
  /** storage_ids.conf as fetched from the tracker: QUERY_FILE_INFO turns ids into addresses. */
  storageIds: readonly StorageIdEntry[];
}

export interface StoreContext {
  readonly fs: StoreFs;
  readonly layout: StoreLayout;
  readonly names: NameGenerator;
  readonly binlog: BinlogSink;
  readonly stats: StoreStats;
  readonly locks: KeyedLock;
  readonly chooser: StorePathChooser;
  readonly settings: StoreSettings;
  /** Last measured space per store path. */
  readonly spaces: (PathSpace | undefined)[];
  /** fsync_after_written_bytes (0 = never). */
  readonly fsyncEvery: number;
  /** The small-file workers (small-io/), when the store runs on the real file system. */
  readonly smallIo?: SmallFileIo | undefined;
  readonly random: RandomSource;
  readonly logger: Logger;
  /** Unix seconds. */
  now(): number;
}
