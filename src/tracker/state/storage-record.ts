// One storage as the tracker knows it (`FDFSStorageDetail`): identity, status, what it sent in its
// join, disk usage, sync source and statistics. Every field of §9.9 lives here.
import { RwMode, StorageStatus, type RwModeValue } from '../../protocol/status.js';
import { emptyCounters, type ConnectionCounts, type StatCounters } from './stats.js';

export class StorageRecord {
  /** The storage id; the IP text when storage ids are off (§9.1 step 4). */
  readonly id: string;
  readonly groupName: string;
  /** Its address(es): one, or inner + outer with storage ids (§9.10). */
  ips: string[];
  /** Which of `ips` it joined from (`fdfs_set_multi_ip_index`). */
  ipIndex = 0;
  port = 0;
  status: number = StorageStatus.INIT;
  rwMode: RwModeValue = RwMode.BOTH;
  version = '';
  joinTime = 0;
  /** Process start time; 0 once it has disconnected (§9.3). */
  upTime = 0;
  storePathCount = 0;
  subdirCountPerPath = 0;
  uploadPriority = 0;
  currentWritePath = 0;
  pathTotalMb: number[] = [];
  pathFreeMb: number[] = [];
  totalMb = 0;
  freeMb = 0;
  /** The storage that copies old files to it (§8.7), '' for none. */
  syncSrcId = '';
  syncUntilTimestamp = 0;
  /** Read offset in storage_changelog.dat (§5.3 cmd 77). */
  changelogOffset = 0;
  connection: ConnectionCounts = { allocCount: 0, currentCount: 0, maxCount: 0 };
  counters: StatCounters = emptyCounters();
  lastSourceUpdate = 0;
  lastSyncUpdate = 0;
  /** Computed by the tracker from SYNC_REPORTs (§9.7). */
  lastSyncedTimestamp = 0;
  lastHeartBeatTime = 0;

  constructor(id: string, groupName: string, ips: string[]) {
    this.id = id;
    this.groupName = groupName;
    this.ips = ips;
  }

  /** The address it is connected from (`FDFS_CURRENT_IP_ADDR`), used in beat briefs. */
  get currentIp(): string {
    return this.ips[this.ipIndex] ?? this.ips[0] ?? '';
  }

  get canRead(): boolean {
    return (this.rwMode & RwMode.READ) !== 0;
  }

  get canWrite(): boolean {
    return (this.rwMode & RwMode.WRITE) !== 0;
  }

  /** What DELETE_STORAGE wipes (`tracker_mem_clear_storage_fields`, §5.2 cmd 93). */
  clearFields(): void {
    this.pathTotalMb = [];
    this.pathFreeMb = [];
    this.syncSrcId = '';
    this.syncUntilTimestamp = 0;
    this.totalMb = 0;
    this.freeMb = 0;
    this.changelogOffset = 0;
    this.storePathCount = 0;
    this.subdirCountPerPath = 0;
    this.uploadPriority = 0;
    this.currentWritePath = 0;
    this.connection = { allocCount: 0, currentCount: 0, maxCount: 0 };
    this.counters = emptyCounters();
    this.lastSourceUpdate = 0;
    this.lastSyncUpdate = 0;
    this.lastSyncedTimestamp = 0;
    this.lastHeartBeatTime = 0;
  }
}

/** DELETED and IP_CHANGED records are ghosts: kept in memory, never saved (§9.9). */
export function isGone(record: StorageRecord): boolean {
  return record.status === StorageStatus.DELETED || record.status === StorageStatus.IP_CHANGED;
}
