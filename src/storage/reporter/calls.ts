// The storage → tracker calls (§5.2, §5.3), one function each, over a FramedConnection: encode,
// send, decode. A non-zero status rejects (ERR_SERVER_STATUS) and closes the connection.
import type { FramedConnection } from '../../common/connection.js';
import { FdfsError } from '../../common/errors.js';
import { TrackerCommand as C } from '../../protocol/commands.js';
import { MAX_SERVERS_EACH_GROUP } from '../../protocol/constants.js';
import {
  decodeFetchStorageIdsReply,
  decodeGroupNameReply,
  decodeMyIpReply,
  decodeServerIdReply,
  encodeFetchStorageIdsRequest,
  encodeGetGroupNameRequest,
  encodeGetMyIpRequest,
  encodeGetServerIdRequest,
  type StorageIdLine,
} from '../../protocol/messages/tracker-identity.js';
import {
  decodeParameterReply,
  type TrackerParameters,
} from '../../protocol/messages/tracker-parameters.js';
import {
  encodeChangeStatusRequest,
  encodeChangelogRequest,
  encodeDiskUsageRequest,
  encodeIpChangedRequest,
  encodeReportStatusRequest,
  encodeSyncReportRequest,
  type ChangelogRequest,
  type DiskUsageEntry,
  type IpChangedRequest,
  type SyncReportEntry,
} from '../../protocol/messages/tracker-reports.js';
import {
  decodeSyncSourceReply,
  encodeSyncSrcRequest,
} from '../../protocol/messages/tracker-sync-source.js';
import { decodeBeatResponse, type BeatResponse } from '../../protocol/structs/beat-response.js';
import {
  decodeStorageJoinResponse,
  encodeStorageJoinBody,
  type StorageJoinBody,
  type StorageJoinResponse,
} from '../../protocol/structs/join-body.js';
import { storageBriefSize, type StorageBrief } from '../../protocol/structs/storage-brief.js';
import {
  encodeStorageStatBlock,
  type StorageStatBlock,
} from '../../protocol/structs/storage-stat-block.js';
import { encodeSyncBody, type SyncBody } from '../../protocol/structs/sync-body.js';
import { decodeTrackerStatus, type TrackerStatus } from '../../protocol/structs/tracker-cluster.js';
import { call } from './tracker-link.js';

/** The C client gives up FETCH_STORAGE_IDS after 32 pages (§5.2 cmd 69). */
export const MAX_STORAGE_ID_PAGES = 32;

function expectEmpty(cmd: number, body: Buffer): void {
  if (body.length !== 0) {
    throw new FdfsError(
      'ERR_BAD_BODY',
      `reply to command ${cmd}: ${body.length} bytes, expected 0`,
      {
        command: cmd,
      },
    );
  }
}

// ---- start-up (§9.13) ------------------------------------------------------------------------

/** 109 with the port alone: the tracker looks us up by the address it sees. */
export async function getGroupName(conn: FramedConnection, port: number): Promise<string> {
  const body = encodeGetGroupNameRequest({ ip: undefined, port });
  return decodeGroupNameReply(await call(conn, C.STORAGE_GET_GROUP_NAME, body));
}

/** 60: our address(es) as this tracker sees us. */
export async function getMyIp(
  conn: FramedConnection,
  groupName: string,
  port: number,
): Promise<string[]> {
  const body = encodeGetMyIpRequest({ groupName, port });
  return decodeMyIpReply(await call(conn, C.STORAGE_GET_MY_IP, body));
}

/** 75: the tracker's settings. */
export async function parameterReq(conn: FramedConnection): Promise<TrackerParameters> {
  return decodeParameterReply(await call(conn, C.STORAGE_PARAMETER_REQ));
}

/** 69, page after page (start_index += count) until total_count; at most 32 requests. */
export async function fetchStorageIds(conn: FramedConnection): Promise<StorageIdLine[]> {
  const entries: StorageIdLine[] = [];
  for (let page = 0; page < MAX_STORAGE_ID_PAGES; page++) {
    const body = encodeFetchStorageIdsRequest({ startIndex: entries.length, allowEmpty: false });
    const reply = decodeFetchStorageIdsReply(await call(conn, C.STORAGE_FETCH_STORAGE_IDS, body));
    entries.push(...reply.entries);
    if (entries.length >= reply.totalCount || reply.entries.length === 0) return entries;
  }
  throw new FdfsError(
    'ERR_BAD_BODY',
    `FETCH_STORAGE_IDS: the list did not end within ${MAX_STORAGE_ID_PAGES} pages`,
    { command: C.STORAGE_FETCH_STORAGE_IDS, server: conn.server },
  );
}

/** 70: our id by group, IP and port. */
export async function getServerId(
  conn: FramedConnection,
  groupName: string,
  ip: string,
  port: number,
): Promise<string> {
  const body = encodeGetServerIdRequest({ groupName, ip, port });
  return decodeServerIdReply(await call(conn, C.STORAGE_GET_SERVER_ID, body));
}

