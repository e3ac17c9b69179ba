// StorageClient: one method per client-facing storage command (§6.1), each sent to the storage
// named by its first argument, on pooled connections. Storage connects are retried as the C
// client does since 6.16 (§12). The commands live in storage-uploads.ts, storage-file-ops.ts,
// storage-metadata.ts and storage-download.ts.
import type { Writable } from 'node:stream';
import type { FramedConnection } from '../common/connection.js';
import { PoolSet, STORAGE_CONNECT_RETRIES, type PoolOptions } from '../common/pool.js';
import type { MetadataEntry, MetadataInput, MetadataOpFlag } from '../protocol/metadata.js';
import { ownPoolOptions } from './config.js';
import type { StorageConnector } from './storage-connector.js';
import { download, downloadToBuffer, type DownloadRange } from './storage-download.js';
import * as ops from './storage-file-ops.js';
import type { CreateLinkOptions, FileInfo, FileInfoFlags } from './storage-file-ops.js';
import { getMetadata, setMetadata } from './storage-metadata.js';
import * as uploads from './storage-uploads.js';
import type {
  ModifyOptions,
  UploadContent,
  UploadOptions,
  UploadSlaveOptions,
} from './storage-uploads.js';
import type { StorageAddress } from './types.js';

export interface StorageClientOptions {
  /**
   * Pools to use, owned by the caller; build them with storagePoolOptions() so that connects are
   * retried (§12). Without them the client makes its own, closed by close().
   */
  pools?: PoolSet;
  /** connect_timeout (default 10 s, §10.3); used when the client makes its own pools. */
  connectTimeoutMs?: number;
  /** network_timeout (default 30 s, §10.3); used when the client makes its own pools. */
  networkTimeoutMs?: number;
  /** Options of the client's own pools. */
  poolOptions?: PoolOptions;
}

/** Pool options for storage connections: connects retried STORAGE_CONNECT_RETRIES times (§12). */
export function storagePoolOptions(options: PoolOptions = {}): PoolOptions {
  return { ...options, connectRetries: options.connectRetries ?? STORAGE_CONNECT_RETRIES };
}

export class StorageClient implements StorageConnector {
  private readonly pools: PoolSet;
  private readonly ownsPools: boolean;

  constructor(options: StorageClientOptions = {}) {
    this.ownsPools = options.pools === undefined;
    this.pools = options.pools ?? new PoolSet(storagePoolOptions(ownPoolOptions(options)));
  }

  /**
   * Run `fn` on a pooled connection to `server`: the way to send commands this class has no
   * method for. After any error the connection is dropped, not pooled (§1.2).
   */
  async use<T>(
    server: StorageAddress,
    fn: (conn: FramedConnection) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    return this.pools.use(server.host, server.port, fn, signal);
  }

  /** 11 UPLOAD_FILE, or 23 UPLOAD_APPENDER_FILE with `appender`; resolves with the file id. */
  upload(server: StorageAddress, options: UploadOptions, signal?: AbortSignal): Promise<string> {
    return uploads.upload(this, server, options, signal);
  }

  /** 21 UPLOAD_SLAVE_FILE; resolves with the slave's file id. */
  uploadSlave(
    server: StorageAddress,
    options: UploadSlaveOptions,
    signal?: AbortSignal,
  ): Promise<string> {
    return uploads.uploadSlave(this, server, options, signal);
  }

  /** 24 APPEND_FILE. */
  append(
    server: StorageAddress,
    appenderFileId: string,
    content: UploadContent,
    signal?: AbortSignal,
  ): Promise<void> {
    return uploads.append(this, server, appenderFileId, content, signal);
  }

  /** 34 MODIFY_FILE. */
  modify(
    server: StorageAddress,
    appenderFileId: string,
    options: ModifyOptions,
    signal?: AbortSignal,
  ): Promise<void> {
    return uploads.modify(this, server, appenderFileId, options, signal);
  }

  /** 36 TRUNCATE_FILE (to 0 bytes by default). */
  truncate(
    server: StorageAddress,
    appenderFileId: string,
    truncatedSize = 0,
    signal?: AbortSignal,
  ): Promise<void> {
    return ops.truncate(this, server, appenderFileId, truncatedSize, signal);
  }

  /** 38 REGENERATE_APPENDER_FILENAME; resolves with the new (normal) file id. */
  regenerateAppenderName(
    server: StorageAddress,
    appenderFileId: string,
    signal?: AbortSignal,
  ): Promise<string> {
    return ops.regenerateAppenderName(this, server, appenderFileId, signal);
  }

  /** 12 DELETE_FILE. */
  deleteFile(server: StorageAddress, fileId: string, signal?: AbortSignal): Promise<void> {
    return ops.deleteFile(this, server, fileId, signal);
  }

  /** 13 SET_METADATA: 'O' overwrite, 'M' merge. */
  setMetadata(
    server: StorageAddress,
    fileId: string,
    entries: MetadataInput,
    op: MetadataOpFlag,
    signal?: AbortSignal,
  ): Promise<void> {
    return setMetadata(this, server, fileId, entries, op, signal);
  }

  /** 15 GET_METADATA; "no metadata" rejects with ENOENT, as a missing file does. */
  getMetadata(
    server: StorageAddress,
    fileId: string,
    signal?: AbortSignal,
  ): Promise<MetadataEntry[]> {
    return getMetadata(this, server, fileId, signal);
  }

  /** 14 DOWNLOAD_FILE into `sink` (not ended); resolves with the byte count. */
  download(
    server: StorageAddress,
    fileId: string,
    range: DownloadRange | undefined,
    sink: Writable,
    signal?: AbortSignal,
  ): Promise<number> {
    return download(this, server, fileId, range, sink, signal);
  }

  /** 14 DOWNLOAD_FILE into one Buffer. */
  downloadToBuffer(
    server: StorageAddress,
    fileId: string,
    range?: DownloadRange,
    signal?: AbortSignal,
  ): Promise<Buffer> {
    return downloadToBuffer(this, server, fileId, range, signal);
  }

  /** 22 QUERY_FILE_INFO. */
  queryFileInfo(
    server: StorageAddress,
    fileId: string,
    flags?: FileInfoFlags,
    signal?: AbortSignal,
  ): Promise<FileInfo> {
    return ops.queryFileInfo(this, server, fileId, flags, signal);
  }

  /** 20 CREATE_LINK; resolves with the link's file id. */
  createLink(
    server: StorageAddress,
    options: CreateLinkOptions,
    signal?: AbortSignal,
  ): Promise<string> {
    return ops.createLink(this, server, options, signal);
  }

  /** 111 ACTIVE_TEST. */
  activeTest(server: StorageAddress, signal?: AbortSignal): Promise<void> {
    return ops.activeTest(this, server, signal);
  }

  /** Close the client's own pools (QUIT to idle connections); pools passed in are left open. */
  async close(): Promise<void> {
    if (this.ownsPools) await this.pools.close();
  }
}
