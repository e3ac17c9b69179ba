// The tracker side of a disk recovery (§8.8 steps 1–3 and 7): our highest status over the
// trackers with STORAGE_GET_STATUS (71), then the group (90) and its storages (92) on the same
// connection as C does, and REPORT_STATUS (76) to every tracker on short connections.
import type { TrackerAddress } from '../../common/config/index.js';
import type { FramedConnection } from '../../common/connection.js';
import type { Logger } from '../../common/logger.js';
import { TrackerCommand as C } from '../../protocol/commands.js';
import { encodeGroupRequest, encodeGroupStorageRequest } from '../../protocol/messages/index.js';
import { encodeStorageStatusRequest } from '../../protocol/messages/tracker-identity.js';
import { decodeGroupStat, type GroupStat } from '../../protocol/structs/group-stat.js';
import {
  decodeStorageBrief,
  storageBriefSize,
  type StorageBrief,
} from '../../protocol/structs/storage-brief.js';
import { decodeStorageStatList, type StorageStat } from '../../protocol/structs/index.js';
import { reportStatus } from '../reporter/calls.js';
import {
  call,
  trackerLabel,
  withShortConnection,
  type LinkOptions,
} from '../reporter/tracker-link.js';

export interface GroupView {
  /** Our highest status over the trackers that answered. */
  status: number;
  group: GroupStat;
  storages: StorageStat[];
}

async function groupViewOn(
  conn: FramedConnection,
  groupName: string,
  self: { ip: string; port: number },
): Promise<GroupView> {
  const briefBody = await call(
    conn,
    C.STORAGE_GET_STATUS,
    encodeStorageStatusRequest({ groupName, ip: self.ip, port: self.port }),
  );
  const ipSize = briefBody.length === storageBriefSize(16) ? 16 : 46;
  const brief = decodeStorageBrief(briefBody, { ipSize });
  const group = decodeGroupStat(
    await call(
      conn,
      C.SERVER_LIST_ONE_GROUP,
      encodeGroupRequest(groupName, C.SERVER_LIST_ONE_GROUP),
    ),
  );
  const storages = decodeStorageStatList(
    await call(
      conn,
      C.SERVER_LIST_STORAGE,
      encodeGroupStorageRequest(C.SERVER_LIST_STORAGE, { groupName, storageId: undefined }),
    ),
  );
  return { status: brief.status, group, storages };
}

/**
 * Ask every tracker; the view is the first answer's, with the highest status of all answers
 * (tracker_get_storage_max_status). Undefined when no tracker answered.
 */
export async function fetchGroupView(
  trackers: readonly TrackerAddress[],
  link: LinkOptions,
  groupName: string,
  self: { ip: string; port: number },
  logger: Logger,
): Promise<GroupView | undefined> {
  let view: GroupView | undefined;
  for (const tracker of trackers) {
    try {
      const v = await withShortConnection(tracker, link, true, ({ conn }) =>
        groupViewOn(conn, groupName, self),
      );
      if (!view) view = v;
      else view.status = Math.max(view.status, v.status);
    } catch (err) {
      logger.warn(
        { tracker: trackerLabel(tracker), err: (err as Error).message },
        'disk recovery: tracker did not tell our status',
      );
    }
  }
  return view;
}

/** 76 to every tracker; resolves with how many accepted it. */
export async function reportStatusToAll(
  trackers: readonly TrackerAddress[],
  link: LinkOptions,
  groupName: string,
  brief: StorageBrief,
  logger: Logger,
): Promise<number> {
  let accepted = 0;
  for (const tracker of trackers) {
    try {
      await withShortConnection(tracker, link, true, ({ conn }) =>
        reportStatus(conn, groupName, brief),
      );
      accepted++;
    } catch (err) {
      logger.warn(
        { tracker: trackerLabel(tracker), err: (err as Error).message },
        'disk recovery: REPORT_STATUS failed',
      );
    }
  }
  return accepted;
}
