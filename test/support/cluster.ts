// The end-to-end harness (STYLE §4, after seaweedfs test/volume_server/framework/cluster.go):
// real server processes on loopback addresses 127.0.0.x, each with its own temporary base path and
// generated configuration. Processes can be SIGKILLed, paused (SIGSTOP / SIGCONT) and restarted;
// their logs are gathered for failure messages; `destroy()` (call it from `after`) removes every
// process and folder, and an exit hook does the same if a test crashes first.
//
// What trackers and storages share is in cluster-node.ts; the tracker specifics live in
// cluster-tracker.ts, the storage specifics in cluster-storage.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  StorageNode,
  waitListed,
  type StatusWanted,
  type StorageNodeOptions,
} from './cluster-storage.js';
import { TrackerNode, type TrackerNodeOptions } from './cluster-tracker.js';

/** A server of the cluster, as the cluster sees it. */
export interface ClusterNode {
  readonly name: string;
  /** Output and log tails, for failure messages. */
  logs(): string;
  /** Kill the process (if any); the cluster removes the folders. */
  destroy(): Promise<void>;
}

const roots = new Set<string>();
let rootHookInstalled = false;

function removeRootsOnExit(): void {
  if (rootHookInstalled) return;
  rootHookInstalled = true;
  process.once('exit', () => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });
}

/** Loopback addresses handed out in this test process: 127.0.0.2, .3, ... (any of 127/8 works on Linux). */
let nextHostOctet = 2;

export class Cluster {
  readonly root: string;
  private readonly nodes: ClusterNode[] = [];
  /** The port the storages of each group share (FastDFS gives a group one storage port). */
  private readonly groupPorts = new Map<string, number>();
  private destroyed = false;

  /** Everything goes in a new folder under `parentDir` (the system's temp folder by default). */
  constructor(name = 'cluster', parentDir = tmpdir()) {
    removeRootsOnExit();
    this.root = mkdtempSync(join(parentDir, `fdfs-${name}-`));
    roots.add(this.root);
  }

  /** A loopback address not yet used by this test process. */
  allocateHost(): string {
    const octet = nextHostOctet;
    nextHostOctet = nextHostOctet >= 254 ? 2 : nextHostOctet + 1;
    return `127.0.0.${octet}`;
  }

  /** A port that was free on `host` a moment ago (bind port 0, read it, close). */
  freePort(host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen({ host, port: 0, exclusive: true }, () => {
        const address = probe.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        probe.close(() => resolve(port));
      });
    });
  }

  /** A folder for one node, under the cluster's root. */
  nodeDir(name: string): string {
    return join(this.root, name);
  }

  add<T extends ClusterNode>(node: T): T {
    if (this.destroyed) throw new Error('the cluster is destroyed');
    this.nodes.push(node);
    return node;
  }

  /** Start a tracker process and wait until it answers ACTIVE_TEST. */
  async startTracker(options: TrackerNodeOptions = {}): Promise<TrackerNode> {
    const index = this.nodes.filter((n) => n instanceof TrackerNode).length + 1;
    const name = options.name ?? `tracker-${index}`;
    const host = options.host ?? this.allocateHost();
    const node = this.add(
      new TrackerNode(this, { ...options, name, host, port: options.port ?? 0 }),
    );
    await node.start();
    return node;
  }

  /**
   * Start a storage process and wait until it answers ACTIVE_TEST (not until a tracker calls it
   * ACTIVE: use waitActive or startStorages for that).
   */
  async startStorage(options: StorageNodeOptions): Promise<StorageNode> {
    const index = this.nodes.filter((n) => n instanceof StorageNode).length + 1;
    const name = options.name ?? `storage-${index}`;
    const host = options.host ?? this.allocateHost();
    const group = options.group ?? 'group1';
    const port = options.port ?? this.groupPorts.get(group) ?? 0;
    const node = this.add(new StorageNode(this, { ...options, name, host, group, port }));
    await node.start();
    if (options.port === undefined && !this.groupPorts.has(group)) {
      this.groupPorts.set(group, node.port);
    }
    return node;
  }

  /**
   * Start `count` storages of one group, each on its own 127.0.0.x, reporting to `options.trackers`,
   * and wait until the first tracker lists them all ACTIVE (or with a status of `waitFor`) and,
   * for ACTIVE, routes uploads to the group. Until replication exists, only a group's first
   * storage becomes ACTIVE; the others wait in WAIT_SYNC (§8.7).
   */
  async startStorages(
    count: number,
    options: Omit<StorageNodeOptions, 'name' | 'host'> & {
      waitFor?: readonly StatusWanted[];
      activeTimeoutMs?: number;
    },
  ): Promise<StorageNode[]> {
    if (count < 1) throw new Error('startStorages: count must be at least 1');
    const { activeTimeoutMs, waitFor, ...nodeOptions } = options;
    // The first one fixes the group's port; the others then start together.
    const first = await this.startStorage(nodeOptions);
    const rest = await Promise.all(
      Array.from({ length: count - 1 }, () => this.startStorage(nodeOptions)),
    );
    const storages = [first, ...rest];
    await waitListed(options.trackers[0]!, storages, waitFor, activeTimeoutMs);
    return storages;
  }

  /** Every node's output, for a failure message. */
  logs(): string {
    return this.nodes.map((n) => n.logs()).join('\n');
  }

  /** Run `fn`; if it throws, add the cluster's logs to the error message. */
  async withLogs<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof Error) {
        err.message = `${err.message}\n\n=== cluster logs ===\n${this.logs()}`;
      }
      throw err;
    }
  }

  /** Kill every process and remove every folder. Safe to call twice. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await Promise.allSettled(this.nodes.map((n) => n.destroy()));
    rmSync(this.root, { recursive: true, force: true });
    roots.delete(this.root);
  }
}
