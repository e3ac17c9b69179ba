// FastDfsClient: the library users call. Promise-based; every method takes an AbortSignal in its
// options. Built on TrackerClient (rotation and failover, §12), StorageClient (pooled, connects
// retried with backoff) and the C client's call sequences (operations.ts); replies are decoded by
// length, so it works with FastDFS 6.10 and 6.13.1–6.16 and with ours under any wire_compat (§14.6).
import type { Writable } from 'node:stream';
import { PoolSet } from '../common/pool.js';
import {
  decodeFileId,
  fileInfoNeedsServer,
  type StorageIdEntry,
} from '../protocol/file-id/index.js';
import type { MetadataEntry, MetadataInput } from '../protocol/metadata.js';
import type { GroupStat, StorageStat } from '../protocol/structs/index.js';
import * as admin from './fastdfs-client-admin.js';
import {
  optionsFromClientConf,
  trackerEndpoints,
  type FastDfsClientOptions,
} from './fastdfs-client-options.js';
import { trackerRole } from './fastdfs-client-roles.js';
import { openSink, openSource, type UploadSource } from './fastdfs-client-source.js';
import type {
  CallOptions,
  FastDfsFileInfo,
  RangeOptions,
  SlaveOptions,
  SourceOptions,
  TrackerRole,
  UploadOptions,
} from './fastdfs-client-types.js';
import * as op from './operations.js';
import { storagePoolOptions, StorageClient } from './storage-client.js';
import type { DownloadRange } from './storage-download.js';
import { TrackerClient } from './tracker-client.js';
import type { StorageTarget, TrackerEndpoint } from './types.js';

export type {
  CallOptions,
  FastDfsFileInfo,
  RangeOptions,
  SlaveOptions,
  SourceOptions,
  TrackerRole,
  UploadOptions,
} from './fastdfs-client-types.js';

export class FastDfsClient {
  readonly tracker: TrackerClient;
  readonly storage: StorageClient;
  private readonly trackerPools: PoolSet;
  private readonly storagePools: PoolSet;
  private readonly endpoints: TrackerEndpoint[];
  private readonly storageIds: readonly StorageIdEntry[] | undefined;

  /** From a client.conf path or an options object. */
  static async create(config: string | FastDfsClientOptions): Promise<FastDfsClient> {
    return new FastDfsClient(
      typeof config === 'string' ? await optionsFromClientConf(config) : config,
    );
  }

  constructor(options: FastDfsClientOptions) {
    this.endpoints = trackerEndpoints(options.trackers);
    this.storageIds = options.storageIds;
    const pool = {
      ...(options.connectTimeoutMs === undefined
        ? {}
        : { connectTimeoutMs: options.connectTimeoutMs }),
      ...(options.networkTimeoutMs === undefined
        ? {}
        : { networkTimeoutMs: options.networkTimeoutMs }),
      ...(options.maxConnectionsPerServer === undefined
        ? {}
        : { maxConnections: options.maxConnectionsPerServer }),
      ...(options.maxIdleTimeMs === undefined ? {} : { maxIdleTimeMs: options.maxIdleTimeMs }),
    };
    this.trackerPools = new PoolSet(pool);
    this.tracker = new TrackerClient({ trackers: this.endpoints, pools: this.trackerPools });
    this.storagePools = new PoolSet(
      storagePoolOptions({
        ...pool,
        ...(options.storageConnectRetries === undefined
          ? {}
          : { connectRetries: options.storageConnectRetries }),
      }),
    );
    this.storage = new StorageClient({ pools: this.storagePools });
  }

  private get clients(): op.FdfsClients {
    return { tracker: this.tracker, storage: this.storage };
  }

  /** Upload a file; resolves with its file id ("group1/M00/00/00/..."). */
  upload(source: UploadSource, options: UploadOptions = {}): Promise<string> {
    return this.uploadAs(false, source, options);
  }

  /** Upload an appender file (append, modify, truncate work on it). */
  uploadAppender(source: UploadSource, options: UploadOptions = {}): Promise<string> {
    return this.uploadAs(true, source, options);
  }

