// 14 DOWNLOAD_FILE (§6.1, §1.4): the reply's content streams into a Writable with backpressure
// (the socket pauses while the sink is full), or is collected into one Buffer.
import { Writable } from 'node:stream';
import { StorageCommand } from '../protocol/commands.js';
import { parseFileId } from '../protocol/file-id/index.js';
import { encodeDownloadRequest } from '../protocol/messages/index.js';
import { withSignal, type StorageConnector } from './storage-connector.js';
import type { StorageAddress } from './types.js';

/** Which bytes to download. */
export interface DownloadRange {
  /** First byte (default 0). From 6.15.4 an offset at or past the end is EINVAL (§6.1). */
  offset?: number;
  /** Bytes to read; 0 (the default) = to the end. A length past the end is cut down (6.15.4+). */
  length?: number;
}

/**
 * Stream the file's bytes into `sink`, which is not ended (the caller owns it). Resolves with the
 * number of bytes the sink took, once it has taken them all.
 */
export async function download(
  via: StorageConnector,
  server: StorageAddress,
  fileId: string,
  range: DownloadRange | undefined,
  sink: Writable,
  signal?: AbortSignal,
): Promise<number> {
  const cmd = StorageCommand.DOWNLOAD_FILE;
  const { groupName, logicName } = parseFileId(fileId);
  const body = encodeDownloadRequest({
    groupName,
    filename: logicName,
    offset: range?.offset ?? 0,
    length: range?.length ?? 0,
  });
  return via.use(
    server,
    async (conn) => {
      const reply = await conn.request({
        cmd,
        body,
        reply: { kind: 'stream', sink },
        ...withSignal(signal),
      });
      return reply.length;
    },
    signal,
  );
}

/** Download into one Buffer (for small files; large ones belong in a stream). */
export async function downloadToBuffer(
  via: StorageConnector,
  server: StorageAddress,
  fileId: string,
  range?: DownloadRange,
  signal?: AbortSignal,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  try {
    const length = await download(via, server, fileId, range, sink, signal);
    return Buffer.concat(chunks, length);
  } finally {
    sink.destroy();
  }
}
