// A live TrackerServer and StorageServer in this process, on 127.0.0.1 with ports chosen by the
// system and temporary base paths: the storage's tracker_server points at the tracker, and
// `started()` resolves once the tracker calls the storage ACTIVE (§9.13).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseStorageConfig,
  parseTrackerConfig,
  type StorageConfig,
  type TrackerConfig,
} from '#src/common/config/index.js';
import { TrackerClient } from '#src/client/index.js';
import { StorageStatus } from '#src/protocol/status.js';
import { StorageServer } from '#src/storage/index.js';
import { TrackerServer } from '#src/tracker/index.js';

export const HOST = '127.0.0.1';
export const GROUP = 'group1';

export interface NodeOptions {
  /** Extra tracker.conf lines. */
  tracker?: string;
  /** Extra storage.conf lines. */
  storage?: string;
  storePathCount?: number;
}

export interface LiveNodes {
  dir: string;
  tracker: TrackerServer;
  storage: StorageServer;
  trackerPort: number;
  storagePort: number;
  storageConfig: StorageConfig;
  close(): Promise<void>;
}

/** Resolve when `storage` reports `status` (from any tracker), reject after `timeoutMs`. */
export function whenStatus(
  storage: StorageServer,
  status: number,
  timeoutMs: number,
): Promise<void> {
  if (storage.host?.status === status) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      storage.off('status', onStatus);
      reject(
        new Error(`storage not ${status} within ${timeoutMs} ms (is ${storage.host?.status})`),
      );
    }, timeoutMs);
    const onStatus = (s: number): void => {
      if (s !== status) return;
      clearTimeout(timer);
      storage.off('status', onStatus);
      resolve();
    };
    storage.on('status', onStatus);
  });
}

/** Wait until the tracker answers QUERY_STORE (it needs the storage's first REPORT_DISK_USAGE). */
async function untilUploadsRoute(trackerPort: number, timeoutMs: number): Promise<void> {
  const client = new TrackerClient({ trackers: [{ host: HOST, port: trackerPort }] });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await client.queryStore();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } finally {
    await client.close();
  }
}

/** Start a tracker, then a storage of group1 that joins it; wait until it is ACTIVE. */
export async function startNodes(options: NodeOptions = {}): Promise<LiveNodes> {
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-storage-node-'));
  let tracker: TrackerServer | undefined;
  let storage: StorageServer | undefined;
  try {
    const trackerText = [
      `base_path = ${join(dir, 'tracker')}`,
      `bind_addr = ${HOST}`,
      'port = 22122',
      'reserved_storage_space = 1MB',
      options.tracker ?? '',
    ].join('\n');
    const trackerConfig: TrackerConfig = {
      ...parseTrackerConfig(trackerText, { file: join(dir, 'tracker.conf') }),
      port: 0,
    };
    tracker = new TrackerServer(trackerConfig);
    const trackerPort = (await tracker.listen()).port;
    const count = options.storePathCount ?? 1;
    const storageText = [
      `group_name = ${GROUP}`,
      `bind_addr = ${HOST}`,
      'port = 23000',
      `base_path = ${join(dir, 'storage')}`,
      `store_path_count = ${count}`,
      ...Array.from({ length: count }, (_, i) => `store_path${i} = ${join(dir, `store${i}`)}`),
      'subdir_count_per_path = 4',
      `tracker_server = ${HOST}:${trackerPort}`,
      'heart_beat_interval = 1',
      'stat_report_interval = 1',
      'connect_timeout = 2',
      'network_timeout = 10',
      options.storage ?? '',
    ].join('\n');
    const storageConfig: StorageConfig = {
      ...parseStorageConfig(storageText, { file: join(dir, 'storage.conf') }),
      port: 0,
    };
    storage = new StorageServer(storageConfig);
    const active = whenStatus(storage, StorageStatus.ACTIVE, 20_000);
    const storagePort = (await storage.listen()).port;
    await active;
    await untilUploadsRoute(trackerPort, 20_000);
    const t = tracker;
    const s = storage;
    return {
      dir,
      tracker: t,
      storage: s,
      trackerPort,
      storagePort,
      storageConfig,
      close: async () => {
        await s.close();
        await t.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await storage?.close();
    await tracker?.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
