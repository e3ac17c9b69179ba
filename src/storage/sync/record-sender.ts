// Sending one binlog record to a peer (§8.6 table): the local file's current state goes out as
// the record requires, with the fall-backs of §6.2 (append/modify on ENOENT → whole update,
// rename on ENOENT → create under the new name). EEXIST and ENOENT where C counts them as
// success are success here too, so a record sent twice does no harm.
import { createReadStream } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { FramedConnection } from '../../common/connection.js';
import { isFdfsError } from '../../common/errors.js';
import { StorageCommand as S } from '../../protocol/commands.js';
import { Errno } from '../../protocol/errno.js';
import {
  encodeSyncCreatePrefix,
  encodeSyncDeleteRequest,
  encodeSyncPairRequest,
  encodeSyncRangePrefix,
  encodeSyncTruncateRequest,
  isAcceptedRenameReply,
  SYNC_CREATE_NO_CONTENT_STATUS,
} from '../../protocol/messages/sync.js';
import { QUERY_FILE_INFO_FLAG_NO_CRC32 } from '../../protocol/constants.js';
import { decodeFileInfoReply } from '../../protocol/messages/file-info.js';
import { encodeQueryFileInfoRequest } from '../../protocol/messages/file-ops.js';
import type { BinlogRecord } from '../binlog/record.js';
import type { StoreLayout } from '../store/layout.js';
import { jobError, type SmallFileIo } from '../store/small-io/pool.js';

export interface SendContext {
  groupName: string;
  layout: StoreLayout;
  /** The store's small-file workers: a small file is checked and read in one job. */
  smallIo?: SmallFileIo | undefined;
}

/**
 * One lane's connection state. `careful`: a create or update was answered EEXIST, so before each
 * following create the peer is asked for the file first (§8.6, §16 #18), until a create or update
 * is answered 0.
 */
export interface LaneState {
  careful: boolean;
}

/** What happened to one record; 'skipped' = nothing to send (§8.6: file gone, or back again). */
export type SendOutcome = 'sent' | 'skipped';

const EMPTY = { kind: 'whole', maxLength: 0 } as const;
const SMALL_FILE = 64 * 1024;

/** The first `size` bytes of the file (it may have grown since its lstat: the size sent wins). */
async function readWhole(path: string, size: number): Promise<Buffer> {
  if (size === 0) return Buffer.alloc(0);
  const data = await readFile(path);
  if (data.length < size) throw new Error(`${path}: shorter than its size while being sent`);
  return data.subarray(0, size);
}

/** A local file to send: its size, and its bytes when it is small. */
interface LocalFile {
  size: number;
  /** Undefined for a file above SMALL_FILE, which is streamed. */
  data: Buffer | undefined;
}

/**
 * Errors of a read job that mean "no regular file there": a symbolic link is ELOOP, a folder or
 * FIFO EISDIR (the job's fstat), a socket ENXIO.
 */
const NOT_A_FILE = new Set(['ENOENT', 'ELOOP', 'EISDIR', 'ENXIO']);

/**
 * The regular file at `path`, undefined when there is none (§8.6: nothing to send). With the
 * small-file workers, one job replaces the lstat, open, fstat, read and close of a small file:
 * those thread-pool trips were most of the sender's CPU per record.
 */
async function localFile(ctx: SendContext, path: string): Promise<LocalFile | undefined> {
  if (!ctx.smallIo) {
    const stats = await lstatOrUndefined(path);
    if (!stats?.isFile()) return undefined;
    const small = stats.size <= SMALL_FILE;
    return { size: stats.size, data: small ? await readWhole(path, stats.size) : undefined };
  }
  const r = await ctx.smallIo.run({
    kind: 'read',
    path,
    offset: 0,
    length: 0,
    max: SMALL_FILE,
    noFollow: true,
  });
  if (!r.ok) {
    if (r.code !== undefined && NOT_A_FILE.has(r.code)) return undefined;
    throw jobError(r, `reading ${path} to sync it`);
  }
  if (r.kind !== 'read') throw new Error(`a read job answered ${r.kind}`);
  if (r.fileSize === 0) return { size: 0, data: Buffer.alloc(0) };
  if (!r.data) return { size: r.fileSize, data: undefined };
  if (r.data.length < r.fileSize) {
    throw new Error(`${path}: shorter than its size while being sent`);
  }
  return { size: r.fileSize, data: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.length) };
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Run a request; the listed errnos are success (the connection is closed by them, though). */
async function tolerate(work: Promise<unknown>, ok: readonly number[]): Promise<number> {
  // (the request lists the same statuses in keepOpenOn)
  try {
    await work;
    return 0;
  } catch (err) {
    if (isFdfsError(err) && err.code === 'ERR_SERVER_STATUS' && ok.includes(err.errno ?? -1)) {
      return err.errno!;
    }
    throw err;
  }
}

