// The C client's call sequences (client/storage_client.c, §12 end), over a TrackerClient and a
// StorageClient: ask a tracker which storage to use, then send the command to that storage.
//   upload:   QUERY_STORE → UPLOAD [→ SET_METADATA 'O' on the same storage; if that fails →
//             DELETE the new file, and the SET_METADATA error is thrown]
//   download, query file info: QUERY_FETCH_ONE → the command
//   delete, set/get metadata, append, modify, truncate, regenerate, upload slave:
//             QUERY_UPDATE → the command
import type { Writable } from 'node:stream';
import {
  encodeMetadata,
  type MetadataEntry,
  type MetadataInput,
  type MetadataOpFlag,
} from '../protocol/metadata.js';
import type { StorageClient } from './storage-client.js';
import type { DownloadRange } from './storage-download.js';
import type { FileInfo, FileInfoFlags } from './storage-file-ops.js';
import type { ModifyOptions, UploadContent } from './storage-uploads.js';
import type { TrackerClient } from './tracker-client.js';
import type { StorageTarget } from './types.js';

export interface FdfsClients {
  tracker: TrackerClient;
  storage: StorageClient;
}

export interface UploadFileOptions extends UploadContent {
  /** Upload into this group (QUERY_STORE_WITH_GROUP_ONE, 104); any group by default (101). */
  groupName?: string;
  /** Extension without the dot, 0..6 characters. */
  ext?: string;
  /** An appender file (23). */
  appender?: boolean;
  /** Set with SET_METADATA 'O' after the upload; the file is deleted again if that fails. */
  metadata?: MetadataInput;
}

export interface UploadSlaveFileOptions extends UploadContent {
  /** Slave prefix, e.g. "_150x150". */
  prefix: string;
  /** Extension of the slave; empty (the default) = none. */
  ext?: string;
  metadata?: MetadataInput;
}

/** QUERY_STORE → UPLOAD [→ SET_METADATA 'O']; resolves with the new file id. */
export async function uploadFile(
  clients: FdfsClients,
  options: UploadFileOptions,
  signal?: AbortSignal,
): Promise<string> {
  const metadata = checkedMetadata(options.metadata);
  const target = await clients.tracker.queryStore(options.groupName, signal);
  const fileId = await clients.storage.upload(
    target,
    {
      content: options.content,
      ...(options.size === undefined ? {} : { size: options.size }),
      ...(target.storePathIndex === undefined ? {} : { storePathIndex: target.storePathIndex }),
      ...(options.ext === undefined ? {} : { ext: options.ext }),
      ...(options.appender ? { appender: true } : {}),
    },
    signal,
  );
  await setMetadataOrDelete(clients.storage, target, fileId, metadata, signal);
  return fileId;
}

/** QUERY_UPDATE (of the master) → UPLOAD_SLAVE [→ SET_METADATA 'O']; resolves with the slave's id. */
export async function uploadSlaveFile(
  clients: FdfsClients,
  masterFileId: string,
  options: UploadSlaveFileOptions,
  signal?: AbortSignal,
): Promise<string> {
  const metadata = checkedMetadata(options.metadata);
  const target = await clients.tracker.queryUpdate(masterFileId, signal);
  const fileId = await clients.storage.uploadSlave(
    target,
    {
      masterFileId,
      prefix: options.prefix,
      content: options.content,
      ...(options.size === undefined ? {} : { size: options.size }),
      ...(options.ext === undefined ? {} : { ext: options.ext }),
    },
    signal,
  );
  await setMetadataOrDelete(clients.storage, target, fileId, metadata, signal);
  return fileId;
}

/** QUERY_FETCH_ONE → DOWNLOAD into `sink` (not ended); resolves with the byte count. */
export async function downloadFile(
  clients: FdfsClients,
  fileId: string,
  sink: Writable,
  range?: DownloadRange,
  signal?: AbortSignal,
): Promise<number> {
  const target = await clients.tracker.queryFetch(fileId, signal);
  return clients.storage.download(target, fileId, range, sink, signal);
}

