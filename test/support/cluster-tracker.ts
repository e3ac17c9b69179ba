// The tracker of the end-to-end harness: its generated tracker.conf and its command line
// (`node dist/tracker/main.js <conf> start`, or `node dist/cli/fdfs.js tracker --config <conf>
// --foreground`). Readiness, signals and restarts are cluster-node.ts's.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster } from './cluster.js';
import { configText, FDFS_CLI, ServerNode, type ConfigValues } from './cluster-node.js';
import { DIST_DIR } from './paths.js';

export { FDFS_CLI, type ConfigValues } from './cluster-node.js';

export const TRACKERD_MAIN = join(DIST_DIR, 'tracker', 'main.js');

export interface TrackerNodeOptions {
  name?: string;
  /** Loopback address to bind; a fresh 127.0.0.x by default. */
  host?: string;
  /** 0 (default): a free port, found when the node first starts. */
  port?: number;
  /** `trackerd` (default): fdfs_trackerd <conf> start, logging to its log file. `fdfs`: fdfs tracker --foreground. */
  launcher?: 'trackerd' | 'fdfs';
  /** tracker.conf keys added to (or replacing) the defaults below. */
  config?: ConfigValues;
  /** How long start() waits for ACTIVE_TEST to answer. */
  readyTimeoutMs?: number;
  /** Extra environment of the process. */
  env?: Record<string, string>;
}

/** Defaults for tests: quick timeouts, small reserved space (fake storages report small disks). */
const DEFAULT_CONFIG: ConfigValues = {
  connect_timeout: 2,
  network_timeout: 10,
  check_active_interval: 120,
  reserved_storage_space: '1%',
  log_level: 'info',
  max_connections: 1024,
};

export const trackerConfigText = configText;

export class TrackerNode extends ServerNode {
  readonly basePath: string;
  /** Keys set by configure(), over the options' config. */
  private readonly changes: ConfigValues = {};

  constructor(
    cluster: Cluster,
    private readonly options: TrackerNodeOptions & { name: string; host: string; port: number },
  ) {
    super(cluster, options, 'tracker.conf');
    this.basePath = join(cluster.nodeDir(this.name), 'base');
    mkdirSync(this.basePath, { recursive: true });
  }

  get pidFile(): string {
    return join(this.basePath, 'data', 'fdfs_trackerd.pid');
  }

  get logFile(): string {
    return join(this.basePath, 'logs', 'trackerd.log');
  }

  get dataDir(): string {
    return join(this.basePath, 'data');
  }

  /** tracker.conf keys for the next start (e.g. id_type_in_filename before a restart). */
  configure(values: ConfigValues): void {
    Object.assign(this.changes, values);
  }

  protected configValues(): ConfigValues {
    return {
      ...DEFAULT_CONFIG,
      base_path: this.basePath,
      bind_addr: this.host,
      port: this.port,
      ...this.options.config,
      ...this.changes,
    };
  }

  protected commandLine(): string[] {
    return this.options.launcher === 'fdfs'
      ? [FDFS_CLI, 'tracker', '--config', this.configPath, '--foreground']
      : [TRACKERD_MAIN, this.configPath, 'start'];
  }
}