/** 78: our address changed since the last run (storage ids off). */
export async function reportIpChanged(
  conn: FramedConnection,
  request: IpChangedRequest,
): Promise<void> {
  expectEmpty(
    C.STORAGE_REPORT_IP_CHANGED,
    await call(conn, C.STORAGE_REPORT_IP_CHANGED, encodeIpChangedRequest(request)),
  );
}

/** 77: the next chunk of the changelog, empty body on a joined connection or named otherwise. */
export async function changelogReq(
  conn: FramedConnection,
  request: ChangelogRequest,
): Promise<Buffer> {
  return call(conn, C.STORAGE_CHANGELOG_REQ, encodeChangelogRequest(request));
}

/** 64: is this tracker the leader? */
export async function getTrackerStatus(conn: FramedConnection): Promise<TrackerStatus> {
  return decodeTrackerStatus(await call(conn, C.TRACKER_GET_STATUS));
}

// ---- the report connection (§5.3) --------------------------------------------------------------

export async function join(
  conn: FramedConnection,
  body: StorageJoinBody,
): Promise<StorageJoinResponse> {
  return decodeStorageJoinResponse(await call(conn, C.STORAGE_JOIN, encodeStorageJoinBody(body)));
}

/** 87: who copies old files to us; null: nobody (the tracker set us ONLINE). */
export async function syncDestReq(conn: FramedConnection): Promise<SyncBody | null> {
  return decodeSyncSourceReply(await call(conn, C.STORAGE_SYNC_DEST_REQ), C.STORAGE_SYNC_DEST_REQ);
}

/** 88: our sync source (srcId "" = nothing to copy). */
export async function syncNotify(conn: FramedConnection, source: SyncBody): Promise<void> {
  expectEmpty(
    C.STORAGE_SYNC_NOTIFY,
    await call(conn, C.STORAGE_SYNC_NOTIFY, encodeSyncBody(source)),
  );
}

/**
 * The reply of 83, 84 and 89 (§5.3): null when empty, else flags and briefs. The briefs are 67
 * bytes since 6.11; a body that only fits 37-byte briefs comes from an older tracker.
 */
export function decodeSyncResponse(body: Buffer): BeatResponse | null {
  if (body.length === 0) return null;
  const rest = body.length - 1;
  const legacy = rest % storageBriefSize(46) !== 0 && rest % storageBriefSize(16) === 0;
  return decodeBeatResponse(body, { ipSize: legacy ? 16 : 46 });
}

/** 83 with the stat block, or empty when the counters have not changed. */
export async function beat(
  conn: FramedConnection,
  block: StorageStatBlock | undefined,
): Promise<BeatResponse | null> {
  const body =
    block === undefined
      ? undefined
      : encodeStorageStatBlock({ ...block, lastSyncedTimestamp: 0, lastHeartBeatTime: 0 });
  return decodeSyncResponse(await call(conn, C.STORAGE_BEAT, body));
}

export async function reportDiskUsage(
  conn: FramedConnection,
  paths: readonly DiskUsageEntry[],
): Promise<BeatResponse | null> {
  const body = encodeDiskUsageRequest(paths);
  return decodeSyncResponse(await call(conn, C.STORAGE_REPORT_DISK_USAGE, body));
}

export async function syncReport(
  conn: FramedConnection,
  entries: readonly SyncReportEntry[],
): Promise<BeatResponse | null> {
  const body = encodeSyncReportRequest(entries.slice(0, MAX_SERVERS_EACH_GROUP));
  return decodeSyncResponse(await call(conn, C.STORAGE_SYNC_REPORT, body));
}

/** 59: ask a follower to take the status the leader has for us. */
export async function changeStatus(conn: FramedConnection, status: number): Promise<void> {
  expectEmpty(
    C.STORAGE_CHANGE_STATUS,
    await call(conn, C.STORAGE_CHANGE_STATUS, encodeChangeStatusRequest(status)),
  );
}

/** 76: another storage's status as we know it (replication, recovery). */
export async function reportStatus(
  conn: FramedConnection,
  groupName: string,
  brief: StorageBrief,
): Promise<void> {
  const body = encodeReportStatusRequest({ groupName, brief });
  expectEmpty(C.STORAGE_REPORT_STATUS, await call(conn, C.STORAGE_REPORT_STATUS, body));
}

/** 86: the sync source of `destId` (§8.7 step 3); null: none recorded (or it is gone). */
export async function syncSrcReq(
  conn: FramedConnection,
  groupName: string,
  destId: string,
): Promise<SyncBody | null> {
  const body = encodeSyncSrcRequest({ groupName, destId });
  return decodeSyncSourceReply(
    await call(conn, C.STORAGE_SYNC_SRC_REQ, body),
    C.STORAGE_SYNC_SRC_REQ,
  );
}
