// Helpers of the disk-recovery end-to-end test (§8.8): a second storage of a group made ACTIVE
// without push replication, a test-side content model, and the recovery lines of a storage log.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { FramedConnection } from '#src/common/connection.js';
import { TrackerCommand } from '#src/protocol/commands.js';
import { encodeReportStatusRequest } from '#src/protocol/messages/tracker-reports.js';
import { StorageStatus } from '#src/protocol/status.js';
import type { StorageAddress } from '#src/client/index.js';
import type { ConfigValues } from './cluster-node.js';
import type { Cluster } from './cluster.js';
import {
  groupMembers,
  waitActive,
  waitListed,
  type StorageNode,
  type TrackerAddress,
} from './cluster-storage.js';
import type { TrackerNode } from './cluster-tracker.js';

/**
 * A group of two storages, A then B, both ACTIVE: A starts alone, B joins the group with A, and
 * B's full copy is reported done (finishFullCopy), as the tests of replication and recovery need.
 */
export async function startStoragePair(
  cluster: Cluster,
  tracker: TrackerNode,
  config?: ConfigValues,
): Promise<{ a: StorageNode; b: StorageNode }> {
  const a = await cluster.startStorage({ trackers: [tracker], ...(config ? { config } : {}) });
  await waitActive(tracker, [a]);
  const b = await cluster.startStorage({ trackers: [tracker], ...(config ? { config } : {}) });
  await waitListed(tracker, [b], [StorageStatus.WAIT_SYNC, StorageStatus.ACTIVE]);
  await finishFullCopy(tracker, b);
  await waitActive(tracker, [a, b]);
  return { a, b };
}

/** A storage node's address, for StorageClient calls. */
export function addressOf(s: StorageNode): StorageAddress {
  return { host: s.host, port: s.port };
}

/**
 * The source's half of §8.7 step 4, for a storage waiting in WAIT_SYNC: REPORT_STATUS (76)
 * SYNCING, then OFFLINE, as the designated source reports when its full copy is done. Its next
 * beat then makes it ACTIVE (§9.2). Sent only while it still waits (push sync may do it first).
 */
export async function finishFullCopy(tracker: TrackerAddress, storage: StorageNode): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const members = await groupMembers(tracker, storage.group);
    const me = members.find((m) => m.ipAddr === storage.host && m.storagePort === storage.port);
    if (me && me.status !== StorageStatus.WAIT_SYNC && me.status !== StorageStatus.SYNCING) {
      if (me.status !== StorageStatus.INIT) return;
    }
    if (me && (me.status === StorageStatus.WAIT_SYNC || me.status === StorageStatus.SYNCING)) {
      for (const status of [StorageStatus.SYNCING, StorageStatus.OFFLINE]) {
        await reportStatus(tracker, storage.group, { id: me.id, ip: me.ipAddr, status });
      }
      return;
    }
    if (Date.now() > deadline) throw new Error(`${storage.name} never waited for its full copy`);
    await sleep(100);
  }
}

async function reportStatus(
  tracker: TrackerAddress,
  groupName: string,
  s: { id: string; ip: string; status: number },
): Promise<void> {
  const conn = await FramedConnection.connect({
    host: tracker.host,
    port: tracker.port,
    connectTimeoutMs: 2000,
    networkTimeoutMs: 5000,
  });
  try {
    await conn.request({
      cmd: TrackerCommand.STORAGE_REPORT_STATUS,
      body: encodeReportStatusRequest({
        groupName,
        brief: { id: s.id, ipAddr: s.ip, port: 0, status: s.status },
      }),
      reply: { kind: 'whole', maxLength: 1024 },
    });
  } finally {
    conn.destroy();
  }
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