/**
 * Start reading the file a create or update record sends, ahead of its turn on the lane, so that
 * the read overlaps the records before it (small-file workers only). Undefined for other records.
 */
export function prefetchRecord(ctx: SendContext, r: BinlogRecord): Prefetched | undefined {
  if (!ctx.smallIo || !(r.op === 'C' || r.op === 'c' || r.op === 'U' || r.op === 'u')) {
    return undefined;
  }
  const read = localFile(ctx, ctx.layout.resolve(r.filename).dataPath);
  read.catch(() => undefined); // awaited by the send, or dropped when the task stops
  return { read };
}

/** A read started by prefetchRecord. */
export interface Prefetched {
  read: Promise<LocalFile | undefined>;
}

async function sendWhole(
  conn: FramedConnection,
  ctx: SendContext,
  cmd: typeof S.SYNC_CREATE_FILE | typeof S.SYNC_UPDATE_FILE,
  filename: string,
  timestamp: number,
  lane?: LaneState,
  prefetched?: Prefetched,
): Promise<SendOutcome> {
  const path = ctx.layout.resolve(filename).dataPath;
  const local = await (prefetched?.read ?? localFile(ctx, path));
  if (!local) return 'skipped';
  let headerStatus = 0;
  if (lane?.careful && cmd === S.SYNC_CREATE_FILE) {
    // §8.6 careful mode: same size there → a create with status 17 and no content; another
    // size → the whole file as an update; not there → the normal create.
    const size = await peerFileSize(conn, ctx, filename);
    if (size === local.size) headerStatus = SYNC_CREATE_NO_CONTENT_STATUS;
    else if (size !== undefined) cmd = S.SYNC_UPDATE_FILE;
  }
  const p = encodeSyncCreatePrefix(cmd, {
    timestamp,
    groupName: ctx.groupName,
    filename,
    fileSize: local.size,
  });
  const sent = headerStatus === 0 ? local.size : 0;
  // Small files are read whole and sent in one write (a stream per file costs more than the file).
  const content =
    sent === 0 ? Buffer.alloc(0) : (local.data ?? createReadStream(path, { end: local.size - 1 }));
  const status = await tolerate(
    conn.request({
      cmd,
      status: headerStatus,
      body: p.prefix,
      content,
      contentLength: sent,
      reply: EMPTY,
      keepOpenOn: EEXIST,
    }),
    EEXIST,
  );
  if (lane) lane.careful = status === Errno.EEXIST;
  return 'sent';
}

const EEXIST = [Errno.EEXIST] as const;
const EEXIST_ENOENT = [Errno.EEXIST, Errno.ENOENT] as const;

/** The peer's size of `filename` (QUERY_FILE_INFO, header status 1 = no CRC), or undefined. */
async function peerFileSize(
  conn: FramedConnection,
  ctx: SendContext,
  filename: string,
): Promise<number | undefined> {
  try {
    const reply = await conn.request({
      cmd: S.QUERY_FILE_INFO,
      status: QUERY_FILE_INFO_FLAG_NO_CRC32,
      body: encodeQueryFileInfoRequest({ groupName: ctx.groupName, filename }),
      reply: { kind: 'whole', maxLength: 256 },
      keepOpenOn: [Errno.ENOENT],
    });
    return decodeFileInfoReply(reply.body).fileSize;
  } catch (err) {
    if (isFdfsError(err) && err.code === 'ERR_SERVER_STATUS' && err.errno === Errno.ENOENT) {
      return undefined;
    }
    throw err;
  }
}

