// Storage status values, one byte on the wire (§3.3). The code relies on their numeric order.

export const StorageStatus = {
  INIT: 0,
  WAIT_SYNC: 1,
  SYNCING: 2,
  IP_CHANGED: 3,
  DELETED: 4,
  OFFLINE: 5,
  ONLINE: 6,
  ACTIVE: 7,
  RECOVERY: 9,
  NONE: 99,
} as const;

export type StorageStatusValue = (typeof StorageStatus)[keyof typeof StorageStatus];

const captions = new Map<number, string>(Object.entries(StorageStatus).map(([k, v]) => [v, k]));

/** The caption fdfs_monitor prints; "UNKNOWN" outside the table (get_storage_status_caption). */
export function storageStatusCaption(status: number): string {
  return captions.get(status) ?? 'UNKNOWN';
}

/** OFFLINE, ONLINE and ACTIVE are the "available" statuses (FDFS_IS_AVAILABLE_STATUS). */
export function isAvailableStatus(status: number): boolean {
  return (
    status === StorageStatus.OFFLINE ||
    status === StorageStatus.ONLINE ||
    status === StorageStatus.ACTIVE
  );
}

/** Read/write mode of a storage (§3.4): 0 none, 4 read, 2 write, 6 both. */
export const RwMode = { NONE: 0, WRITE: 2, READ: 4, BOTH: 6 } as const;
export type RwModeValue = (typeof RwMode)[keyof typeof RwMode];
