// Metadata commands (§6.1, §3.2): 13 SET_METADATA and 15 GET_METADATA.
import { StorageCommand } from '../protocol/commands.js';
import { parseFileId } from '../protocol/file-id/index.js';
import {
  decodeMetadata,
  type MetadataEntry,
  type MetadataInput,
  type MetadataOpFlag,
} from '../protocol/metadata.js';
import { encodeGetMetadataRequest, encodeSetMetadataRequest } from '../protocol/messages/index.js';
import { BOUNDED_REPLY } from './replies.js';
import { requestEmpty, withSignal, type StorageConnector } from './storage-connector.js';
import type { StorageAddress } from './types.js';

/**
 * 13 SET_METADATA: 'O' replaces all metadata (an empty list deletes it), 'M' merges by name
 * (§6.1). Entries keep the order given.
 */
export async function setMetadata(
  via: StorageConnector,
  server: StorageAddress,
  fileId: string,
  entries: MetadataInput,
  op: MetadataOpFlag,
  signal?: AbortSignal,
): Promise<void> {
  const { groupName, logicName } = parseFileId(fileId);
  const body = encodeSetMetadataRequest({ groupName, filename: logicName, op, metadata: entries });
  await requestEmpty(via, server, StorageCommand.SET_METADATA, body, signal);
}

/**
 * 15 GET_METADATA: the entries in the storage's order (sorted by name). A file without metadata
 * answers ENOENT, like a missing file (§6.1): the error is returned as is, for the caller to judge.
 */
export async function getMetadata(
  via: StorageConnector,
  server: StorageAddress,
  fileId: string,
  signal?: AbortSignal,
): Promise<MetadataEntry[]> {
  const cmd = StorageCommand.GET_METADATA;
  const { groupName, logicName } = parseFileId(fileId);
  const body = encodeGetMetadataRequest({ groupName, filename: logicName });
  return via.use(
    server,
    async (conn) => {
      const reply = await conn.request({ cmd, body, reply: BOUNDED_REPLY, ...withSignal(signal) });
      return decodeMetadata(reply.body);
    },
    signal,
  );
}
