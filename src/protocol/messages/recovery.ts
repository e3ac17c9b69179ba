// FETCH_ONE_PATH_BINLOG (26), §6.2: the request is `group_name` str[16] + `store_path_index` u8;
// the reply is close-delimited (pkg_len 2^58, binlog text lines, an 8-byte trailer, then close,
// §1.4). The frame parts are the connection's job; the lines are §8.3's (storage/binlog/record.ts).
import { readFixedString, writeFixedString } from '../buffer.js';
import { StorageCommand } from '../commands.js';
import { GROUP_NAME_MAX_LEN } from '../constants.js';
import { badBody } from './fields.js';

export interface FetchOnePathBinlogRequest {
  groupName: string;
  storePathIndex: number;
}

export const FETCH_ONE_PATH_BINLOG_BODY = GROUP_NAME_MAX_LEN + 1;

const CMD = StorageCommand.FETCH_ONE_PATH_BINLOG;

export function encodeFetchOnePathBinlogRequest(v: FetchOnePathBinlogRequest): Buffer {
  if (!Number.isInteger(v.storePathIndex) || v.storePathIndex < 0 || v.storePathIndex > 255) {
    throw badBody(CMD, `store_path_index ${v.storePathIndex} is not 0..255`);
  }
  const body = Buffer.alloc(FETCH_ONE_PATH_BINLOG_BODY);
  writeFixedString(body, 0, GROUP_NAME_MAX_LEN, v.groupName);
  body[GROUP_NAME_MAX_LEN] = v.storePathIndex;
  return body;
}

/** Exactly 17 bytes; the group is cut at its first NUL (§16 #5). */
export function decodeFetchOnePathBinlogRequest(body: Buffer): FetchOnePathBinlogRequest {
  if (body.length !== FETCH_ONE_PATH_BINLOG_BODY) {
    throw badBody(CMD, `body length ${body.length}, expected ${FETCH_ONE_PATH_BINLOG_BODY}`);
  }
  return {
    groupName: readFixedString(body, 0, GROUP_NAME_MAX_LEN),
    storePathIndex: body[GROUP_NAME_MAX_LEN]!,
  };
}
