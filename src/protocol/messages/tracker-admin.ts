// Administrative requests (§5.2): LIST_ONE_GROUP (90) and DELETE_GROUP (108) name a group;
// LIST_STORAGE (92), DELETE_STORAGE (93) and SET_TRUNK_SERVER (94) add a storage id vstr;
// GET_LEADER (95) answers "ip:port" text. The list and stat replies are structs (structs/).
import { readFixedString } from '../buffer.js';
import { TrackerCommand } from '../commands.js';
import { GROUP_NAME_MAX_LEN, MAX_IP_PORT_SIZE, STORAGE_ID_MAX_SIZE } from '../constants.js';
import { badBody, byteLength, invalidArgument } from './fields.js';
import {
  encodeGroupOnly,
  expectBody,
  expectBodyRange,
  formatIpPort,
  parseIpPort,
  readGroup,
  type IpPort,
} from './tracker-fields.js';

const C = TrackerCommand;

/** A group and, for 92 and 94, an optional storage id. */
export interface GroupStorageRequest {
  groupName: string;
  /** undefined = no id in the request (92: the whole group; 94: choose automatically). */
  storageId: string | undefined;
}

/** Body of 90 and 108: exactly the group str[16]. */
export function encodeGroupRequest(groupName: string, cmd: number): Buffer {
  return encodeGroupOnly(groupName, cmd);
}

export function decodeGroupRequest(cmd: number, body: Buffer): string {
  expectBody(cmd, body, GROUP_NAME_MAX_LEN);
  return readGroup(body);
}

/** group str[16] + id vstr (no NUL), the id shorter than 16 bytes. */
export function encodeGroupStorageRequest(cmd: number, v: GroupStorageRequest): Buffer {
  const group = encodeGroupOnly(v.groupName, cmd);
  if (v.storageId === undefined) {
    if (cmd === C.SERVER_DELETE_STORAGE) throw invalidArgument('a storage id is required', cmd);
    return group;
  }
  const len = byteLength(v.storageId);
  if (len < 1 || len >= STORAGE_ID_MAX_SIZE) {
    throw invalidArgument(`storage id "${v.storageId}" is not 1..15 bytes`, cmd);
  }
  return Buffer.concat([group, Buffer.from(v.storageId, 'utf8')]);
}

/**
 * 92 and 94: 16 ≤ length < 32; 93: 17 ≤ length < 32 (an id is required). The id is cut at its
 * first NUL, as the C tracker reads it with a terminator.
 */
export function decodeGroupStorageRequest(cmd: number, body: Buffer): GroupStorageRequest {
  const min = cmd === C.SERVER_DELETE_STORAGE ? GROUP_NAME_MAX_LEN + 1 : GROUP_NAME_MAX_LEN;
  expectBodyRange(cmd, body, min, GROUP_NAME_MAX_LEN + STORAGE_ID_MAX_SIZE - 1);
  const groupName = readGroup(body);
  if (body.length === GROUP_NAME_MAX_LEN) return { groupName, storageId: undefined };
  const idLength = body.length - GROUP_NAME_MAX_LEN;
  return { groupName, storageId: readFixedString(body, GROUP_NAME_MAX_LEN, idLength) };
}

/** 94 reply: the trunk server id with its trailing NUL (length = id + 1, §5.2). */
export function encodeTrunkServerReply(id: string): Buffer {
  return Buffer.from(`${id}\0`, 'utf8');
}

export function decodeTrunkServerReply(body: Buffer): string {
  if (body.length < 2 || body[body.length - 1] !== 0) {
    throw badBody(C.SERVER_SET_TRUNK_SERVER, 'reply is not an id followed by a NUL');
  }
  return body.toString('utf8', 0, body.length - 1);
}

/** 95 reply: "ip:port" ("[ip]:port" for IPv6), no NUL. */
export function encodeLeaderReply(leader: IpPort): Buffer {
  return Buffer.from(formatIpPort(leader.ip, leader.port), 'utf8');
}

export function decodeLeaderReply(body: Buffer): IpPort {
  if (body.length < 3 || body.length > MAX_IP_PORT_SIZE) {
    throw badBody(
      C.SERVER_GET_LEADER,
      `reply body length ${body.length}, expected 3..${MAX_IP_PORT_SIZE}`,
    );
  }
  return parseIpPort(body.toString('utf8'), C.SERVER_GET_LEADER);
}
