// The storage the `storage` scenario drives: a tracker and a storage started here as child
// processes (their RSS and CPU read from /proc, the storage's event-loop delay from its log) with
// every file under one data location, tmpfs or disk; or, with `--tracker host:port`, the storage an
// existing cluster's tracker routes uploads to.
import { accessSync, constants, existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { StorageClient, TrackerClient } from '#src/client/index.js';
import { Cluster } from '../test/support/cluster.js';
import { waitActive, type StorageNode } from '../test/support/cluster-storage.js';
import type { ConfigValues } from '../test/support/cluster-node.js';
import { REPO_ROOT } from '../test/support/paths.js';
import { LOOP_STATS_ENVIRONMENT } from './server-loop.js';

/** Where a storage keeps its files, and what the file system there is. */
export interface DataLocation {
  name: 'tmpfs' | 'disk';
  dir: string;
  /** "tmpfs", "ext4"... from /proc/mounts; "unknown" elsewhere. */
  fsType: string;
  /** The mounted device ("/dev/vda", "tmpfs"). */
  device: string;
}

export interface StorageBenchTarget {
  /** "tmpfs", "disk", or "cluster" (an existing cluster's storage). */
  location: string;
  /** For the notes: where the files go, on what. */
  where: string;
  host: string;
  port: number;
  group: string;
  storePathIndex: number;
  /** The storage's pid when it runs here; else undefined (no RSS, CPU or loop figures). */
  pid: number | undefined;
  /** Its log file, with the event-loop lines, when it runs here. */
  logFile: string | undefined;
  /** Restart the storage with these storage.conf keys (own storages only). */
  reconfigure?(values: ConfigValues): Promise<void>;
  deleteFile(fileId: string): Promise<void>;
  close(): Promise<void>;
}

/** The default disk location: inside the repository (git-ignored), so on the disk it lives on. */
export const DEFAULT_DISK_DIR = join(REPO_ROOT, 'bench', 'results', 'tmp-data');
const SHM = '/dev/shm';

/** /proc/mounts escapes spaces and the like as \ooo. */
const unescapeMount = (s: string): string =>
  s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));

/** The mount holding `dir` (the longest mount point that contains it). */
export function mountOf(dir: string): { fsType: string; device: string } {
  let best = { point: '', fsType: 'unknown', device: 'unknown' };
  try {
    const real = realpathSync(dir);
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [device, point, fsType] = line.split(' ').map(unescapeMount);
      if (!device || !point || !fsType) continue;
      const inside = point === '/' || real === point || real.startsWith(`${point}/`);
      if (inside && point.length >= best.point.length) best = { point, fsType, device };
    }
  } catch {
    /* not Linux: unknown */
  }
  return { fsType: best.fsType, device: best.device };
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** tmpfs (/dev/shm) when there is one, and the disk folder (created if missing). */
export function dataLocations(
  dataDir: string | undefined,
  log: (m: string) => void,
): DataLocation[] {
  const locations: DataLocation[] = [];
  if (existsSync(SHM) && writable(SHM) && mountOf(SHM).fsType === 'tmpfs') {
    locations.push({ name: 'tmpfs', dir: SHM, ...mountOf(SHM) });
  } else {
    log(`storage: no writable tmpfs at ${SHM}: the tmpfs rows are skipped`);
  }
  const disk = dataDir ?? DEFAULT_DISK_DIR;
  mkdirSync(disk, { recursive: true });
  const mount = mountOf(disk);
  if (mount.fsType === 'tmpfs') {
    log(`storage: warning: --data-dir ${disk} is on tmpfs, so the "disk" rows measure memory`);
  }
  locations.push({ name: 'disk', dir: disk, ...mount });
  return locations;
}

function deleter(): {
  deleteFile(host: string, port: number, id: string): Promise<void>;
  close(): Promise<void>;
} {
  const client = new StorageClient({ connectTimeoutMs: 5000, networkTimeoutMs: 60_000 });
  return {
    deleteFile: (host, port, id) => client.deleteFile({ host, port }, id),
    close: () => client.close(),
  };
}

/** A tracker and a storage (log level warn, loop lines on) with their files under `location`. */
export async function startOwnStorage(
  location: DataLocation,
  smoke: boolean,
): Promise<StorageBenchTarget> {
  const cluster = new Cluster(`bench-storage-${location.name}`, location.dir);
  const files = deleter();
  try {
    const tracker = await cluster.startTracker({
      config: { log_level: 'warn', max_connections: 4096, network_timeout: 60 },
    });
    const [storage] = (await cluster.startStorages(1, {
      trackers: [tracker],
      config: {
        log_level: 'warn',
        max_connections: 4096,
        network_timeout: 60,
        // FastDFS's default tree (256 × 256 folders) except in the smoke run, where it takes long.
        subdir_count_per_path: smoke ? 4 : 256,
        // Beats and reports at a production-like pace: the bench measures requests, not them.
        heart_beat_interval: 10,
        stat_report_interval: 10,
      },
      env: LOOP_STATS_ENVIRONMENT,
      activeTimeoutMs: 120_000,
    })) as [StorageNode];
    const target: StorageBenchTarget = {
      location: location.name,
      where: `${cluster.root} (${location.fsType} on ${location.device})`,
      host: storage.host,
      port: storage.port,
      group: storage.group,
      storePathIndex: 0,
      pid: storage.pid,
      logFile: storage.logFile,
      reconfigure: async (values) => {
        storage.configure(values);
        await storage.restart();
        await waitActive(tracker, [storage], 60_000);
        target.pid = storage.pid;
      },
      deleteFile: (id) => files.deleteFile(storage.host, storage.port, id),
      close: async () => {
        await files.close();
        await cluster.destroy();
      },
    };
    return target;
  } catch (err) {
    await files.close();
    await cluster.destroy();
    throw err;
  }
}

/** "host:port" of a tracker → the storage it routes uploads to. */
export async function useExistingCluster(address: string): Promise<StorageBenchTarget> {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  if (!m || isIP(m[1]!) === 0) throw new Error(`--tracker ${address}: expected ip:port`);
  const tracker = new TrackerClient({ trackers: [{ host: m[1]!, port: Number(m[2]) }] });
  const target = await tracker.queryStore().finally(() => tracker.close());
  const files = deleter();
  return {
    location: 'cluster',
    where: `the storage ${target.host}:${target.port} that the tracker ${address} chose`,
    host: target.host,
    port: target.port,
    group: target.groupName,
    storePathIndex: target.storePathIndex ?? 0,
    pid: undefined,
    logFile: undefined,
    deleteFile: (id) => files.deleteFile(target.host, target.port, id),
    close: () => files.close(),
  };
}
