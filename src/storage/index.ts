// The storage server: files on disk (store/), the command handlers (service/), the tracker
// reporters (reporter/) and StorageServer, which runs them together.
export { StorageServer, type StorageServerEvents, type StorageServerOptions } from './server.js';
export { StorageHost } from './server-host.js';
