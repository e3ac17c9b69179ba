// What the state hands out: addresses for clients and read-only looks at groups and storages.
import type { GroupRecord } from './group.js';
import type { StorageRecord } from './storage-record.js';

/** Where a client should go: a storage's id and the address/port to connect to. */
export interface StorageAddress {
  id: string;
  ip: string;
  port: number;
}

/** The answer to QUERY_STORE: one storage (101/104) or every writable one (106/107). */
export interface StoreTarget {
  groupName: string;
  storages: StorageAddress[];
  storePathIndex: number;
}

export interface StoreQuery {
  /** 104/107: the group named in the request. */
  groupName?: string;
  /** 106/107: every writable storage. */
  all?: boolean;
  /** The client's IP, to pick inner or outer addresses (§9.10). */
  requesterIp?: string;
}

export type StorageView = Readonly<StorageRecord>;

/** A read-only look at a group, for tools and tests. */
export interface GroupView {
  name: string;
  storagePort: number;
  storePathCount: number;
  subdirCountPerPath: number;
  /** The group's trunk file id (TRUNK_FETCH_FID 72 answers it even with trunk off). */
  currentTrunkFileId: number;
  totalMb: number;
  freeMb: number;
  changeCount: number;
  currentWriteServer: number;
  currentReadServer: number;
  storeServerId: string;
  readableIds: string[];
  writableIds: string[];
  /** Sorted by id. */
  storages: readonly StorageView[];
}

export function groupView(g: GroupRecord): GroupView {
  return {
    name: g.name,
    storagePort: g.storagePort,
    storePathCount: g.storePathCount,
    subdirCountPerPath: g.subdirCountPerPath,
    currentTrunkFileId: g.currentTrunkFileId,
    totalMb: g.totalMb,
    freeMb: g.freeMb,
    changeCount: g.changeCount,
    currentWriteServer: g.currentWriteServer,
    currentReadServer: g.currentReadServer,
    storeServerId: g.storeServer?.id ?? '',
    readableIds: g.readable.map((r) => r.id),
    writableIds: g.writable.map((r) => r.id),
    storages: [...g.sorted],
  };
}
