// Storage commands on existing files that carry no content (§6.1): 36 TRUNCATE, 38 REGENERATE,
// 12 DELETE, 22 QUERY_FILE_INFO, 20 CREATE_LINK and 111 ACTIVE_TEST.
import { FdfsError } from '../common/errors.js';
import { StorageCommand } from '../protocol/commands.js';
import {
  QUERY_FILE_INFO_FLAG_KEEP_SILENCE,
  QUERY_FILE_INFO_FLAG_NO_CRC32,
} from '../protocol/constants.js';
import { parseFileId } from '../protocol/file-id/index.js';
import {
  decodeFileIdReply,
  decodeFileInfoReply,
  encodeCreateLinkRequest,
  encodeDeleteFileRequest,
  encodeQueryFileInfoRequest,
  encodeRegenerateRequest,
  encodeTruncateRequest,
} from '../protocol/messages/index.js';
import { decodeReply, joinFileId, BOUNDED_REPLY } from './replies.js';
import { requestEmpty, withSignal, type StorageConnector } from './storage-connector.js';
import type { StorageAddress } from './types.js';

/** QUERY_FILE_INFO flags, sent in the request's status byte (§6.1 cmd 22, honoured since 6.15.1). */
export interface FileInfoFlags {
  /** Do not compute the CRC32 of an appender or slave file (it comes back 0). */
  noCrc?: boolean;
  /** Do not log "file not found" on the storage. */
  silent?: boolean;
}

/** A storage's answer to QUERY_FILE_INFO (§6.1 cmd 22). */
export interface FileInfo {
  /** Current size on disk (a symlink's target's). */
  fileSize: bigint;
  /** Unix seconds: the file's mtime (replicas carry the source's time, §8.5). */
  createTimestamp: number;
  /** Unsigned 32-bit CRC (the storage sends it sign-extended, §16 #4). */
  crc32: number;
  /** The source storage's IP, decoded by the storage from the file name. */
  sourceIpAddr: string;
}

export interface CreateLinkOptions {
  /** The existing file on this storage the link points to. */
  sourceFileId: string;
  /** The de-duplication signature, 1..63 bytes. */
  signature: Uint8Array;
  /** Name the link as a slave of this file (same group); without it the storage makes a name. */
  masterFileId?: string;
  /** Slave prefix, used with `masterFileId`. */
  prefix?: string;
  /** Extension of the link, 0..6 characters. */
  ext?: string;
}

/** 36 TRUNCATE_FILE: set an appender file's size (it may grow, §6.1). */
export async function truncate(
  via: StorageConnector,
  server: StorageAddress,
  appenderFileId: string,
  truncatedSize: number,
  signal?: AbortSignal,
): Promise<void> {
  const { logicName } = parseFileId(appenderFileId);
  const body = encodeTruncateRequest({ filename: logicName, truncatedSize });
  await requestEmpty(via, server, StorageCommand.TRUNCATE_FILE, body, signal);
}

/** 38 REGENERATE_APPENDER_FILENAME: the appender becomes a normal file; resolves with its new id. */
export async function regenerateAppenderName(
  via: StorageConnector,
  server: StorageAddress,
  appenderFileId: string,
  signal?: AbortSignal,
): Promise<string> {
  const cmd = StorageCommand.REGENERATE_APPENDER_FILENAME;
  const body = encodeRegenerateRequest(parseFileId(appenderFileId).logicName);
  return requestFileId(via, server, cmd, body, signal);
}

/** 12 DELETE_FILE. */
export async function deleteFile(
  via: StorageConnector,
  server: StorageAddress,
  fileId: string,
  signal?: AbortSignal,
): Promise<void> {
  const { groupName, logicName } = parseFileId(fileId);
  const body = encodeDeleteFileRequest({ groupName, filename: logicName });
  await requestEmpty(via, server, StorageCommand.DELETE_FILE, body, signal);
}

/** 22 QUERY_FILE_INFO, with its flags in the header status byte. */
export async function queryFileInfo(
  via: StorageConnector,
  server: StorageAddress,
  fileId: string,
  flags: FileInfoFlags = {},
  signal?: AbortSignal,
): Promise<FileInfo> {
  const cmd = StorageCommand.QUERY_FILE_INFO;
  const { groupName, logicName } = parseFileId(fileId);
  const body = encodeQueryFileInfoRequest({ groupName, filename: logicName });
  const status =
    (flags.noCrc ? QUERY_FILE_INFO_FLAG_NO_CRC32 : 0) |
    (flags.silent ? QUERY_FILE_INFO_FLAG_KEEP_SILENCE : 0);
  return via.use(
    server,
    async (conn) => {
      const reply = await conn.request({
        cmd,
        status,
        body,
        reply: BOUNDED_REPLY,
        ...withSignal(signal),
      });
      const r = decodeReply(conn, cmd, () => decodeFileInfoReply(reply.body));
      return {
        fileSize: BigInt(r.fileSize),
        createTimestamp: r.createTimestamp,
        crc32: r.crc32,
        sourceIpAddr: r.sourceIp,
      };
    },
    signal,
  );
}

/** 20 CREATE_LINK (§6.1): a link to an existing file; resolves with the link's file id. */
export async function createLink(
  via: StorageConnector,
  server: StorageAddress,
  options: CreateLinkOptions,
  signal?: AbortSignal,
): Promise<string> {
  const cmd = StorageCommand.CREATE_LINK;
  const source = parseFileId(options.sourceFileId);
  let masterFilename = '';
  if (options.masterFileId !== undefined) {
    const master = parseFileId(options.masterFileId);
    if (master.groupName !== source.groupName) {
      throw new FdfsError(
        'ERR_INVALID_ARGUMENT',
        `master ${options.masterFileId} and source ${options.sourceFileId} are in different groups`,
        { command: cmd },
      );
    }
    masterFilename = master.logicName;
  }
  const body = encodeCreateLinkRequest({
    groupName: source.groupName,
    masterFilename,
    srcFilename: source.logicName,
    signature: Buffer.from(options.signature),
    prefixName: options.prefix ?? '',
    ext: options.ext ?? '',
  });
  return requestFileId(via, server, cmd, body, signal);
}

/** 111 ACTIVE_TEST (§1.2). */
export async function activeTest(
  via: StorageConnector,
  server: StorageAddress,
  signal?: AbortSignal,
): Promise<void> {
  return via.use(server, (conn) => conn.activeTest(signal), signal);
}

function requestFileId(
  via: StorageConnector,
  server: StorageAddress,
  cmd: number,
  body: Buffer,
  signal: AbortSignal | undefined,
): Promise<string> {
  return via.use(
    server,
    async (conn) => {
      const reply = await conn.request({ cmd, body, reply: BOUNDED_REPLY, ...withSignal(signal) });
      return joinFileId(decodeReply(conn, cmd, () => decodeFileIdReply(reply.body, cmd)));
    },
    signal,
  );
}
