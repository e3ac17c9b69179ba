// fastdfs-client@1.0.2 and fdfs@1.0.4 (npm, plain JavaScript, FastDFS clients we did not write):
// the same promise API, fdfs being the 2015 original that fastdfs-client forked in 2019. Loaded
// with createRequire behind the types the interop suites use. Their default logger is the
// console, which prints every answer: a silent one is passed in.
import { createRequire } from 'node:module';
import { Writable, type Readable } from 'node:stream';

export type PromiseClientName = 'fastdfs-client' | 'fdfs';

export interface FdfsFileInfo {
  size: number;
  timestamp: number;
  crc32: number;
  addr: string;
}

export interface FdfsUploadOptions {
  method?: 'upload' | 'uploadAppender' | 'append' | 'modify';
  ext?: string;
  group?: string;
  fileId?: string;
  offset?: number;
  /** Required with a stream. */
  size?: number;
}

export interface FdfsDownloadOptions {
  target: Writable | string;
  offset?: number;
  bytes?: number;
}

/** One record of listGroups, as the client decodes the 105-byte ≤ 6.12 group stat. */
export interface FdfsGroup {
  groupName: string;
  totalMB: number;
  freeMB: number;
  trunkFreeMB: number;
  storageCount: number;
  storagePort: number;
  storageHttpPort: number;
  activeCount: number;
  currentWriteServer: number;
  storePathCount: number;
  subdirCountPerPath: number;
  currentTrunkFileId: number;
}

export type FdfsStorageRecord = Record<string, string | number | boolean | Date>;

export interface PromiseFdfsClient {
  upload(file: Buffer | Readable | string, options?: FdfsUploadOptions): Promise<string>;
  download(fileId: string, options: FdfsDownloadOptions): Promise<unknown>;
  del(fileId: string): Promise<void>;
  setMetaData(fileId: string, metaData: Record<string, string>, flag?: 'O' | 'M'): Promise<void>;
  getMetaData(fileId: string): Promise<Record<string, string> | string>;
  getFileInfo(fileId: string): Promise<FdfsFileInfo>;
  listGroups(): Promise<{ count: number; groups: FdfsGroup[] }>;
  listStorages(group: string): Promise<{ count: number; storages: FdfsStorageRecord[] }>;
}

/** The client's own Storage class, to talk to one storage directly (no tracker in between). */
export interface PromiseFdfsStorage {
  download(fileId: string, options: FdfsDownloadOptions): Promise<unknown>;
}

interface ClientConfig {
  trackers: { host: string; port: number }[];
  timeout?: number;
  defaultExt?: string;
  logger?: { log: (...args: unknown[]) => void };
}

type ClientConstructor = new (config: ClientConfig) => PromiseFdfsClient;
type StorageConstructor = new (config: {
  host: string;
  port: number;
  timeout: number;
  charset: string;
}) => PromiseFdfsStorage;

const require = createRequire(import.meta.url);
const silent = { log: (): void => {} };

export function promiseClient(
  name: PromiseClientName,
  trackerHost: string,
  trackerPort: number,
): PromiseFdfsClient {
  const Client = require(name) as ClientConstructor;
  return new Client({
    trackers: [{ host: trackerHost, port: trackerPort }],
    timeout: 20_000,
    defaultExt: '',
    logger: silent,
  });
}

export function promiseStorage(
  name: PromiseClientName,
  host: string,
  port: number,
): PromiseFdfsStorage {
  const Storage = require(`${name}/lib/storage.js`) as StorageConstructor;
  return new Storage({ host, port, timeout: 20_000, charset: 'utf8' });
}

/** A Writable that collects what it is given; `chunks` counts the writes. */
export function collector(): { target: Writable; bytes(): Buffer; chunks(): number } {
  const parts: Buffer[] = [];
  const target = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      parts.push(Buffer.from(chunk));
      callback();
    },
  });
  return { target, bytes: () => Buffer.concat(parts), chunks: () => parts.length };
}

/** Download through `download` into one Buffer. */
export async function downloadBytes(
  source: { download(fileId: string, options: FdfsDownloadOptions): Promise<unknown> },
  fileId: string,
  range: { offset?: number; bytes?: number } = {},
): Promise<Buffer> {
  const sink = collector();
  await source.download(fileId, { target: sink.target, ...range });
  return sink.bytes();
}
