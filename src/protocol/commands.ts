// Every command code of the tracker (§5.0) and the storage (§6), with its name for messages and logs.

export const TrackerCommand = {
  TRACKER_JOIN_LEADER: 58,
  STORAGE_CHANGE_STATUS: 59,
  STORAGE_GET_MY_IP: 60,
  TRACKER_GET_SYS_FILES_START: 61,
  TRACKER_GET_SYS_FILES_END: 62,
  TRACKER_GET_ONE_SYS_FILE: 63,
  TRACKER_GET_STATUS: 64,
  TRACKER_PING_LEADER: 65,
  TRACKER_NOTIFY_NEXT_LEADER: 66,
  TRACKER_COMMIT_NEXT_LEADER: 67,
  TRACKER_NOTIFY_RESELECT_LEADER: 68,
  STORAGE_FETCH_STORAGE_IDS: 69,
  STORAGE_GET_SERVER_ID: 70,
  STORAGE_GET_STATUS: 71,
  STORAGE_FETCH_TRUNK_FID: 72,
  STORAGE_REPORT_TRUNK_FID: 73,
  STORAGE_REPORT_TRUNK_FREE: 74,
  STORAGE_PARAMETER_REQ: 75,
  STORAGE_REPORT_STATUS: 76,
  STORAGE_CHANGELOG_REQ: 77,
  STORAGE_REPORT_IP_CHANGED: 78,
  STORAGE_SYNC_DEST_QUERY: 79,
  STORAGE_JOIN: 81,
  QUIT: 82,
  STORAGE_BEAT: 83,
  STORAGE_REPORT_DISK_USAGE: 84,
  STORAGE_REPLICA_CHG: 85,
  STORAGE_SYNC_SRC_REQ: 86,
  STORAGE_SYNC_DEST_REQ: 87,
  STORAGE_SYNC_NOTIFY: 88,
  STORAGE_SYNC_REPORT: 89,
  SERVER_LIST_ONE_GROUP: 90,
  SERVER_LIST_ALL_GROUPS: 91,
  SERVER_LIST_STORAGE: 92,
  SERVER_DELETE_STORAGE: 93,
  SERVER_SET_TRUNK_SERVER: 94,
  SERVER_GET_LEADER: 95,
  SERVER_TRACKER_CLUSTER_STAT: 96,
  SERVER_STORAGE_CLUSTER_STAT: 97,
  SERVER_STORAGE_VOLUMN_STAT: 98,
  RESP: 100,
  SERVICE_QUERY_STORE_WITHOUT_GROUP_ONE: 101,
  SERVICE_QUERY_FETCH_ONE: 102,
  SERVICE_QUERY_UPDATE: 103,
  SERVICE_QUERY_STORE_WITH_GROUP_ONE: 104,
  SERVICE_QUERY_FETCH_ALL: 105,
  SERVICE_QUERY_STORE_WITHOUT_GROUP_ALL: 106,
  SERVICE_QUERY_STORE_WITH_GROUP_ALL: 107,
  SERVER_DELETE_GROUP: 108,
  STORAGE_GET_GROUP_NAME: 109,
  ACTIVE_TEST: 111,
} as const;

export const StorageCommand = {
  REPORT_SERVER_ID: 9,
  UPLOAD_FILE: 11,
  DELETE_FILE: 12,
  SET_METADATA: 13,
  DOWNLOAD_FILE: 14,
  GET_METADATA: 15,
  SYNC_CREATE_FILE: 16,
  SYNC_DELETE_FILE: 17,
  SYNC_UPDATE_FILE: 18,
  SYNC_CREATE_LINK: 19,
  CREATE_LINK: 20,
  UPLOAD_SLAVE_FILE: 21,
  QUERY_FILE_INFO: 22,
  UPLOAD_APPENDER_FILE: 23,
  APPEND_FILE: 24,
  SYNC_APPEND_FILE: 25,
  FETCH_ONE_PATH_BINLOG: 26,
  TRUNK_ALLOC_SPACE: 27,
  TRUNK_ALLOC_CONFIRM: 28,
  TRUNK_FREE_SPACE: 29,
  TRUNK_SYNC_BINLOG: 30,
  TRUNK_GET_BINLOG_SIZE: 31,
  TRUNK_DELETE_BINLOG_MARKS: 32,
  TRUNK_TRUNCATE_BINLOG_FILE: 33,
  MODIFY_FILE: 34,
  SYNC_MODIFY_FILE: 35,
  TRUNCATE_FILE: 36,
  SYNC_TRUNCATE_FILE: 37,
  REGENERATE_APPENDER_FILENAME: 38,
  SYNC_RENAME_FILE: 40,
  QUIT: 82,
  RESP: 100,
  ACTIVE_TEST: 111,
} as const;

export type TrackerCommandCode = (typeof TrackerCommand)[keyof typeof TrackerCommand];
export type StorageCommandCode = (typeof StorageCommand)[keyof typeof StorageCommand];

/** The response command code, the same for tracker and storage (§1.1). */
export const RESP_CMD = 100;

function invert(table: Record<string, number>): Map<number, string> {
  const out = new Map<number, string>();
  for (const [name, code] of Object.entries(table)) out.set(code, name);
  return out;
}

const trackerNames = invert(TrackerCommand);
const storageNames = invert(StorageCommand);

/** The name of a command code, for messages: "UPLOAD_FILE(11)". Unknown codes print as "CMD(n)". */
export function commandName(code: number, server?: 'tracker' | 'storage'): string {
  const name =
    server === 'tracker'
      ? trackerNames.get(code)
      : server === 'storage'
        ? storageNames.get(code)
        : (storageNames.get(code) ?? trackerNames.get(code));
  return `${name ?? 'CMD'}(${code})`;
}

export function isTrackerCommand(code: number): boolean {
  return trackerNames.has(code) && code !== RESP_CMD;
}

export function isStorageCommand(code: number): boolean {
  return storageNames.has(code) && code !== RESP_CMD;
}
