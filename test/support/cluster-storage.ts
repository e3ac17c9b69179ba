// The storage of the end-to-end harness: its generated storage.conf (its own base path and store
// paths under the cluster's folder, tracker_server pointing at the cluster's trackers), its
// command line (`node dist/storage/main.js <conf> start`, or `node dist/cli/fdfs.js storage
// --config <conf> --foreground`), and the wait until the trackers call storages ACTIVE (§9.13).
// Readiness of the process (ACTIVE_TEST answers), signals and restarts are cluster-node.ts's.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StorageStatus } from '#src/protocol/status.js';
import type { StorageStat } from '#src/protocol/structs/index.js';
import type { Cluster } from './cluster.js';
import { FDFS_CLI, ServerNode, type ConfigValues } from './cluster-node.js';
import { DIST_DIR } from './paths.js';
import { connectTracker, listStorages, queryStore } from './tracker-queries.js';

export const STORAGED_MAIN = join(DIST_DIR, 'storage', 'main.js');

/** A tracker the storage reports to: a TrackerNode, or any host and port. */
export interface TrackerAddress {
  host: string;
  port: number;
}

export interface StorageNodeOptions {
  name?: string;
  /** Loopback address to bind; a fresh 127.0.0.x by default. */
  host?: string;
  /**
   * The port. By default the storages of a group share one (as FastDFS expects), found free when
   * the group's first storage starts.
   */
  port?: number;
  /** group_name (default group1). */
  group?: string;
  /** The trackers of tracker_server (required: at least one). */
  trackers: readonly TrackerAddress[];
  /** store_path_count (default 1): store_path0..N-1 are folders of their own, not base_path. */
  storePathCount?: number;
  /** `storaged` (default): fdfs_storaged <conf> start, logging to its log file. `fdfs`: fdfs storage --foreground. */
  launcher?: 'storaged' | 'fdfs';
  /** storage.conf keys added to (or replacing) the defaults below. */
  config?: ConfigValues;
  readyTimeoutMs?: number;
  /** Extra environment of the process (e.g. FDFS_LOOP_STATS_MS). */
  env?: Record<string, string>;
}

/** Defaults for tests: quick beats and reports, small trees, quick timeouts. */
const DEFAULT_CONFIG: ConfigValues = {
  connect_timeout: 2,
  network_timeout: 10,
  heart_beat_interval: 1,
  stat_report_interval: 1,
  subdir_count_per_path: 4,
  log_level: 'info',
  max_connections: 1024,
};

export class StorageNode extends ServerNode {
  readonly group: string;
  readonly basePath: string;
  /** store_path0..N-1. */
  readonly storePaths: readonly string[];
  /** Keys set by configure(), over the options' config. */
  private readonly changes: ConfigValues = {};

  constructor(
    cluster: Cluster,
    private readonly options: StorageNodeOptions & { name: string; host: string; port: number },
  ) {
    super(cluster, options, 'storage.conf');
    if (options.trackers.length === 0) throw new Error(`${this.name}: no tracker to report to`);
    this.group = options.group ?? 'group1';
    const dir = cluster.nodeDir(this.name);
    this.basePath = join(dir, 'base');
    this.storePaths = Array.from({ length: options.storePathCount ?? 1 }, (_, i) =>
      join(dir, `store${i}`),
    );
    for (const path of [this.basePath, ...this.storePaths]) mkdirSync(path, { recursive: true });
  }

  get pidFile(): string {
    return join(this.basePath, 'data', 'fdfs_storaged.pid');
  }

  get logFile(): string {
    return join(this.basePath, 'logs', 'storaged.log');
  }

  /** `<store_path>/data`: the XX/YY tree. */
  dataDir(storePathIndex = 0): string {
    return join(this.storePaths[storePathIndex]!, 'data');
  }

  /** `<store_path>/data/.tmp`: where uploads stream until their last byte (swept at start-up). */
  tempDir(storePathIndex = 0): string {
    return join(this.dataDir(storePathIndex), '.tmp');
  }

  /** Trackers added to tracker_server for the next start (issue 7 test 5). */
  private readonly addedTrackers: TrackerAddress[] = [];

  /** Report to `tracker` too from the next start on. */
  addTracker(tracker: TrackerAddress): void {
    this.addedTrackers.push(tracker);
  }

  /** storage.conf keys for the next start (e.g. fsync_binlog before a restart). */
  configure(values: ConfigValues): void {
    Object.assign(this.changes, values);
  }

