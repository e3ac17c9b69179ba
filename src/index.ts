// The public API of fastdfs-ts.
export * from './protocol/constants.js';
export * from './protocol/commands.js';
export * from './protocol/errno.js';
export * from './protocol/status.js';
export * from './protocol/header.js';
export * from './protocol/buffer.js';
export * from './protocol/frame-decoder.js';
export * from './common/errors.js';
export { packageVersion } from './common/version.js';
export * from './protocol/shapes.js';
export * from './protocol/structs/index.js';
export * from './protocol/file-id/index.js';
export * from './common/config/index.js';
export * from './protocol/dialect.js';
export * from './protocol/metadata.js';
export * from './protocol/messages/index.js';
export * from './common/connection.js';
export * from './common/pool.js';
export * from './client/index.js';
export * from './tracker/index.js';
export * from './storage/index.js';
export { FastDfsClient } from './client/fastdfs-client.js';
export type {
  CallOptions,
  FastDfsFileInfo,
  RangeOptions,
  SlaveOptions,
  SourceOptions,
  TrackerRole,
  UploadOptions as FastDfsUploadOptions,
} from './client/fastdfs-client.js';
export type { FastDfsClientOptions } from './client/fastdfs-client-options.js';
export { parseTrackerAddress } from './client/fastdfs-client-options.js';
export type { UploadSource } from './client/fastdfs-client-source.js';
