// The store: files on disk for the storage server, as a library with no sockets. The command
// handlers decode a request, call one method here, and encode the answer; every method returns
// plain values or throws an FdfsError whose errno is the §6.1 answer.
import { join } from 'node:path';
import { FdfsError } from '../../common/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import type { StoreOptions } from './options.js';
import { Errno } from '../../protocol/errno.js';
import { mathRandomSource } from '../../protocol/file-id/random.js';
import type { MetadataEntry, MetadataOpFlag } from '../../protocol/metadata.js';
import type {
  ConnectionCounters,
  StorageStatBlock,
} from '../../protocol/structs/storage-stat-block.js';
import { BinlogWriter } from '../binlog/writer.js';
import { nodeStoreFs, type StoreFs } from './fs-layer.js';
import { initStoreFiles, saveDataInitFlag, storageStatPath } from './init.js';
import { KeyedLock } from './keyed-lock.js';
import { StoreLayout } from './layout.js';
import { NameGenerator } from './name-generator.js';
import { statPathSpace, StorePathChooser, type PathSpace } from './space.js';
import { StoreStats } from './stats.js';
import type { DataInitFlag } from './state-files.js';
import { StatSaver } from './stat-saver.js';
import { SmallFileIo } from './small-io/pool.js';
import type { StoreContext, StoreSettings } from './operations/context.js';
import { upload, type UploadRequest, type UploadResult } from './operations/upload.js';
import {
  uploadSlave,
  type UploadSlaveRequest,
  type UploadSlaveResult,
} from './operations/slave.js';
import {
  append,
  modify,
  truncate,
  type AppendRequest,
  type ModifyRequest,
  type TruncateRequest,
} from './operations/appender.js';
import { deleteFile, type DeleteResult } from './operations/delete.js';
import { getMetadata, setMetadata } from './operations/metadata.js';
import {
  openDownload,
  openOrReadDownload,
  type Download,
  type InlineDownload,
} from './operations/download.js';
import { queryFileInfo, type FileInfo, type QueryFileInfoOptions } from './operations/file-info.js';
import { createLink, type CreateLinkRequest } from './operations/link.js';
import { regenerateAppenderName } from './operations/regenerate.js';
import * as replica from './operations/replica.js';
import type { ReplicaCreate, ReplicaRange } from './operations/replica.js';

export class Store {
  readonly groupName: string;
  readonly layout: StoreLayout;
  readonly fs: StoreFs;
  readonly settings: StoreSettings;
  /** Store paths that lost their data folder after the initial sync (§8.8); see init.ts. */
  needsRecovery: readonly number[] = [];
  private ctx: StoreContext | undefined;
  private writer: BinlogWriter | undefined;
  private flag: DataInitFlag | undefined;
  private readonly spaces: (PathSpace | undefined)[];
  private saver: StatSaver | undefined;
  private smallIo: SmallFileIo | undefined;
  private readonly clock: () => number;
  private readonly logger: Logger;

  constructor(private readonly options: StoreOptions) {
    const { config } = options;
    this.groupName = options.groupName;
    this.fs = options.fs ?? nodeStoreFs;
    this.clock = options.clock ?? Date.now;
    this.logger = options.logger ?? silentLogger;
    this.layout = new StoreLayout(config.storePaths, config.subdirCountPerPath, this.fs);
    this.spaces = config.storePaths.map(() => undefined);
    this.settings = {
      nameSource: options.ownIp ?? config.bindAddr[0] ?? '',
      storePathMode: 0,
      // Until the tracker's PARAMETER_REQ answer arrives nothing is reserved.
      reservedSpace: { kind: 'mb', mb: 0 },
      storeSlaveFileUseLink: false,
      storageIds: [],
      ...options.settings,
    };
  }

  /** Unix seconds of the store's clock. */
  now(): number {
    return Math.floor(this.clock() / 1000);
  }

