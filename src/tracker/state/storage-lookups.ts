// Look-ups that read the state without changing a status: a storage by its address
// (GET_STATUS 71) and the next changelog chunk a storage has not read (CHANGELOG_REQ 77).
import { Errno } from '../../protocol/errno.js';
import { HEADER_SIZE, TRACKER_MAX_PACKAGE_SIZE } from '../../protocol/constants.js';
import type { GroupRecord } from './group.js';
import type { ClusterModel } from './model.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { StorageBrief } from './status-rules.js';
import type { StorageRecord } from './storage-record.js';

/** Where a storage's unread changelog starts, and how many bytes the next reply carries. */
export interface ChangelogRange {
  offset: number;
  length: number;
}

/** `tracker_changelog_response`: all that is left, or 8182 bytes once more than 8202 are left. */
export function changelogRange(model: ClusterModel, record: StorageRecord): ChangelogRange {
  const offset = record.changelogOffset;
  let length = Math.max(0, model.changelogSize - offset);
  if (length > HEADER_SIZE + TRACKER_MAX_PACKAGE_SIZE)
    length = TRACKER_MAX_PACKAGE_SIZE - HEADER_SIZE;
  return { offset, length };
}

export function findMember(
  model: ClusterModel,
  groupName: string,
  storageId: string,
): Outcome<{ group: GroupRecord; record: StorageRecord }> {
  const group = model.group(groupName);
  if (!group) return fail(Errno.ENOENT, `group ${groupName} not found`);
  const record = group.get(storageId);
  if (!record) return fail(Errno.ENOENT, `storage ${storageId} not found in group ${groupName}`);
  return ok({ group, record });
}

/** GET_STATUS (71): the member with this address and port, as a brief with its first IP. */
export function briefByAddress(
  model: ClusterModel,
  groupName: string,
  ip: string,
  port: number,
): Outcome<StorageBrief> {
  const group = model.group(groupName);
  if (!group) return fail(Errno.ENOENT, `group ${groupName} not found`);
  const record = group.sorted.find((r) => r.ips.includes(ip) && r.port === port);
  if (!record) return fail(Errno.ENOENT, `no storage ${ip}:${port} in group ${groupName}`);
  return ok({ id: record.id, ip: record.ips[0] ?? ip, port: record.port, status: record.status });
}
