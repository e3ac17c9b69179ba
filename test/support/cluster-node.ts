// What the harness's trackers and storages have in common: a server process on a loopback address
// and port, started from a generated configuration file, ready once ACTIVE_TEST answers on its
// port; SIGTERM, SIGKILL, SIGSTOP / SIGCONT and restarts on the same base path, address and port.
// cluster-tracker.ts and cluster-storage.ts say what is particular to each.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FramedConnection } from '#src/common/connection.js';
import type { Cluster, ClusterNode } from './cluster.js';
import { ManagedProcess, type ExitStatus } from './managed-process.js';
import { DIST_DIR } from './paths.js';

export const FDFS_CLI = join(DIST_DIR, 'cli', 'fdfs.js');

export type ConfigValues = Record<string, string | number | boolean>;

/** `key = value` lines, in the order given. */
export function configText(values: ConfigValues): string {
  return `${Object.entries(values)
    .map(([k, v]) => `${k} = ${String(v)}`)
    .join('\n')}\n`;
}

export interface ServerNodeOptions {
  name: string;
  host: string;
  /** 0: a free port, found when the node first starts. */
  port: number;
  /** How long start() waits for ACTIVE_TEST to answer (default 20 s). */
  readyTimeoutMs?: number;
  /** Extra environment of the process (e.g. FDFS_LOOP_STATS_MS). */
  env?: Record<string, string>;
}

/** Start attempts when the port chosen turns out to be taken meanwhile. */
const PORT_ATTEMPTS = 3;

export abstract class ServerNode implements ClusterNode {
  readonly name: string;
  readonly host: string;
  port: number;
  readonly configPath: string;
  /** The current process; a new one after each start. */
  process: ManagedProcess | undefined;
  private readonly previous: ManagedProcess[] = [];

  constructor(
    protected readonly cluster: Cluster,
    private readonly serverOptions: ServerNodeOptions,
    configFileName: string,
  ) {
    this.name = serverOptions.name;
    this.host = serverOptions.host;
    this.port = serverOptions.port;
    this.configPath = join(cluster.nodeDir(this.name), configFileName);
  }

  /** The server's log file (under its base path). */
  abstract get logFile(): string;

  /** The configuration, with this.host and this.port. */
  protected abstract configValues(): ConfigValues;

  /** The node arguments that start the server on this.configPath. */
  protected abstract commandLine(): string[];

  /** host:port. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get pid(): number {
    return this.process?.pid ?? -1;
  }

  writeConfig(): void {
    writeFileSync(this.configPath, configText(this.configValues()));
  }

  private spawn(): ManagedProcess {
    const proc = new ManagedProcess(this.name, {
      args: this.commandLine(),
      logFiles: [this.logFile],
      ...(this.serverOptions.env ? { env: this.serverOptions.env } : {}),
    });
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
  async waitReady(timeoutMs = this.serverOptions.readyTimeoutMs ?? 20_000): Promise<void> {
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

  /** SIGTERM: the server saves its state and exits 0. */
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