/** QUERY_FETCH_ONE → DOWNLOAD into one Buffer. */
export async function downloadFileToBuffer(
  clients: FdfsClients,
  fileId: string,
  range?: DownloadRange,
  signal?: AbortSignal,
): Promise<Buffer> {
  const target = await clients.tracker.queryFetch(fileId, signal);
  return clients.storage.downloadToBuffer(target, fileId, range, signal);
}

/** QUERY_FETCH_ONE → QUERY_FILE_INFO. */
export async function queryFileInfo(
  clients: FdfsClients,
  fileId: string,
  flags?: FileInfoFlags,
  signal?: AbortSignal,
): Promise<FileInfo> {
  const target = await clients.tracker.queryFetch(fileId, signal);
  return clients.storage.queryFileInfo(target, fileId, flags, signal);
}

/** QUERY_UPDATE → DELETE_FILE. */
export async function deleteFile(
  clients: FdfsClients,
  fileId: string,
  signal?: AbortSignal,
): Promise<void> {
  const target = await clients.tracker.queryUpdate(fileId, signal);
  await clients.storage.deleteFile(target, fileId, signal);
}

/** QUERY_UPDATE → SET_METADATA ('O' overwrite, 'M' merge). */
export async function setFileMetadata(
  clients: FdfsClients,
  fileId: string,
  entries: MetadataInput,
  op: MetadataOpFlag,
  signal?: AbortSignal,
): Promise<void> {
  const target = await clients.tracker.queryUpdate(fileId, signal);
  await clients.storage.setMetadata(target, fileId, entries, op, signal);
}

/** QUERY_UPDATE → GET_METADATA; "no metadata" rejects with ENOENT (§6.1). */
export async function getFileMetadata(
  clients: FdfsClients,
  fileId: string,
  signal?: AbortSignal,
): Promise<MetadataEntry[]> {
  const target = await clients.tracker.queryUpdate(fileId, signal);
  return clients.storage.getMetadata(target, fileId, signal);
}

/** QUERY_UPDATE → APPEND_FILE. */
export async function appendFile(
  clients: FdfsClients,
  appenderFileId: string,
  content: UploadContent,
  signal?: AbortSignal,
): Promise<void> {
  const target = await clients.tracker.queryUpdate(appenderFileId, signal);
  await clients.storage.append(target, appenderFileId, content, signal);
}

/** QUERY_UPDATE → MODIFY_FILE. */
export async function modifyFile(
  clients: FdfsClients,
  appenderFileId: string,
  options: ModifyOptions,
  signal?: AbortSignal,
): Promise<void> {
  const target = await clients.tracker.queryUpdate(appenderFileId, signal);
  await clients.storage.modify(target, appenderFileId, options, signal);
}

/** QUERY_UPDATE → TRUNCATE_FILE. */
export async function truncateFile(
  clients: FdfsClients,
  appenderFileId: string,
  truncatedSize = 0,
  signal?: AbortSignal,
): Promise<void> {
  const target = await clients.tracker.queryUpdate(appenderFileId, signal);
  await clients.storage.truncate(target, appenderFileId, truncatedSize, signal);
}

/** QUERY_UPDATE → REGENERATE_APPENDER_FILENAME; resolves with the new file id. */
export async function regenerateAppenderFile(
  clients: FdfsClients,
  appenderFileId: string,
  signal?: AbortSignal,
): Promise<string> {
  const target = await clients.tracker.queryUpdate(appenderFileId, signal);
  return clients.storage.regenerateAppenderName(target, appenderFileId, signal);
}

/** Metadata is checked before anything is uploaded; an empty list means none (as in C). */
function checkedMetadata(metadata: MetadataInput | undefined): MetadataInput | undefined {
  if (metadata === undefined) return undefined;
  return encodeMetadata(metadata).length === 0 ? undefined : metadata;
}

/**
 * SET_METADATA 'O' on the storage that took the upload; if it fails, the new file is deleted
 * (without the caller's signal, so that an abort still cleans up) and the error is thrown.
 */
async function setMetadataOrDelete(
  storage: StorageClient,
  target: StorageTarget,
  fileId: string,
  metadata: MetadataInput | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (metadata === undefined) return;
  try {
    await storage.setMetadata(target, fileId, metadata, 'O', signal);
  } catch (err) {
    await storage.deleteFile(target, fileId).catch(() => undefined);
    throw err;
  }
}
