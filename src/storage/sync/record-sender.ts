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
} from '../../protocol/messages/sync.js';
import type { BinlogRecord } from '../binlog/record.js';
import type { StoreLayout } from '../store/layout.js';

export interface SendContext {
  groupName: string;
  layout: StoreLayout;
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

async function sendWhole(
  conn: FramedConnection,
  ctx: SendContext,
  cmd: typeof S.SYNC_CREATE_FILE | typeof S.SYNC_UPDATE_FILE,
  filename: string,
  timestamp: number,
): Promise<SendOutcome> {
  const path = ctx.layout.resolve(filename).dataPath;
  const stats = await lstatOrUndefined(path);
  if (!stats?.isFile()) return 'skipped';
  const p = encodeSyncCreatePrefix(cmd, {
    timestamp,
    groupName: ctx.groupName,
    filename,
    fileSize: stats.size,
  });
  // Small files are read whole and sent in one write (a stream per file costs more than the file).
  const content =
    stats.size <= SMALL_FILE
      ? await readWhole(path, stats.size)
      : createReadStream(path, { end: stats.size - 1 });
  await tolerate(
    conn.request({ cmd, body: p.prefix, content, contentLength: stats.size, reply: EMPTY }),
    [Errno.EEXIST],
  );
  return 'sent';
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
    conn.request({ cmd, body: p.prefix, content, contentLength: r.length, reply: EMPTY }),
    [Errno.EEXIST, Errno.ENOENT],
  );
  if (status === Errno.ENOENT) throw new RangeFallback();
  return 'sent';
}

/** The peer lacks the start of the file: the caller resends it whole on a new connection. */
export class RangeFallback extends Error {}

/**
 * Send `r` on `conn`. A tolerated error status closes `conn` (FramedConnection), so the caller
 * checks `conn.usable` before the next record.
 */
export async function sendRecord(
  conn: FramedConnection,
  ctx: SendContext,
  r: BinlogRecord,
): Promise<SendOutcome> {
  const groupName = ctx.groupName;
  switch (r.op) {
    case 'C':
    case 'c':
      return sendWhole(conn, ctx, S.SYNC_CREATE_FILE, r.filename, r.timestamp);
    case 'U':
    case 'u':
      return sendWhole(conn, ctx, S.SYNC_UPDATE_FILE, r.filename, r.timestamp);
    case 'D':
    case 'd': {
      if (await lstatOrUndefined(ctx.layout.resolve(r.filename).dataPath)) return 'skipped';
      const body = encodeSyncDeleteRequest({ ...r, groupName });
      await tolerate(conn.request({ cmd: S.SYNC_DELETE_FILE, body, reply: EMPTY }), [Errno.ENOENT]);
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
      await tolerate(conn.request({ cmd: S.SYNC_TRUNCATE_FILE, body, reply: EMPTY }), [
        Errno.EEXIST,
        Errno.ENOENT,
      ]);
      return 'sent';
    }
    case 'L':
    case 'l': {
      const body = encodeSyncPairRequest(S.SYNC_CREATE_LINK, { ...r, groupName });
      await tolerate(conn.request({ cmd: S.SYNC_CREATE_LINK, body, reply: EMPTY }), [
        Errno.EEXIST,
        Errno.ENOENT,
      ]);
      return 'sent';
    }
    case 'R':
    case 'r': {
      const body = encodeSyncPairRequest(S.SYNC_RENAME_FILE, { ...r, groupName });
      // A C peer echoes the request body (§16 #1): accept that or an empty body.
      const reply = { kind: 'whole', maxLength: body.length } as const;
      let echoed: Buffer | undefined;
      const status = await tolerate(
        conn.request({ cmd: S.SYNC_RENAME_FILE, body, reply }).then((x) => (echoed = x.body)),
        [Errno.EEXIST, Errno.ENOENT],
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
