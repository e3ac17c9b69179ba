// The tracker of the end-to-end harness: its generated tracker.conf, its command line
// (`node dist/tracker/main.js <conf> start`, or `node dist/cli/fdfs.js tracker --config <conf>
// --foreground`), its readiness probe (ACTIVE_TEST answers) and its restarts on the same base path.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FramedConnection } from '#src/common/connection.js';
import type { Cluster, ClusterNode } from './cluster.js';
import { ManagedProcess, type ExitStatus } from './managed-process.js';
import { DIST_DIR } from './paths.js';

export const TRACKERD_MAIN = join(DIST_DIR, 'tracker', 'main.js');
export const FDFS_CLI = join(DIST_DIR, 'cli', 'fdfs.js');

export type ConfigValues = Record<string, string | number | boolean>;

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

export function trackerConfigText(values: ConfigValues): string {
  return `${Object.entries(values)
    .map(([k, v]) => `${k} = ${String(v)}`)
    .join('\n')}\n`;
}

/** Start attempts when the port chosen turns out to be taken meanwhile. */
const PORT_ATTEMPTS = 3;

export class TrackerNode implements ClusterNode {
  readonly name: string;
  readonly host: string;
  port: number;
  readonly basePath: string;
  readonly configPath: string;
  /** The current process; a new one after each start. */
  process: ManagedProcess | undefined;
  private readonly previous: ManagedProcess[] = [];

  constructor(
    private readonly cluster: Cluster,
    private readonly options: TrackerNodeOptions & { name: string; host: string; port: number },
  ) {
    this.name = options.name;
    this.host = options.host;
    this.port = options.port;
    const dir = cluster.nodeDir(this.name);
    this.basePath = join(dir, 'base');
    this.configPath = join(dir, 'tracker.conf');
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

  /** host:port, as storages list their trackers. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get pid(): number {
    return this.process?.pid ?? -1;
  }

  writeConfig(): void {
    const values: ConfigValues = {
      ...DEFAULT_CONFIG,
      base_path: this.basePath,
      bind_addr: this.host,
      port: this.port,
      ...this.options.config,
    };
    writeFileSync(this.configPath, trackerConfigText(values));
  }

  private spawn(): ManagedProcess {
    const args =
      this.options.launcher === 'fdfs'
        ? [FDFS_CLI, 'tracker', '--config', this.configPath, '--foreground']
        : [TRACKERD_MAIN, this.configPath, 'start'];
    const proc = new ManagedProcess(this.name, { args, logFiles: [this.logFile] });
    if (this.process) this.previous.push(this.process);
    this.process = proc;
    return proc;
  }

  /** Spawn the process and wait until it answers. A port taken meanwhile is replaced (first start only). */
  async start(): Promise<void> {
    if (this.process?.running) throw new Error(`${this.name} is already running`);
    const pickPort = this.port === 0;
    for (let attempt = 1; ; attempt++) {
      if (pickPort) this.port = await this.cluster.freePort(this.host);
      this.writeConfig();
      const proc = this.spawn();
      try {
        await this.waitReady();
        return;
      } catch (err) {
        const portTaken = !proc.running && /EADDRINUSE/.test(proc.logs());
        if (!(pickPort && portTaken && attempt < PORT_ATTEMPTS)) throw err;
      }
    }
  }

  /** Poll ACTIVE_TEST until it answers, the process exits, or the time is up. */
  async waitReady(timeoutMs = this.options.readyTimeoutMs ?? 20_000): Promise<void> {
    const proc = this.process;
    if (!proc) throw new Error(`${this.name} was never started`);
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (!proc.running) throw new Error(`${this.name} exited while starting\n${proc.logs()}`);
      try {
        const conn = await FramedConnection.connect({
          host: this.host,
          port: this.port,
          connectTimeoutMs: 1000,
          networkTimeoutMs: 2000,
        });
        try {
          await conn.activeTest();
          return;
        } finally {
          conn.destroy();
        }
      } catch (err) {
        lastError = err;
      }
      await sleep(50);
    }
    throw new Error(
      `${this.name} did not answer ACTIVE_TEST within ${timeoutMs} ms (${String(lastError)})\n${proc.logs()}`,
    );
  }

  /** SIGTERM: the tracker saves its state and exits 0. */
  async stop(): Promise<ExitStatus> {
    if (!this.process) throw new Error(`${this.name} was never started`);
    return this.process.stop();
  }

  /** SIGKILL: no chance to save anything. */
  async kill(): Promise<ExitStatus> {
    if (!this.process) throw new Error(`${this.name} was never started`);
    return this.process.kill();
  }

  pause(): void {
    this.process?.pause();
  }

  resume(): void {
    this.process?.resume();
  }

  /** Stop (SIGTERM) if running, then start again on the same base path, address and port. */
  async restart(): Promise<void> {
    if (this.process?.running) await this.stop();
    await this.start();
  }

  /** Output of every process this node ran; the shared log file once, with the last one. */
  logs(): string {
    const all = [...this.previous, ...(this.process ? [this.process] : [])];
    return all.map((p, i) => p.logs(i === all.length - 1)).join('\n');
  }

  async destroy(): Promise<void> {
    await this.process?.kill();
  }
}
