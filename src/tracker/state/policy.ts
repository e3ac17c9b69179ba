// The tracker.conf options that drive the state rules (§3.4, §10.1), already parsed and typed.
import { DEFAULT_RESERVED_MB } from '../../protocol/constants.js';
import type { RwModeValue } from '../../protocol/status.js';
import type { StorageIdEntry as NamedStorageId } from '../../protocol/file-id/file-id.js';
import type { ReservedSpace } from '../../common/config/values.js';

export type { ReservedSpace };

/** One line of storage_ids.conf (§10.4) with its rw mode; the config loader's entries fit it. */
export type StorageIdEntry = NamedStorageId & { readonly rwMode: RwModeValue };

export interface TrackerPolicy {
  /** 0 round robin over groups, 1 the `storeGroup`, 2 the group with the most free space (§9.5). */
  readonly storeLookup: 0 | 1 | 2;
  readonly storeGroup: string;
  /** 0 round robin, 1 first writable by id, 2 lowest upload_priority (§3.4). */
  readonly storeServer: 0 | 1 | 2;
  /** 0 round robin over store paths, 2 the path with the most free space. */
  readonly storePath: 0 | 2;
  /** 0 round robin over storages that have the file, 1 the source storage first (§9.7). */
  readonly downloadServer: 0 | 1;
  readonly reservedSpace: ReservedSpace;
  /** Seconds without a beat before an ACTIVE storage goes OFFLINE (§9.3). */
  readonly checkActiveInterval: number;
  /** §9.7 rule 2: a file older than this is assumed to be everywhere. */
  readonly storageSyncFileMaxDelay: number;
  /** §9.7 rule 4. */
  readonly storageSyncFileMaxTime: number;
  readonly useStorageId: boolean;
  readonly idTypeInFilename: 'ip' | 'id';
  readonly trustStorageServerId: boolean;
  readonly storageIds: readonly StorageIdEntry[];
  /** Trunk mode is a later round; its rules are not implemented here. */
  readonly useTrunkFile: false;
}

export const DEFAULT_POLICY: TrackerPolicy = Object.freeze<TrackerPolicy>({
  storeLookup: 0,
  storeGroup: '',
  storeServer: 0,
  storePath: 0,
  downloadServer: 0,
  reservedSpace: { kind: 'mb', mb: DEFAULT_RESERVED_MB },
  checkActiveInterval: 100,
  storageSyncFileMaxDelay: 86400,
  storageSyncFileMaxTime: 300,
  useStorageId: false,
  idTypeInFilename: 'ip',
  trustStorageServerId: true,
  storageIds: [],
  useTrunkFile: false,
});

/** The defaults of §10.1 overridden by `options`. */
export function makePolicy(options: Partial<TrackerPolicy> = {}): TrackerPolicy {
  const policy = { ...DEFAULT_POLICY, ...options };
  // Without storage ids the tracker forces id_type_in_filename to ip (vectors README, cluster A).
  if (!policy.useStorageId) policy.idTypeInFilename = 'ip';
  return Object.freeze(policy);
}
