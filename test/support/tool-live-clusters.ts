// Live clusters of ours shaped like the recorder's (test/vectors/README.md): cluster A (one
// tracker, storages with two store paths in group1, without storage ids) and cluster B (storage
// ids, two trackers, group1 = 100001 [+ 100002], group2 = 100003), with a folder of the
// recording's client configs pointing at them.
import { StorageStatus } from '#src/protocol/status.js';
import type { Cluster } from './cluster.js';
import type { ConfigValues } from './cluster-node.js';
import { waitActive, waitListed, writeStorageIds, type StorageNode } from './cluster-storage.js';
import type { TrackerNode } from './cluster-tracker.js';
import { finishFullCopy } from './recovery-support.js';
import { liveFolder } from './tool-live.js';

export interface ToolCluster {
  trackers: TrackerNode[];
  storages: StorageNode[];
  /** The run folder (local files, client configs with our addresses). */
  dir: string;
  remove: () => void;
}

/**
 * A storage that joins a group which already has an ACTIVE storage: it waits in WAIT_SYNC until
 * its §8.7 full copy is reported done (finishFullCopy), then turns ACTIVE.
 */
export async function joinGroup(trackers: TrackerNode[], storage: StorageNode): Promise<void> {
  const tracker = trackers[0]!;
  await waitListed(tracker, [storage], [StorageStatus.WAIT_SYNC, StorageStatus.ACTIVE]);
  await finishFullCopy(tracker, storage);
  for (const t of trackers) await waitActive(t, [storage]);
}

/** Cluster A: one tracker (`trackerConfig` added), one or two storages of group1. */
export async function startClusterA(
  cluster: Cluster,
  options: { pair?: boolean; trackerConfig?: ConfigValues } = {},
): Promise<ToolCluster> {
  const tracker = await cluster.startTracker({ config: options.trackerConfig ?? {} });
  const trackers = [tracker];
  const start = (): Promise<StorageNode> =>
    cluster.startStorage({ trackers: [tracker], storePathCount: 2 });
  const first = await start();
  await waitActive(tracker, [first]);
  const storages = [first];
  if (options.pair) {
    const second = await start();
    await joinGroup(trackers, second);
    storages.push(second);
  }
  const addresses: Record<string, string> = { '127.0.0.11:22200': tracker.address };
  storages.forEach((s, i) => (addresses[`127.0.0.1${i + 2}:23200`] = s.address));
  return { trackers, storages, ...liveFolder('A', addresses) };
}

/** The recorded cluster B's storages: id, group, recorded address. */
const B_STORAGES = [
  { id: '100001', group: 'group1', recorded: '127.0.0.22:23300' },
  { id: '100003', group: 'group2', recorded: '127.0.0.25:23300' },
  { id: '100002', group: 'group1', recorded: '127.0.0.23:23300' },
] as const;

/**
 * Cluster B: two trackers (use_storage_id, id_type_in_filename = id unless `trackerConfig` says
 * otherwise, round-robin groups), 100001 in group1 and 100003 in group2, both ACTIVE on both
 * trackers; with `second`, 100002 joins group1 after them. `storages` is in B_STORAGES order.
 */
export async function startClusterB(
  cluster: Cluster,
  options: { second?: boolean; trackerConfig?: ConfigValues } = {},
): Promise<ToolCluster> {
  const count = options.second ? 3 : 2;
  const hosts = B_STORAGES.slice(0, count).map(() => cluster.allocateHost());
  const groupPort = { group1: await cluster.freePort(hosts[0]!), group2: 0 };
  groupPort.group2 = await cluster.freePort(hosts[1]!);
  const lines = B_STORAGES.slice(0, count).map((s, i) => ({
    id: s.id,
    group: s.group,
    host: hosts[i]!,
    port: groupPort[s.group],
  }));
  const idsFile = writeStorageIds(cluster, lines);
  const config: ConfigValues = {
    use_storage_id: true,
    storage_ids_filename: idsFile,
    id_type_in_filename: 'id',
    store_lookup: 0,
    ...options.trackerConfig,
  };
  const trackers = [await cluster.startTracker({ config }), await cluster.startTracker({ config })];
  const start = (i: number): Promise<StorageNode> =>
    cluster.startStorage({
      trackers,
      host: lines[i]!.host,
      port: lines[i]!.port,
      group: lines[i]!.group,
    });
  const storages = [await start(0), await start(1)];
  for (const t of trackers) {
    await waitActive(t, [storages[0]!]);
    await waitActive(t, [storages[1]!]);
  }
  if (options.second) {
    storages.push(await start(2));
    await joinGroup(trackers, storages[2]!);
  }
  const addresses: Record<string, string> = {
    '127.0.0.21:22300': trackers[0]!.address,
    '127.0.0.24:22300': trackers[1]!.address,
  };
  B_STORAGES.forEach((s, i) => {
    if (storages[i]) addresses[s.recorded] = storages[i]!.address;
  });
  return { trackers, storages, ...liveFolder('B', addresses) };
}
