// The low-level clients (§5.1, §6.1, §12): TrackerClient, StorageClient and the C client's call
// sequences over them.
export { TrackerClient, type TrackerClientOptions } from './tracker-client.js';
export { isConnectFailure } from './tracker-rotation.js';
export { StorageClient, storagePoolOptions, type StorageClientOptions } from './storage-client.js';
export type {
  ModifyOptions,
  UploadContent,
  UploadOptions,
  UploadSlaveOptions,
} from './storage-uploads.js';
export type { CreateLinkOptions, FileInfo, FileInfoFlags } from './storage-file-ops.js';
export type { DownloadRange } from './storage-download.js';
export type { StorageConnector } from './storage-connector.js';
export type { StorageAddress, StorageTarget, TrackerEndpoint } from './types.js';
export {
  appendFile,
  deleteFile,
  downloadFile,
  downloadFileToBuffer,
  getFileMetadata,
  modifyFile,
  queryFileInfo,
  regenerateAppenderFile,
  setFileMetadata,
  truncateFile,
  uploadFile,
  uploadSlaveFile,
  type FdfsClients,
  type UploadFileOptions,
  type UploadSlaveFileOptions,
} from './operations.js';
export { clientOptionsFromConfig, type ClientOptionsFromConfig } from './config.js';
