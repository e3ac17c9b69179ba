// 13 SET_METADATA (§6.1): a 33-byte fixed part, the file name and the encoded metadata (§3.2).
// The reply is empty; 15 GET_METADATA answers the raw metadata, read with decodeMetadata().
import { BufferReader, BufferWriter } from '../buffer.js';
import { StorageCommand } from '../commands.js';
import { GROUP_NAME_MAX_LEN, MAX_FILENAME_LEN } from '../constants.js';
import {
  decodeMetadata,
  encodeMetadata,
  isMetadataOpFlag,
  type MetadataEntry,
  type MetadataInput,
  type MetadataOpFlag,
} from '../metadata.js';
import { badBody, checkFilenameLength, invalidArgument, type GroupFile } from './fields.js';

/** filename_len i64, meta_size i64, op flag u8, group str[16]. */
export const SET_METADATA_FIXED_SIZE = 8 + 8 + 1 + GROUP_NAME_MAX_LEN;

export interface SetMetadataRequest extends GroupFile {
  op: MetadataOpFlag;
  metadata: MetadataInput;
}

export interface DecodedSetMetadataRequest extends GroupFile {
  op: MetadataOpFlag;
  metadata: MetadataEntry[];
  /** The metadata bytes as sent (a view into the body). */
  metadataBytes: Buffer;
}

export function encodeSetMetadataRequest(req: SetMetadataRequest): Buffer {
  const cmd = StorageCommand.SET_METADATA;
  const nameLen = checkFilenameLength(req.filename, cmd);
  if (!isMetadataOpFlag(req.op)) throw invalidArgument(`op flag "${req.op}", not 'O' or 'M'`, cmd);
  const meta = encodeMetadata(req.metadata);
  return new BufferWriter(SET_METADATA_FIXED_SIZE + nameLen + meta.length)
    .i64(nameLen)
    .i64(meta.length)
    .u8(req.op.charCodeAt(0))
    .fixedString(GROUP_NAME_MAX_LEN, req.groupName)
    .string(req.filename)
    .bytes(meta)
    .finish();
}

/**
 * Server side, in the storage's order: body > 33, 0 < filename_len < 128, op flag 'O' or 'M',
 * meta_size = body − 33 − filename_len.
 */
export function decodeSetMetadataRequest(body: Buffer): DecodedSetMetadataRequest {
  const cmd = StorageCommand.SET_METADATA;
  if (body.length <= SET_METADATA_FIXED_SIZE) {
    throw badBody(cmd, `body length ${body.length}, expected more than ${SET_METADATA_FIXED_SIZE}`);
  }
  const r = new BufferReader(body);
  const nameLen = r.i64Big('filename_len');
  const metaSize = r.i64Big('meta_size');
  if (nameLen <= 0n || nameLen > BigInt(MAX_FILENAME_LEN)) {
    throw badBody(cmd, `filename_len ${nameLen}, expected 1..${MAX_FILENAME_LEN}`);
  }
  const op = String.fromCharCode(r.u8('op_flag'));
  if (!isMetadataOpFlag(op)) {
    throw badBody(
      cmd,
      `op flag 0x${op.charCodeAt(0).toString(16).padStart(2, '0')}, not 'O' or 'M'`,
    );
  }
  const expected = BigInt(body.length - SET_METADATA_FIXED_SIZE) - nameLen;
  if (metaSize < 0n || metaSize !== expected) {
    throw badBody(
      cmd,
      `meta_size ${metaSize} does not match body length ${body.length} − 33 − ${nameLen}`,
    );
  }
  const groupName = r.fixedString(GROUP_NAME_MAX_LEN, 'group_name');
  const filename = r.string(Number(nameLen), 'filename');
  const metadataBytes = r.rest();
  return { groupName, filename, op, metadata: decodeMetadata(metadataBytes), metadataBytes };
}