  /** Upload a slave of `masterId` named with `prefix` (e.g. "_150x150"), on the master's storage. */
  async uploadSlave(
    masterId: string,
    prefix: string,
    source: UploadSource,
    options: SlaveOptions = {},
  ): Promise<string> {
    const opened = await openSource(source, options.size);
    try {
      return await op.uploadSlaveFile(
        this.clients,
        masterId,
        {
          prefix,
          content: opened.content,
          ...(opened.size === undefined ? {} : { size: opened.size }),
          ...(options.ext === undefined ? {} : { ext: options.ext }),
          ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
        },
        options.signal,
      );
    } finally {
      opened.close();
    }
  }

  /** Append to an appender file. */
  async append(fileId: string, source: UploadSource, options: SourceOptions = {}): Promise<void> {
    const opened = await openSource(source, options.size);
    try {
      await op.appendFile(this.clients, fileId, opened, options.signal);
    } finally {
      opened.close();
    }
  }

  /** Overwrite an appender file from `offset` (at most its size), growing it if needed. */
  async modify(
    fileId: string,
    offset: number,
    source: UploadSource,
    options: SourceOptions = {},
  ): Promise<void> {
    const opened = await openSource(source, options.size);
    try {
      await op.modifyFile(this.clients, fileId, { ...opened, offset }, options.signal);
    } finally {
      opened.close();
    }
  }

  /** Set an appender file's size (0 by default). */
  truncate(fileId: string, size = 0, options: CallOptions = {}): Promise<void> {
    return op.truncateFile(this.clients, fileId, size, options.signal);
  }

  /** Download into one Buffer (for files that fit in memory; see downloadTo). */
  download(fileId: string, options: RangeOptions = {}): Promise<Buffer> {
    return op.downloadFileToBuffer(this.clients, fileId, range(options), options.signal);
  }

  /**
   * Stream into a file (created or replaced) or a Writable (left open); resolves with the byte
   * count once the file is closed.
   */
  async downloadTo(
    fileId: string,
    target: string | Writable,
    options: RangeOptions = {},
  ): Promise<number> {
    const opened = await openSink(target);
    let ok = false;
    try {
      const n = await op.downloadFile(
        this.clients,
        fileId,
        opened.sink,
        range(options),
        options.signal,
      );
      ok = true;
      return n;
    } finally {
      await opened.finish(ok);
    }
  }

  delete(fileId: string, options: CallOptions = {}): Promise<void> {
    return op.deleteFile(this.clients, fileId, options.signal);
  }

  /**
   * Size, time, CRC32 and source, decoded from the file id as fdfs_file_info does (§7.8); appender
   * and slave files, and names whose server id is unknown here, are asked of the storage.
   */
  async fileInfo(fileId: string, options: CallOptions = {}): Promise<FastDfsFileInfo> {
    const decoded = decodeFileId(fileId, this.storageIds ? { storageIds: this.storageIds } : {});
    const local = {
      groupName: decoded.groupName,
      kind: decoded.kind,
      sourceId: decoded.sourceId,
      crc32: decoded.crc32,
      createTimestamp: decoded.createTimestamp,
    };
    if (!fileInfoNeedsServer(decoded) && decoded.fileSize !== null) {
      return {
        ...local,
        fileSize: decoded.fileSize,
        sourceIpAddr: decoded.sourceIpAddr,
        fromServer: false,
      };
    }
    const info = await op.queryFileInfo(this.clients, fileId, {}, options.signal);
    return {
      ...local,
      fileSize: info.fileSize,
      createTimestamp: info.createTimestamp,
      crc32: info.crc32,
      sourceIpAddr: info.sourceIpAddr,
      fromServer: true,
    };
  }

  /** The file's metadata; a file without any resolves with []. */
  async getMetadata(fileId: string, options: CallOptions = {}): Promise<MetadataEntry[]> {
    try {
      return await op.getFileMetadata(this.clients, fileId, options.signal);
    } catch (err) {
      // GET_METADATA answers ENOENT both for "no metadata" and "no file" (§6.1): tell them apart.
      if ((err as { errnoName?: string }).errnoName !== 'ENOENT') throw err;
      await op.queryFileInfo(this.clients, fileId, { noCrc: true, silent: true }, options.signal);
      return [];
    }
  }

  /** Replace ('overwrite', the default) or merge into the file's metadata. */
  setMetadata(
    fileId: string,
    metadata: MetadataInput,
    mode: 'overwrite' | 'merge' = 'overwrite',
    options: CallOptions = {},
  ): Promise<void> {
    const flag = mode === 'merge' ? 'M' : 'O';
    return op.setFileMetadata(this.clients, fileId, metadata, flag, options.signal);
  }

