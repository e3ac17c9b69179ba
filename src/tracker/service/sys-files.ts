// The served side of the system-file copy (§5.4): GET_SYS_FILES_START (61) writes the four data
// files (§9.9) and takes the copy lock, GET_ONE_SYS_FILE (63) sends a chunk of one of them,
// GET_SYS_FILES_END (62) releases the lock; so does closing the connection (dispatch onClose).
import { open } from 'node:fs/promises';
import type { ServerReply } from '../../common/server-connection.js';
import { Errno } from '../../protocol/errno.js';
import {
  SYS_FILE_CHUNK,
  SYS_FILE_COUNT,
  decodeSysFileRequest,
  encodeSysFileReply,
} from '../../protocol/messages/tracker-sys-files.js';
import { SYS_FILES, TRACKER_FILES } from '../persist/store.js';
import { fail } from '../state/index.js';
import type { TrackerContext } from './context.js';
import { expectEmpty, failed, OK, type TrackerRequest } from './reply.js';
import type { TrackerSession } from './session.js';

/** The one copy served at a time (C's global lock). */
export class SysFileLock {
  holder: TrackerSession | undefined;

  release(session: TrackerSession): void {
    if (this.holder === session) this.holder = undefined;
  }
}

/** 61: ENOENT without groups, EBUSY while another connection copies. */
export async function getSysFilesStart(
  req: TrackerRequest,
  ctx: TrackerContext,
): Promise<ServerReply> {
  expectEmpty(req);
  if (!ctx.state.hasGroups) return failed(req, ctx, fail(Errno.ENOENT, 'no groups to copy'));
  const lock = ctx.sysFileLock;
  if (lock.holder && lock.holder !== req.session) {
    return failed(req, ctx, fail(Errno.EBUSY, 'another tracker is copying the system files'));
  }
  lock.holder = req.session;
  // Everything, with any changelog lines still pending (C: tracker_save_sys_files).
  const pending = ctx.state.takePendingSaves();
  const all = { ...pending, groups: true, storages: true, syncTimestamps: true };
  await ctx.store.save(ctx.state.snapshot(), all);
  return OK;
}

/** 63: file_size, then up to 8173 bytes from offset; EINVAL for a bad index or offset. */
export async function getOneSysFile(
  req: TrackerRequest,
  ctx: TrackerContext,
): Promise<ServerReply> {
  const { index, offset } = decodeSysFileRequest(req.body);
  if (index >= SYS_FILE_COUNT) return failed(req, ctx, fail(Errno.EINVAL, `file index ${index}`));
  const name = SYS_FILES[index]!;
  let file;
  try {
    file = await open(ctx.store.path(name), 'r');
  } catch (err) {
    // The changelog is append-only and created with its first line; none yet is an empty file.
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    if (missing && name === TRACKER_FILES.changelog) {
      return offset === 0
        ? { status: 0, body: encodeSysFileReply({ fileSize: 0, content: Buffer.alloc(0) }) }
        : failed(req, ctx, fail(Errno.EINVAL, `offset ${offset} of an empty file`));
    }
    return failed(req, ctx, fail(Errno.ENOENT, `${name}: ${String(err)}`));
  }
  try {
    const { size } = await file.stat();
    if (offset < 0 || offset > size) {
      return failed(req, ctx, fail(Errno.EINVAL, `offset ${offset} of ${size} bytes`));
    }
    const content = Buffer.alloc(Math.min(SYS_FILE_CHUNK, size - offset));
    const { bytesRead } = await file.read(content, 0, content.length, offset);
    return {
      status: 0,
      body: encodeSysFileReply({ fileSize: size, content: content.subarray(0, bytesRead) }),
    };
  } finally {
    await file.close();
  }
}

/** 62: releases the lock this connection holds. */
export function getSysFilesEnd(req: TrackerRequest, ctx: TrackerContext): ServerReply {
  expectEmpty(req);
  ctx.sysFileLock.release(req.session);
  return OK;
}
