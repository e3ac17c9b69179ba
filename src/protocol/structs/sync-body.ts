// Sync request body (TrackerStorageSyncReqBody, §4.5), 24 bytes: the reply of SYNC_SRC_REQ (86),
// SYNC_DEST_REQ (87) and SYNC_DEST_QUERY (79), and the request of SYNC_NOTIFY (88).
import { BufferReader, BufferWriter } from '../buffer.js';
import { STORAGE_ID_MAX_SIZE } from '../constants.js';
import { expectLength } from './fields.js';

export const SYNC_BODY_SIZE = 24;

export interface SyncBody {
  /** Id of the storage that must copy old files; "" means "no sync needed" (cmd 88). */
  srcId: string;
  /** Copy the files whose source timestamp is ≤ this value. */
  untilTimestamp: number;
}

export function encodeSyncBody(v: SyncBody): Buffer {
  return new BufferWriter(SYNC_BODY_SIZE)
    .fixedString(STORAGE_ID_MAX_SIZE, v.srcId)
    .i64(v.untilTimestamp)
    .finish();
}

export function decodeSyncBody(buf: Buffer): SyncBody {
  expectLength(buf, SYNC_BODY_SIZE, 'sync body');
  const r = new BufferReader(buf);
  return {
    srcId: r.fixedString(STORAGE_ID_MAX_SIZE, 'src_id'),
    untilTimestamp: r.i64('until_timestamp'),
  };
}
