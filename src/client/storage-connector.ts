// How the storage commands reach a storage: a pooled connection per call. The command files
// (storage-uploads.ts, storage-file-ops.ts, storage-metadata.ts, storage-download.ts) are written
// against this interface, and StorageClient provides it.
import type { FramedConnection } from '../common/connection.js';
import { EMPTY_REPLY } from './replies.js';
import type { StorageAddress } from './types.js';

export interface StorageConnector {
  /** Run `fn` on a connection to `server`; after any error the connection is dropped, not pooled. */
  use<T>(
    server: StorageAddress,
    fn: (conn: FramedConnection) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T>;
}

/** `{ signal }` when there is one (FramedRequest.signal is optional, not undefined). */
export function withSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}

/** A request of fixed fields only whose reply has no body. */
export function requestEmpty(
  via: StorageConnector,
  server: StorageAddress,
  cmd: number,
  body: Buffer,
  signal: AbortSignal | undefined,
): Promise<void> {
  return via.use(
    server,
    async (conn) => {
      await conn.request({ cmd, body, reply: EMPTY_REPLY, ...withSignal(signal) });
    },
    signal,
  );
}
