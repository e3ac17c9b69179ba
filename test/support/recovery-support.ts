// Helpers of the replication and disk-recovery end-to-end tests (§8.7, §8.8): a group of two
// ACTIVE storages, and the recovery lines of a storage log.
import { readFileSync } from 'node:fs';
import type { StorageAddress } from '#src/client/index.js';
import type { ConfigValues } from './cluster-node.js';
import type { Cluster } from './cluster.js';
import { waitActive, type StorageNode } from './cluster-storage.js';
import type { TrackerNode } from './cluster-tracker.js';

/**
 * A group of two storages, A then B, both ACTIVE: A starts alone, B joins the group with A and
 * goes ACTIVE once A's full copy to it is done (§8.7), as the tests of replication and recovery
 * need.
 */
export async function startStoragePair(
  cluster: Cluster,
  tracker: TrackerNode,
  config?: ConfigValues,
): Promise<{ a: StorageNode; b: StorageNode }> {
  const a = await cluster.startStorage({ trackers: [tracker], ...(config ? { config } : {}) });
  await waitActive(tracker, [a]);
  const b = await cluster.startStorage({ trackers: [tracker], ...(config ? { config } : {}) });
  // §8.7: A, B's designated source, copies to it and reports it SYNCING, then OFFLINE; B's next
  // beat makes it ACTIVE.
  await waitActive(tracker, [a, b]);
  return { a, b };
}

/** A storage node's address, for StorageClient calls. */
export function addressOf(s: StorageNode): StorageAddress {
  return { host: s.host, port: s.port };
}

/** The JSON log records of a storage whose `msg` starts with `prefix`. */
export function logRecords(storage: StorageNode, prefix: string): Record<string, unknown>[] {
  let text: string;
  try {
    text = readFileSync(storage.logFile, 'utf8');
  } catch {
    return [];
  }
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const rec = JSON.parse(line) as Record<string, unknown>;
      if (typeof rec['msg'] === 'string' && rec['msg'].startsWith(prefix)) out.push(rec);
    } catch {
      // not a JSON record
    }
  }
  return out;
}
