// The peer a recovery copies from (§8.8 steps 2, 4, 6): picked round robin among the group's
// ACTIVE readable storages other than us; FETCH_ONE_PATH_BINLOG (26) on a connection of its own
// (the reply ends it, §1.4), DOWNLOAD_FILE (14) on pooled connections of our StorageClient.
import type { Writable } from 'node:stream';
import type { StorageClient } from '../../client/storage-client.js';
import { FramedConnection } from '../../common/connection.js';
import { StorageCommand } from '../../protocol/commands.js';
import { encodeDownloadRequest } from '../../protocol/messages/file-ops.js';
import { encodeFetchOnePathBinlogRequest } from '../../protocol/messages/recovery.js';
import { RwMode, StorageStatus } from '../../protocol/status.js';
import type { StorageStat } from '../../protocol/structs/index.js';

/** What a recovery needs from its source; tests give a fake. */
export interface RecoverySource {
  readonly label: string;
  /** Cmd 26 into `sink` (not ended); resolves with the text bytes (trailer checked and dropped). */
  fetchPathBinlog(storePathIndex: number, sink: Writable): Promise<number>;
  /** Cmd 14 of a whole file (`Mxx/…`, `-m` files too) into `sink` (not ended). */
  download(logicName: string, sink: Writable): Promise<number>;
}

/** The candidates in the order C tries them: ACTIVE, readable, not us. */
export function sourceCandidates(
  storages: readonly StorageStat[],
  self: { id: string; ip: string; port: number },
): StorageStat[] {
  return storages.filter(
    (s) =>
      s.status === StorageStatus.ACTIVE &&
      (s.rwMode & RwMode.READ) !== 0 &&
      s.id !== self.id &&
      !(s.ipAddr === self.ip && s.storagePort === self.port),
  );
}

export interface NetworkSourceOptions {
  groupName: string;
  host: string;
  port: number;
  client: StorageClient;
  connectTimeoutMs: number;
  networkTimeoutMs: number;
  signal: AbortSignal;
  /** bind_addr when client_bind is on (C's recovery connections ignore it, §16 #7; ours bind). */
  localAddress?: string;
}

export class NetworkSource implements RecoverySource {
  readonly label: string;

  constructor(private readonly o: NetworkSourceOptions) {
    this.label = `${o.host}:${o.port}`;
  }

  async fetchPathBinlog(storePathIndex: number, sink: Writable): Promise<number> {
    const { o } = this;
    const conn = await FramedConnection.connect({
      host: o.host,
      port: o.port,
      connectTimeoutMs: o.connectTimeoutMs,
      networkTimeoutMs: o.networkTimeoutMs,
      signal: o.signal,
      ...(o.localAddress === undefined ? {} : { localAddress: o.localAddress }),
    });
    try {
      const reply = await conn.request({
        cmd: StorageCommand.FETCH_ONE_PATH_BINLOG,
        body: encodeFetchOnePathBinlogRequest({ groupName: o.groupName, storePathIndex }),
        reply: { kind: 'close-delimited', sink },
        signal: o.signal,
      });
      return reply.length;
    } finally {
      conn.destroy();
    }
  }

  download(logicName: string, sink: Writable): Promise<number> {
    const { o } = this;
    const body = encodeDownloadRequest({
      groupName: o.groupName,
      filename: logicName,
      offset: 0,
      length: 0,
    });
    return o.client.use(
      { host: o.host, port: o.port },
      async (conn) => {
        const reply = await conn.request({
          cmd: StorageCommand.DOWNLOAD_FILE,
          body,
          reply: { kind: 'stream', sink },
          signal: o.signal,
        });
        return reply.length;
      },
      o.signal,
    );
  }
}
