// Live clusters of ours shaped like the recorder's (test/vectors/README.md): cluster A (one
// tracker, storages with two store paths in group1, without storage ids) and cluster B (storage
// ids, two trackers, group1 = 100001 [+ 100002], group2 = 100003), with a folder of the
// recording's client configs pointing at them.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster } from './cluster.js';
import type { ConfigValues } from './cluster-node.js';
import { groupMembers, waitActive, writeStorageIds, type StorageNode } from './cluster-storage.js';
import type { TrackerNode } from './cluster-tracker.js';
import { liveFolder } from './tool-live.js';
import { connectTracker, queryStore } from './tracker-queries.js';

export interface ToolCluster {
  trackers: TrackerNode[];
  storages: StorageNode[];
  /** The run folder (local files, client configs with our addresses). */
  dir: string;
  remove: () => void;
}

/**
 * A storage that joins a group which already has an ACTIVE storage: it waits in WAIT_SYNC until
 * its source's §8.7 full copy is done (reported to every tracker), then turns ACTIVE.
 */
export async function joinGroup(trackers: TrackerNode[], storage: StorageNode): Promise<void> {
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
 * trackers. `joinSecond` starts 100002, which joins group1 (at once with `second`). `storages`
 * is in B_STORAGES order.
 */
export async function startClusterB(
  cluster: Cluster,
  options: { second?: boolean; trackerConfig?: ConfigValues } = {},
): Promise<ToolCluster & { joinSecond: () => Promise<StorageNode> }> {
  const hosts = B_STORAGES.map(() => cluster.allocateHost());
  const groupPort = { group1: await cluster.freePort(hosts[0]!), group2: 0 };
  groupPort.group2 = await cluster.freePort(hosts[1]!);
  const lines = B_STORAGES.map((s, i) => ({
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
  const joinSecond = async (): Promise<StorageNode> => {
    const second = await start(2);
    storages.push(second);
    await joinGroup(trackers, second);
    return second;
  };
  if (options.second) await joinSecond();
  const addresses: Record<string, string> = {
    '127.0.0.21:22300': trackers[0]!.address,
    '127.0.0.24:22300': trackers[1]!.address,
  };
  B_STORAGES.forEach((s, i) => (addresses[s.recorded] = `${lines[i]!.host}:${lines[i]!.port}`));
  return { trackers, storages, joinSecond, ...liveFolder('B', addresses) };
}

/**
 * Put a round-robin tracker (store_lookup = 0, store_server = 0) where the recorder's was: its next
 * upload without a group goes to `group` (and, with `storage`, to that storage of the group).
 * Which group and storage a round-robin tracker picks depends on every earlier query of the
 * cluster's life (§9.5), the recorder's file-ids uploads included; each QUERY_STORE answer moves
 * the turn on, so we ask until the answer is the one before the wanted (two groups, two storages).
 */
export async function steerUploads(
  tracker: TrackerNode,
  group: string,
  storage?: StorageNode,
): Promise<void> {
  // A storage of the group that is not ACTIVE at this tracker for a moment (seen once under a
  // loaded full run, cause not found) leaves the turn with one storage: wait for it, and say so.
  const deadline = Date.now() + 30_000;
  for (let attempt = 1; ; attempt++) {
    const problem = await steerOnce(tracker, group, storage);
    if (problem === undefined) return;
    const statuses = (await groupMembers(tracker, group).catch(() => []))
      .map((m) => `${m.ipAddr}:${m.storagePort} status ${m.status}`)
      .join(', ');
    if (Date.now() > deadline) throw new Error(`${problem} (it lists ${statuses})`);
    console.log(`# steerUploads: ${problem}, attempt ${attempt}; the tracker lists ${statuses}`);
    await sleep(500);
  }
}

/** One steering attempt; what went wrong, or undefined when the next upload goes where wanted. */
async function steerOnce(
  tracker: TrackerNode,
  group: string,
  storage: StorageNode | undefined,
): Promise<string | undefined> {
  const conn = await connectTracker(tracker.host, tracker.port);
  try {
    let probes = 0;
    while ((await queryStore(conn)).groupName === group) {
      if (++probes > 3) return `the tracker does not alternate groups (${group})`;
    }
    if (storage === undefined) return undefined;
    // Named-group queries (104) move the group's storage turn only, not the group turn.
    probes = 0;
    for (;;) {
      const at = await queryStore(conn, group);
      if (at.ip !== storage.host || at.port !== storage.port) return undefined;
      if (++probes > 3) return `the tracker does not alternate storages of ${group}`;
    }
  } finally {
    conn.destroy();
  }
}