  /**
   * Start: create or load the base path and store paths (init.ts), empty the temporary folders,
   * open the binlog, measure free space, and save the counters every sync_stat_file_interval.
   */
  async open(): Promise<void> {
    const { config } = this.options;
    const init = await initStoreFiles({
      basePath: config.basePath,
      layout: this.layout,
      checkStorePathMark: config.checkStorePathMark,
      ownIp: this.options.ownIp ?? config.bindAddr[0] ?? '',
      port: config.port,
      now: this.now(),
      fs: this.fs,
      logger: this.logger,
    });
    this.flag = init.initFlag;
    this.needsRecovery = init.needsRecovery;
    const stats = new StoreStats(init.stat);
    const random = this.options.random ?? mathRandomSource;
    const names = new NameGenerator({
      subdirCount: config.subdirCountPerPath,
      mode: config.fileDistributePathMode,
      rotateCount: config.fileDistributeRotateCount,
      roundRobin: {
        high: init.stat.dist_path_index_high,
        low: init.stat.dist_path_index_low,
        count: init.stat.dist_write_file_count,
      },
      random,
    });
    this.writer = await BinlogWriter.open({
      dir: join(config.basePath, 'data', 'sync'),
      fsync: config.fsyncBinlog,
    });
    if (this.writer.tornBytes > 0) {
      this.logger.warn(
        { bytes: this.writer.tornBytes },
        'binlog: cut off a torn last line (a kill inside a write; never acknowledged)',
      );
    }
    const workers = this.options.smallFileWorkers ?? (this.options.fs ? 0 : 2);
    this.smallIo = workers > 0 ? new SmallFileIo(workers) : undefined;
    this.ctx = {
      fs: this.fs,
      layout: this.layout,
      names,
      binlog: this.writer,
      stats,
      locks: new KeyedLock(),
      chooser: new StorePathChooser(config.storePaths.map((p) => p.readonly)),
      settings: this.settings,
      spaces: this.spaces,
      fsyncEvery: config.fsyncAfterWrittenBytes,
      smallIo: this.smallIo,
      random,
      logger: this.logger,
      now: () => this.now(),
    };
    await this.refreshDiskUsage();
    this.saver = new StatSaver(storageStatPath(config.basePath), stats, names, this.logger);
    this.saver.start(config.syncStatFileInterval);
  }

  /** Stop: save the counters if they changed and close the binlog. */
  async close(): Promise<void> {
    this.saver?.stop();
    await this.saver?.save();
    this.saver = undefined;
    await this.smallIo?.close();
    this.smallIo = undefined;
    await this.writer?.close();
    this.writer = undefined;
    this.ctx = undefined;
  }

  private get context(): StoreContext {
    if (!this.ctx) throw new FdfsError('ERR_CLOSED', 'the store is not open');
    return this.ctx;
  }

  /** Names can only be made once this storage knows what to put in them (§7.2). */
  private namingContext(): StoreContext {
    const ctx = this.context;
    if (ctx.settings.nameSource === '') {
      throw new FdfsError('ERR_IO', 'the storage does not know its id or address yet', {
        errno: Errno.EAGAIN,
      });
    }
    return ctx;
  }

  /** The small-file workers (undefined with an injected file system, or when closed). */
  get smallFileIo(): SmallFileIo | undefined {
    return this.smallIo;
  }

  /** The binlog writer (replication reads its position and listens to appends). */
  get binlog(): BinlogWriter {
    if (!this.writer) throw new FdfsError('ERR_CLOSED', 'the store is not open');
    return this.writer;
  }

  get stats(): StoreStats {
    return this.context.stats;
  }

  get names(): NameGenerator {
    return this.context.names;
  }

  /** `.data_init_flag` as loaded or last saved. */
  get initFlag(): Readonly<DataInitFlag> {
    if (!this.flag) throw new FdfsError('ERR_CLOSED', 'the store is not open');
    return this.flag;
  }

  /** Change and save `.data_init_flag` (join time, sync_old_done, sync source, last IP...). */
  async updateInitFlag(patch: Partial<DataInitFlag>): Promise<void> {
    const next = { ...this.initFlag, ...patch };
    await saveDataInitFlag(this.options.config.basePath, next);
    this.flag = next;
  }

  /** Adopt settings from the tracker (PARAMETER_REQ, storage ids, the id or IP for names). */
  updateSettings(patch: Partial<StoreSettings>): void {
    Object.assign(this.settings, patch);
  }

  /** Measure every store path (REPORT_DISK_USAGE, §9.4) and keep the values for path choice. */
  async refreshDiskUsage(): Promise<PathSpace[]> {
    const spaces = await Promise.all(
      this.layout.paths.map((p) => statPathSpace(this.fs, p.dataDir)),
    );
    spaces.forEach((s, i) => (this.spaces[i] = s));
    return spaces;
  }

  /** The last measured space per store path. */
  get diskUsage(): readonly (PathSpace | undefined)[] {
    return this.spaces;
  }

  /** The BEAT statistics block (§4.3). */
  statBlock(connection: ConnectionCounters): StorageStatBlock {
    return this.context.stats.block(connection);
  }

  /** Write storage_stat.dat now if anything changed (also done on a timer and at close). */
  async saveStats(): Promise<void> {
    await this.saver?.save();
  }

  // ---- §6.1 operations ----

