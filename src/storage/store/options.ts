// What a Store is built from: the storage.conf keys it uses and the run-time collaborators.
import type { StorageConfig } from '../../common/config/storage-config.js';
import type { Logger } from '../../common/logger.js';
import type { RandomSource } from '../../protocol/file-id/random.js';
import type { StoreFs } from './fs-layer.js';
import type { StoreSettings } from './operations/context.js';

/** The storage.conf keys the store uses (a full StorageConfig fits). */
export type StoreConfig = Pick<
  StorageConfig,
  | 'basePath'
  | 'port'
  | 'bindAddr'
  | 'storePaths'
  | 'subdirCountPerPath'
  | 'fileDistributePathMode'
  | 'fileDistributeRotateCount'
  | 'fsyncAfterWrittenBytes'
  | 'fsyncBinlog'
  | 'checkStorePathMark'
  | 'syncStatFileInterval'
>;

export interface StoreOptions {
  config: StoreConfig;
  /** This storage's group (callers compare request group names with it). */
  groupName: string;
  /** The storage's own IP: store path marks, last_ip_addr (default: the first bind_addr). */
  ownIp?: string;
  /** Initial tracker-given settings; `nameSource` defaults to `ownIp`. */
  settings?: Partial<StoreSettings>;
  /** Milliseconds since the epoch (Date.now). */
  clock?: () => number;
  random?: RandomSource;
  /** File-system layer (fault injection in tests). */
  fs?: StoreFs;
  logger?: Logger;
  /** Worker threads for small uploads and downloads (small-io/); 0 = none. Default 2, or 0 with `fs`. */
  smallFileWorkers?: number;
}
