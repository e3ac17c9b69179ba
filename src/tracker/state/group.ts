// One group (`FDFSGroupInfo`): its members, the readable and writable lists and the round-robin
// indexes of the selection rules.
import { StorageStatus } from '../../protocol/status.js';
import type { StorageRecord } from './storage-record.js';

function byId(a: StorageRecord, b: StorageRecord): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export class GroupRecord {
  readonly name: string;
  /** The group port; −1 when members use different ports (§9.1 step 5). */
  storagePort = 0;
  storePathCount = 0;
  subdirCountPerPath = 0;
  currentTrunkFileId = 0;
  trunkServerId = '';
  lastTrunkServerId = '';
  /** Those of the writable storage with the least free space (§9.4). */
  totalMb = 0;
  freeMb = 0;
  trunkFreeMb = 0;
  currentWriteServer = 0;
  currentReadServer = 0;
  /** Raised on every membership or status change of a member (beat flag bit2, §5.3). */
  changeCount = 0;
  /** Members in record (insertion) order: the order of the sync timestamp matrix (§9.9). */
  readonly records = new Map<string, StorageRecord>();
  /** Members sorted by id. */
  sorted: StorageRecord[] = [];
  /** ACTIVE members that may be read from / written to, sorted by id (§9.2). */
  readable: StorageRecord[] = [];
  writable: StorageRecord[] = [];
  /** The first writable storage, or the one with the lowest upload_priority (store_server 2). */
  storeServer: StorageRecord | null = null;
  /** last_sync_timestamps[src][dest]: dest has every change of src up to this time (cmd 89). */
  readonly syncTimestamps = new Map<string, Map<string, number>>();

  constructor(name: string) {
    this.name = name;
  }

  get(id: string): StorageRecord | undefined {
    return this.records.get(id);
  }

  add(record: StorageRecord): void {
    this.records.set(record.id, record);
    this.sorted = [...this.records.values()].sort(byId);
  }

  /** Puts `record` in the place of the member `oldId` (record order matters, §9.9). */
  replace(oldId: string, record: StorageRecord): void {
    const entries = [...this.records].map(([id, r]): [string, StorageRecord] =>
      id === oldId ? [record.id, record] : [id, r],
    );
    this.records.clear();
    for (const [id, r] of entries) this.records.set(id, r);
    this.sorted = [...this.records.values()].sort(byId);
  }

  /**
   * Rebuilds the readable/writable lists from the statuses, so that they hold exactly the ACTIVE
   * members; then the store server (`tracker_mem_find_store_server`) and the group's space (§9.4).
   */
  refreshLists(lowestPriorityFirst: boolean): void {
    const active = this.sorted.filter((r) => r.status === StorageStatus.ACTIVE);
    this.readable = active.filter((r) => r.canRead);
    this.writable = active.filter((r) => r.canWrite);
    let store: StorageRecord | null = this.writable[0] ?? null;
    if (lowestPriorityFirst) {
      for (const r of this.writable)
        if (store && r.uploadPriority < store.uploadPriority) store = r;
    }
    this.storeServer = store;
    this.recomputeSpace();
  }

  /** Total/free of the writable storage with the least free space; kept as is when none is writable. */
  recomputeSpace(): void {
    let min: StorageRecord | undefined;
    for (const r of this.writable) if (!min || r.freeMb < min.freeMb) min = r;
    if (min) {
      this.totalMb = min.totalMb;
      this.freeMb = min.freeMb;
    }
  }
}