  /** UPLOAD_FILE (11) / UPLOAD_APPENDER_FILE (23). */
  upload(req: UploadRequest): Promise<UploadResult> {
    return upload(this.namingContext(), req);
  }

  /** UPLOAD_SLAVE_FILE (21). */
  uploadSlave(req: UploadSlaveRequest): Promise<UploadSlaveResult> {
    return uploadSlave(this.namingContext(), req);
  }

  /** APPEND_FILE (24). */
  append(req: AppendRequest): Promise<void> {
    return append(this.context, req);
  }

  /** MODIFY_FILE (34). */
  modify(req: ModifyRequest): Promise<void> {
    return modify(this.context, req);
  }

  /** TRUNCATE_FILE (36). */
  truncate(req: TruncateRequest): Promise<void> {
    return truncate(this.context, req);
  }

  /** DELETE_FILE (12). */
  delete(logicName: string): Promise<DeleteResult> {
    return deleteFile(this.context, logicName);
  }

  /** SET_METADATA (13). */
  setMetadata(
    logicName: string,
    op: MetadataOpFlag,
    entries: readonly MetadataEntry[],
  ): Promise<void> {
    return setMetadata(this.context, logicName, op, entries);
  }

  /** GET_METADATA (15): the raw `-m` file. */
  getMetadata(logicName: string): Promise<Buffer> {
    return getMetadata(this.context, logicName);
  }

  /** DOWNLOAD_FILE (14): a stream of the range, and its length. */
  openDownload(logicName: string, offset: number, length: number): Promise<Download> {
    return openDownload(this.context, logicName, offset, length);
  }

  /** DOWNLOAD_FILE (14) for a client: a small range read whole, a large one streamed. */
  openOrReadDownload(
    logicName: string,
    offset: number,
    length: number,
  ): Promise<Download | InlineDownload> {
    return openOrReadDownload(this.context, logicName, offset, length);
  }

  /** QUERY_FILE_INFO (22). */
  queryFileInfo(logicName: string, options?: QueryFileInfoOptions): Promise<FileInfo> {
    return queryFileInfo(this.context, logicName, options);
  }

  /** CREATE_LINK (20): the new link's logic name. */
  createLink(req: CreateLinkRequest): Promise<string> {
    return createLink(this.namingContext(), req);
  }

  /** REGENERATE_APPENDER_FILENAME (38): the new logic name. */
  regenerateAppenderName(logicName: string): Promise<string> {
    return regenerateAppenderName(this.namingContext(), logicName);
  }

  // ---- §6.2 replica side (operations/replica.ts) ----

  /** SYNC_CREATE_FILE (16) / SYNC_UPDATE_FILE (18). */
  replicaCreate(req: ReplicaCreate): Promise<void> {
    return replica.applyCreate(this.context, req);
  }

  /** SYNC_DELETE_FILE (17). */
  replicaDelete(filename: string, timestamp: number): Promise<void> {
    return replica.applyDelete(this.context, filename, timestamp);
  }

  /** SYNC_APPEND_FILE (25) / SYNC_MODIFY_FILE (35). */
  replicaRange(req: ReplicaRange): Promise<void> {
    return replica.applyRange(this.context, req);
  }

  /** SYNC_TRUNCATE_FILE (37). */
  replicaTruncate(req: {
    filename: string;
    timestamp: number;
    oldSize: number;
    newSize: number;
  }): Promise<void> {
    return replica.applyTruncate(this.context, req);
  }

  /** SYNC_CREATE_LINK (19). */
  replicaLink(link: string, target: string, timestamp: number): Promise<void> {
    return replica.applyLink(this.context, link, target, timestamp);
  }

  /** SYNC_RENAME_FILE (40). */
  replicaRename(newName: string, oldName: string, timestamp: number): Promise<void> {
    return replica.applyRename(this.context, newName, oldName, timestamp);
  }
}

export type { StoreSettings } from './operations/context.js';
export type { UploadRequest, UploadResult } from './operations/upload.js';
export type { UploadSlaveRequest, UploadSlaveResult } from './operations/slave.js';
export type { AppendRequest, ModifyRequest, TruncateRequest } from './operations/appender.js';
export type { DeleteResult } from './operations/delete.js';
export type { Download, InlineDownload } from './operations/download.js';
export type { FileInfo, QueryFileInfoOptions } from './operations/file-info.js';
export type { CreateLinkRequest } from './operations/link.js';
export type { PathSpace, ReservedSpace, StorePathMode } from './space.js';
export type { StoreFs, ReadStreamOptions } from './fs-layer.js';
export { nodeStoreFs } from './fs-layer.js';
export type { StoreConfig, StoreOptions } from './options.js';
