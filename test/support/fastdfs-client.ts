// fastdfs-client@1.0.2 (npm, plain JavaScript; a FastDFS client we did not write), loaded with
// createRequire behind the few types the interop test uses. Its default logger is the console,
// which prints every tracker answer: a silent one is passed in.
import { createRequire } from 'node:module';
import { Writable, type Readable } from 'node:stream';

export interface FdfsFileInfo {
  size: number;
  /** Unix seconds. */
  timestamp: number;
  /** The CRC32 as a signed 32-bit value (the client subtracts the high word). */
  crc32: number;
  addr: string;
}

export interface FdfsUploadOptions {
  method?: 'upload' | 'uploadAppender' | 'append' | 'modify';
  ext?: string;
  group?: string;
  /** The appender file of 'append' and 'modify'. */
  fileId?: string;
  offset?: number;
  size?: number;
}

export interface FdfsDownloadOptions {
  target: Writable;
  offset?: number;
  bytes?: number;
}

export interface ForeignFdfsClient {
  upload(file: Buffer | Readable | string, options?: FdfsUploadOptions): Promise<string>;
  download(fileId: string, options: FdfsDownloadOptions): Promise<unknown>;
  del(fileId: string): Promise<void>;
  setMetaData(fileId: string, metaData: Record<string, string>, flag?: 'O' | 'M'): Promise<void>;
  getMetaData(fileId: string): Promise<Record<string, string> | string>;
  getFileInfo(fileId: string): Promise<FdfsFileInfo>;
  listGroups(): Promise<unknown>;
}

interface FdfsClientConfig {
  trackers: { host: string; port: number }[];
  timeout?: number;
  defaultExt?: string;
  charset?: string;
  logger?: { log: (...args: unknown[]) => void };
}

type FdfsClientConstructor = new (config: FdfsClientConfig) => ForeignFdfsClient;

const require = createRequire(import.meta.url);
const FdfsClient = require('fastdfs-client') as FdfsClientConstructor;

const silent = { log: (): void => {} };

export function foreignClient(trackerHost: string, trackerPort: number): ForeignFdfsClient {
  return new FdfsClient({
    trackers: [{ host: trackerHost, port: trackerPort }],
    timeout: 10_000,
    defaultExt: '',
    logger: silent,
  });
}

/** Download through the foreign client into one Buffer. */
export async function foreignDownload(
  client: ForeignFdfsClient,
  fileId: string,
  range: { offset?: number; bytes?: number } = {},
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const target = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  await client.download(fileId, { target, ...range });
  return Buffer.concat(chunks);
}
