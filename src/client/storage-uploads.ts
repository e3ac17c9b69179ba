// Storage commands that carry file content (§6.1, §1.4): 11/23 UPLOAD, 21 UPLOAD_SLAVE, 24 APPEND
// and 34 MODIFY. The fixed fields go out with the header; the content follows as given (one
// buffer, a list of buffers, or a stream), never concatenated.
import { contentLengthOf, type Content } from '../common/request-writer.js';
import { StorageCommand } from '../protocol/commands.js';
import { parseFileId } from '../protocol/file-id/index.js';
import {
  decodeFileIdReply,
  encodeAppendPrefix,
  encodeModifyPrefix,
  encodeUploadPrefix,
  encodeUploadSlavePrefix,
  STORE_PATH_ANY,
  type EncodedPrefix,
} from '../protocol/messages/index.js';
import { decodeReply, EMPTY_REPLY, joinFileId, BOUNDED_REPLY } from './replies.js';
import { withSignal, type StorageConnector } from './storage-connector.js';
import type { StorageAddress } from './types.js';

export type { Content } from '../common/request-writer.js';

/** File content to send: a Buffer, a list of buffers, or a Readable of exactly `size` bytes. */
export interface UploadContent {
  content: Content;
  /** Required with a Readable; checked against a Buffer or a list. */
  size?: number;
}

export interface UploadOptions extends UploadContent {
  /** The store path from QUERY_STORE; -1 (the default) lets the storage choose (§6.1, §9.8). */
  storePathIndex?: number;
  /** Extension without the dot: 0..6 characters of `A-Z a-z 0-9 - _ .` (§6.1). */
  ext?: string;
  /** UPLOAD_APPENDER_FILE (23) instead of UPLOAD_FILE (11). */
  appender?: boolean;
}

export interface UploadSlaveOptions extends UploadContent {
  /** The master's file id; the slave goes to the same storage group (§7.7). */
  masterFileId: string;
  /** Slave prefix, e.g. "_150x150": 1..16 characters of `A-Z a-z 0-9 - _ .`. */
  prefix: string;
  /** Extension of the slave; empty (the default) = no extension. */
  ext?: string;
}

export interface ModifyOptions extends UploadContent {
  /** Where the content overwrites the file; at most its current size. */
  offset: number;
}

/** 11 UPLOAD_FILE or 23 UPLOAD_APPENDER_FILE; resolves with the new file id. */
export async function upload(
  via: StorageConnector,
  server: StorageAddress,
  options: UploadOptions,
  signal?: AbortSignal,
): Promise<string> {
  const cmd = options.appender ? StorageCommand.UPLOAD_APPENDER_FILE : StorageCommand.UPLOAD_FILE;
  const fileSize = contentLengthOf(options.content, options.size);
  const encoded = encodeUploadPrefix(
    { storePathIndex: options.storePathIndex ?? STORE_PATH_ANY, fileSize, ext: options.ext ?? '' },
    cmd,
  );
  return sendContent(via, server, cmd, encoded, options, signal);
}

/** 21 UPLOAD_SLAVE_FILE, to the storage holding the master; resolves with the slave's file id. */
export async function uploadSlave(
  via: StorageConnector,
  server: StorageAddress,
  options: UploadSlaveOptions,
  signal?: AbortSignal,
): Promise<string> {
  const { logicName } = parseFileId(options.masterFileId);
  const encoded = encodeUploadSlavePrefix({
    masterFilename: logicName,
    fileSize: contentLengthOf(options.content, options.size),
    prefixName: options.prefix,
    ext: options.ext ?? '',
  });
  return sendContent(via, server, StorageCommand.UPLOAD_SLAVE_FILE, encoded, options, signal);
}

/** 24 APPEND_FILE to an appender file (no group on the wire, §6.1). */
export async function append(
  via: StorageConnector,
  server: StorageAddress,
  appenderFileId: string,
  content: UploadContent,
  signal?: AbortSignal,
): Promise<void> {
  const { logicName } = parseFileId(appenderFileId);
  const fileSize = contentLengthOf(content.content, content.size);
  const encoded = encodeAppendPrefix({ filename: logicName, fileSize });
  await sendEmptyReply(via, server, StorageCommand.APPEND_FILE, encoded, content, signal);
}

/** 34 MODIFY_FILE: overwrite an appender file from `offset`, extending it if needed. */
export async function modify(
  via: StorageConnector,
  server: StorageAddress,
  appenderFileId: string,
  options: ModifyOptions,
  signal?: AbortSignal,
): Promise<void> {
  const { logicName } = parseFileId(appenderFileId);
  const fileSize = contentLengthOf(options.content, options.size);
  const encoded = encodeModifyPrefix({ filename: logicName, offset: options.offset, fileSize });
  await sendEmptyReply(via, server, StorageCommand.MODIFY_FILE, encoded, options, signal);
}

function sendContent(
  via: StorageConnector,
  server: StorageAddress,
  cmd: number,
  encoded: EncodedPrefix,
  content: UploadContent,
  signal: AbortSignal | undefined,
): Promise<string> {
  return via.use(
    server,
    async (conn) => {
      const reply = await conn.request({
        cmd,
        body: encoded.prefix,
        content: content.content,
        contentLength: encoded.pkgLen - encoded.prefix.length,
        reply: BOUNDED_REPLY,
        ...withSignal(signal),
      });
      return joinFileId(decodeReply(conn, cmd, () => decodeFileIdReply(reply.body, cmd)));
    },
    signal,
  );
}

function sendEmptyReply(
  via: StorageConnector,
  server: StorageAddress,
  cmd: number,
  encoded: EncodedPrefix,
  content: UploadContent,
  signal: AbortSignal | undefined,
): Promise<void> {
  return via.use(
    server,
    async (conn) => {
      await conn.request({
        cmd,
        body: encoded.prefix,
        content: content.content,
        contentLength: encoded.pkgLen - encoded.prefix.length,
        reply: EMPTY_REPLY,
        ...withSignal(signal),
      });
    },
    signal,
  );
}