  protected configValues(): ConfigValues {
    const values: ConfigValues = {
      ...DEFAULT_CONFIG,
      group_name: this.group,
      base_path: this.basePath,
      bind_addr: this.host,
      port: this.port,
      store_path_count: this.storePaths.length,
    };
    this.storePaths.forEach((path, i) => (values[`store_path${i}`] = path));
    Object.assign(values, this.options.config, this.changes);
    // tracker_server repeats, so it cannot be a key of `values`: written after, one line each.
    return values;
  }

  override writeConfig(): void {
    super.writeConfig();
    const trackers = [...this.options.trackers, ...this.addedTrackers];
    const lines = trackers.map((t) => `tracker_server = ${t.host}:${t.port}\n`);
    appendFileSync(this.configPath, lines.join(''));
  }

  protected commandLine(): string[] {
    return this.options.launcher === 'fdfs'
      ? [FDFS_CLI, 'storage', '--config', this.configPath, '--foreground']
      : [STORAGED_MAIN, this.configPath, 'start'];
  }
}

/** What a tracker says about each storage of a group. */
export async function groupMembers(tracker: TrackerAddress, group: string): Promise<StorageStat[]> {
  const conn = await connectTracker(tracker.host, tracker.port);
  try {
    return await listStorages(conn, group);
  } finally {
    conn.destroy();
  }
}

function statusName(status: number): string {
  return Object.entries(StorageStatus).find(([, v]) => v === status)?.[0] ?? String(status);
}

/** A tracker status of each storage, or "listed" for any status at all. */
export type StatusWanted = number | 'listed';

/**
 * Wait until `tracker` lists every storage of `storages` (one group) with a status in `wanted`
 * (ACTIVE by default; "listed": any). With ACTIVE, also until QUERY_STORE for the group answers
 * (the tracker needs a first REPORT_DISK_USAGE for that). Storages are matched by IP and port,
 * which works with and without storage ids.
 */
export async function waitListed(
  tracker: TrackerAddress,
  storages: readonly StorageNode[],
  wanted: readonly StatusWanted[] = [StorageStatus.ACTIVE],
  timeoutMs = 30_000,
): Promise<StorageStat[]> {
  if (storages.length === 0) return [];
  const group = storages[0]!.group;
  const deadline = Date.now() + timeoutMs;
  const fits = (status: number): boolean => wanted.includes('listed') || wanted.includes(status);
  let seen: string;
  for (;;) {
    try {
      const members = await groupMembers(tracker, group);
      seen = members
        .map((m) => `${m.id} ${m.ipAddr}:${m.storagePort} ${statusName(m.status)}`)
        .join(', ');
      const records = storages.map((s) =>
        members.find((m) => m.ipAddr === s.host && m.storagePort === s.port && fits(m.status)),
      );
      if (records.every((r) => r !== undefined)) {
        if (wanted.length === 1 && wanted[0] === StorageStatus.ACTIVE) {
          const conn = await connectTracker(tracker.host, tracker.port);
          await queryStore(conn, group).finally(() => conn.destroy());
        }
        return records as StorageStat[];
      }
    } catch (err) {
      seen = String(err);
    }
    if (Date.now() > deadline) {
      const names = wanted.map((w) => (w === 'listed' ? w : statusName(w))).join(' or ');
      throw new Error(
        `storages ${storages.map((s) => s.address).join(', ')} not all ${names} at ` +
          `${tracker.host}:${tracker.port} within ${timeoutMs} ms (it lists: ${seen || 'none'})`,
      );
    }
    await sleep(100);
  }
}

/** waitListed for ACTIVE, with QUERY_STORE routing to the group. */
export async function waitActive(
  tracker: TrackerAddress,
  storages: readonly StorageNode[],
  timeoutMs = 30_000,
): Promise<void> {
  await waitListed(tracker, storages, [StorageStatus.ACTIVE], timeoutMs);
}

export interface StorageIdLine {
  id: string;
  group: string;
  host: string;
  port: number;
}

/**
 * Write a storage_ids.conf with `<id> <group> <host>:<port>` lines (§10.4, §16 #13: storages of
 * one group on one address told apart by port) under the cluster's folder; returns its path, for
 * the tracker's `storage_ids_filename` with `use_storage_id = true`.
 */
export function writeStorageIds(cluster: Cluster, lines: readonly StorageIdLine[]): string {
  const path = join(cluster.root, 'storage_ids.conf');
  writeFileSync(path, lines.map((l) => `${l.id} ${l.group} ${l.host}:${l.port}\n`).join(''));
  return path;
}
