// The live cluster every interop suite runs a foreign client against: one tracker with
// wire_compat = 6.10 (the reply layouts of the release these clients were written for, which the
// list calls need), group1 with two storages, and group2 with ONE storage, for appender files:
// these clients send append and modify through QUERY_STORE (not QUERY_UPDATE), which in a group
// of two may pick the storage without the file (docs/INTEROP.md).
//
// Until replication is merged a file exists only on the storage that received it; the suites
// check a delete on the file's source storage (the address in the file id), which holds either way.
import { StorageStatus } from '#src/protocol/status.js';
import { decodeFileId } from '#src/protocol/file-id/file-id.js';
import { Cluster } from '../support/cluster.js';
import type { StorageNode } from '../support/cluster-storage.js';
import { waitListed } from '../support/cluster-storage.js';
import type { TrackerNode } from '../support/cluster-tracker.js';

export const GROUP1 = 'group1';
/** The group of one storage, for appender, append and modify. */
export const GROUP2 = 'group2';

export interface InteropCluster {
  cluster: Cluster;
  tracker: TrackerNode;
  group1: readonly StorageNode[];
  group2: StorageNode;
  /** The storage whose address the file id carries (the one that received the upload). */
  sourceOf(fileId: string): StorageNode;
}

export async function startInteropCluster(name: string): Promise<InteropCluster> {
  const cluster = new Cluster(name);
  try {
    const tracker = await cluster.startTracker({ config: { wire_compat: '6.10' } });
    const group1 = await cluster.startStorages(2, {
      trackers: [tracker],
      // Without replication the second storage of a group waits in WAIT_SYNC (§8.7).
      waitFor: [StorageStatus.ACTIVE, StorageStatus.WAIT_SYNC],
    });
    // Uploads route to group1 once its first storage is ACTIVE and has reported its disk.
    await waitListed(tracker, [group1[0]!]);
    const [group2] = await cluster.startStorages(1, { trackers: [tracker], group: GROUP2 });
    const all = [...group1, group2!];
    return {
      cluster,
      tracker,
      group1,
      group2: group2!,
      sourceOf(fileId: string): StorageNode {
        const { groupName, sourceIpAddr } = decodeFileId(fileId);
        const node = all.find((s) => s.group === groupName && s.host === sourceIpAddr);
        if (!node) throw new Error(`no storage of ${groupName} at ${sourceIpAddr} (${fileId})`);
        return node;
      },
    };
  } catch (err) {
    await cluster.destroy();
    throw err;
  }
}

/** Content of `size` bytes that differs at every offset modulo 251 and between seeds. */
export function patterned(size: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed * 7 + (i >> 8)) % 251;
  return out;
}

/** UTF-8 names and values, multi-byte in both. */
export const UTF8_META = { 作者: '张三', 'naïve-κλειδί': 'värde ✓', width: '320' };