  /** Turn an appender file into a normal one under a new name; resolves with that name. */
  regenerateAppenderName(fileId: string, options: CallOptions = {}): Promise<string> {
    return op.regenerateAppenderFile(this.clients, fileId, options.signal);
  }

  /** Where an upload would go (QUERY_STORE 101/104). */
  queryStore(group?: string, options: CallOptions = {}): Promise<StorageTarget> {
    return this.tracker.queryStore(group, options.signal);
  }
  /** Every storage an upload could go to (106/107). */
  queryStoreAll(group?: string, options: CallOptions = {}): Promise<StorageTarget[]> {
    return this.tracker.queryStoreAll(group, options.signal);
  }
  /** Where to download the file from (102). */
  queryFetch(fileId: string, options: CallOptions = {}): Promise<StorageTarget> {
    return this.tracker.queryFetch(fileId, options.signal);
  }
  /** Every storage holding the file (105, both reply forms). */
  queryFetchAll(fileId: string, options: CallOptions = {}): Promise<StorageTarget[]> {
    return this.tracker.queryFetchAll(fileId, options.signal);
  }
  /** Where to update the file (103). */
  queryUpdate(fileId: string, options: CallOptions = {}): Promise<StorageTarget> {
    return this.tracker.queryUpdate(fileId, options.signal);
  }

  listGroups(options: CallOptions = {}): Promise<GroupStat[]> {
    return admin.listGroups(this.use, options.signal);
  }
  listGroup(group: string, options: CallOptions = {}): Promise<GroupStat> {
    return admin.listGroup(this.use, group, options.signal);
  }
  /** Every storage of `group`, or the one of `storageId`. */
  listStorages(
    group: string,
    options: CallOptions & { storageId?: string } = {},
  ): Promise<StorageStat[]> {
    return admin.listStorages(this.use, group, options.storageId, options.signal);
  }
  /** Remove an offline storage from its group. */
  deleteStorage(group: string, storageId: string, options: CallOptions = {}): Promise<void> {
    return admin.deleteStorage(this.use, group, storageId, options.signal);
  }
  /** Remove a group whose storages are all offline. */
  deleteGroup(group: string, options: CallOptions = {}): Promise<void> {
    return admin.deleteGroup(this.use, group, options.signal);
  }
  /** Make `storageId` (or the tracker's choice) the group's trunk server; resolves with its id. */
  setTrunkServer(group: string, storageId?: string, options: CallOptions = {}): Promise<string> {
    return admin.setTrunkServer(this.use, group, storageId, options.signal);
  }

  /** Each configured tracker's role, asked of that tracker alone (no failover). */
  async trackerRoles(options: CallOptions = {}): Promise<TrackerRole[]> {
    const lone = this.endpoints.length === 1;
    return Promise.all(
      this.endpoints.map((endpoint) => {
        const one = new TrackerClient({ trackers: [endpoint], pools: this.trackerPools });
        return trackerRole(one, lone, options.signal);
      }),
    );
  }

  /** Close every pooled connection (QUIT to idle ones). */
  async close(): Promise<void> {
    await Promise.all([this.trackerPools.close(), this.storagePools.close()]);
  }

  private readonly use: admin.TrackerUse = (fn, signal) => this.tracker.use(fn, signal);

  private uploadAs(
    appender: boolean,
    source: UploadSource,
    options: UploadOptions,
  ): Promise<string> {
    return openSource(source, options.size).then(async (opened) => {
      try {
        return await op.uploadFile(
          this.clients,
          {
            content: opened.content,
            ...(opened.size === undefined ? {} : { size: opened.size }),
            ...(appender ? { appender: true } : {}),
            ...(options.ext === undefined ? {} : { ext: options.ext }),
            ...(options.group === undefined ? {} : { groupName: options.group }),
            ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
          },
          options.signal,
        );
      } finally {
        opened.close();
      }
    });
  }
}

function range(options: RangeOptions): DownloadRange {
  return {
    ...(options.offset === undefined ? {} : { offset: options.offset }),
    ...(options.length === undefined ? {} : { length: options.length }),
  };
}
