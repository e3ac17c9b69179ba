// Who copies old files to a new storage (§5.3, §8.7): SYNC_SRC_REQ (86) and the replies of 86,
// SYNC_DEST_REQ (87) and SYNC_DEST_QUERY (79), each empty or one 24-byte sync body (§4.5).
// SYNC_NOTIFY (88) is the sync body itself (structs/sync-body.ts).
import { BufferReader, BufferWriter } from '../buffer.js';
import { TrackerCommand } from '../commands.js';
import { GROUP_NAME_MAX_LEN, STORAGE_ID_MAX_SIZE } from '../constants.js';
import {
  decodeSyncBody,
  encodeSyncBody,
  SYNC_BODY_SIZE,
  type SyncBody,
} from '../structs/sync-body.js';
import { badBody } from './fields.js';
import { expectBody, readGroup, writeGroup } from './tracker-fields.js';

const C = TrackerCommand;

/** 86: the group and the destination the sender is about to push to. */
export interface SyncSrcRequest {
  groupName: string;
  destId: string;
}

export function encodeSyncSrcRequest(v: SyncSrcRequest): Buffer {
  const w = new BufferWriter(GROUP_NAME_MAX_LEN + STORAGE_ID_MAX_SIZE);
  writeGroup(w, v.groupName, C.STORAGE_SYNC_SRC_REQ);
  return w.fixedString(STORAGE_ID_MAX_SIZE, v.destId).finish();
}

export function decodeSyncSrcRequest(body: Buffer): SyncSrcRequest {
  expectBody(C.STORAGE_SYNC_SRC_REQ, body, GROUP_NAME_MAX_LEN + STORAGE_ID_MAX_SIZE);
  const r = new BufferReader(body, GROUP_NAME_MAX_LEN);
  return { groupName: readGroup(body), destId: r.fixedString(STORAGE_ID_MAX_SIZE, 'dest_id') };
}

/** The reply of 86, 87 and 79: null (empty body) or one sync body. */
export function encodeSyncSourceReply(v: SyncBody | null): Buffer {
  return v === null ? Buffer.alloc(0) : encodeSyncBody(v);
}

export function decodeSyncSourceReply(body: Buffer, cmd: number): SyncBody | null {
  if (body.length === 0) return null;
  if (body.length !== SYNC_BODY_SIZE) {
    throw badBody(cmd, `reply body length ${body.length}, expected 0 or ${SYNC_BODY_SIZE}`);
  }
  return decodeSyncBody(body);
}