async function sendRange(
  conn: FramedConnection,
  ctx: SendContext,
  r: Extract<BinlogRecord, { op: 'A' | 'M' | 'a' | 'm' }>,
): Promise<SendOutcome> {
  const path = ctx.layout.resolve(r.filename).dataPath;
  const stats = await lstatOrUndefined(path);
  if (!stats?.isFile()) return 'skipped';
  if (stats.size < r.offset + r.length) {
    return sendWhole(conn, ctx, S.SYNC_UPDATE_FILE, r.filename, r.timestamp);
  }
  const cmd = r.op === 'A' || r.op === 'a' ? S.SYNC_APPEND_FILE : S.SYNC_MODIFY_FILE;
  const p = encodeSyncRangePrefix(cmd, { ...r, groupName: ctx.groupName });
  const content =
    r.length === 0
      ? Buffer.alloc(0)
      : createReadStream(path, { start: r.offset, end: r.offset + r.length - 1 });
  const status = await tolerate(
    conn.request({
      cmd,
      body: p.prefix,
      content,
      contentLength: r.length,
      reply: EMPTY,
      keepOpenOn: EEXIST_ENOENT,
    }),
    EEXIST_ENOENT,
  );
  if (status === Errno.ENOENT) throw new RangeFallback();
  return 'sent';
}

/** The peer lacks the start of the file: the caller resends it whole on a new connection. */
export class RangeFallback extends Error {}

/**
 * Send `r` on `conn`. A tolerated error status keeps `conn` open (`keepOpenOn`), as a C sender
 * keeps its connection; the caller still checks `conn.usable` before the next record.
 */
export async function sendRecord(
  conn: FramedConnection,
  ctx: SendContext,
  r: BinlogRecord,
  lane?: LaneState,
  prefetched?: Prefetched,
): Promise<SendOutcome> {
  const groupName = ctx.groupName;
  switch (r.op) {
    case 'C':
    case 'c':
      return sendWhole(conn, ctx, S.SYNC_CREATE_FILE, r.filename, r.timestamp, lane, prefetched);
    case 'U':
    case 'u':
      return sendWhole(conn, ctx, S.SYNC_UPDATE_FILE, r.filename, r.timestamp, lane, prefetched);
    case 'D':
    case 'd': {
      if (await lstatOrUndefined(ctx.layout.resolve(r.filename).dataPath)) return 'skipped';
      const body = encodeSyncDeleteRequest({ ...r, groupName });
      const keepOpenOn = [Errno.ENOENT];
      await tolerate(
        conn.request({ cmd: S.SYNC_DELETE_FILE, body, reply: EMPTY, keepOpenOn }),
        keepOpenOn,
      );
      return 'sent';
    }
    case 'A':
    case 'a':
    case 'M':
    case 'm':
      return sendRange(conn, ctx, r);
    case 'T':
    case 't': {
      const body = encodeSyncTruncateRequest({ ...r, groupName });
      await tolerate(
        conn.request({ cmd: S.SYNC_TRUNCATE_FILE, body, reply: EMPTY, keepOpenOn: EEXIST_ENOENT }),
        EEXIST_ENOENT,
      );
      return 'sent';
    }
    case 'L':
    case 'l': {
      const body = encodeSyncPairRequest(S.SYNC_CREATE_LINK, { ...r, groupName });
      await tolerate(
        conn.request({ cmd: S.SYNC_CREATE_LINK, body, reply: EMPTY, keepOpenOn: EEXIST_ENOENT }),
        EEXIST_ENOENT,
      );
      return 'sent';
    }
    case 'R':
    case 'r': {
      const body = encodeSyncPairRequest(S.SYNC_RENAME_FILE, { ...r, groupName });
      // A C peer echoes the request body (§16 #1): accept that or an empty body.
      const reply = { kind: 'whole', maxLength: body.length } as const;
      let echoed: Buffer | undefined;
      const status = await tolerate(
        conn
          .request({ cmd: S.SYNC_RENAME_FILE, body, reply, keepOpenOn: EEXIST_ENOENT })
          .then((x) => (echoed = x.body)),
        EEXIST_ENOENT,
      );
      if (echoed && !isAcceptedRenameReply(body, echoed)) {
        throw new Error(`unexpected ${echoed.length}-byte answer to SYNC_RENAME_FILE`);
      }
      if (status === Errno.ENOENT) throw new RenameFallback();
      return 'sent';
    }
  }
}

/** The peer lacks the old name: the caller sends the file as a create under the new name. */
export class RenameFallback extends Error {}

/** The fall-back after RangeFallback / RenameFallback (§6.2), on a fresh connection. */
export function sendFallback(
  conn: FramedConnection,
  ctx: SendContext,
  r: BinlogRecord,
  kind: 'range' | 'rename',
): Promise<SendOutcome> {
  return kind === 'range'
    ? sendWhole(conn, ctx, S.SYNC_UPDATE_FILE, r.filename, r.timestamp)
    : sendWhole(conn, ctx, S.SYNC_CREATE_FILE, r.filename, r.timestamp);
}
