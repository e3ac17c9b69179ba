// The clients a tool works with: client.conf read as the C tools read it (§10.3), a TrackerClient
// and StorageClient on pools that keep a connection for the whole run, so that consecutive calls
// share one connection as the C tools' explicit connections do (the recorded call sequences,
// §12, are compared per connection). Idle connections are never re-checked with ACTIVE_TEST: a
// tool's run is far shorter than any idle limit.
import { access, constants } from 'node:fs/promises';
import { loadClientConfig, type ClientConfig } from '../../common/config/index.js';
import { loadStorageIds } from '../../common/config/storage-ids.js';
import type { TrackerAddress } from '../../common/config/values.js';
import { PoolSet, type PoolOptions } from '../../common/pool.js';
import type { StorageIdEntry } from '../../protocol/file-id/index.js';
import { StorageClient, storagePoolOptions } from '../../client/storage-client.js';
import { TrackerClient } from '../../client/tracker-client.js';
import { failure } from './tool-runner.js';

const A_DAY_MS = 86_400_000;

/** Pool options of a tool run: connections kept idle for the run, no ACTIVE_TEST before reuse. */
export function toolPoolOptions(config: ClientConfig): PoolOptions {
  return {
    connectTimeoutMs: config.connectTimeout * 1000,
    networkTimeoutMs: config.networkTimeout * 1000,
    maxIdleTimeMs: A_DAY_MS,
    activeTestAfterIdleMs: A_DAY_MS,
  };
}

/** Read client.conf; a bad or missing file is the tool's one-line failure. */
export async function readClientConfig(path: string): Promise<ClientConfig> {
  // A file that cannot be opened is its open errno (ENOENT, EACCES), as in C; a bad value is EINVAL.
  await access(path, constants.R_OK).catch((err: unknown) => {
    throw failure(`load config file ${path}`, err);
  });
  try {
    return await loadClientConfig(path);
  } catch (err) {
    throw failure(`load config file ${path}`, err);
  }
}

/** Storage ids of client.conf (`use_storage_id` with `storage_ids_filename`), for decoding names. */
export async function readStorageIds(config: ClientConfig): Promise<StorageIdEntry[] | undefined> {
  if (!config.useStorageId || config.storageIdsFilename === undefined) return undefined;
  try {
    return await loadStorageIds(config.storageIdsFilename);
  } catch (err) {
    throw failure(`load storage ids file ${config.storageIdsFilename}`, err);
  }
}

export class ToolClients {
  readonly tracker: TrackerClient;
  readonly storage: StorageClient;
  private readonly poolSets: PoolSet[] = [];

  constructor(
    readonly config: ClientConfig,
    trackers: readonly TrackerAddress[] = config.trackerServers,
  ) {
    this.tracker = this.newTrackerClient(trackers);
    this.storage = this.newStorageClient();
  }

  /** A storage client with its own connections (a C tool's second, separate storage connection). */
  newStorageClient(): StorageClient {
    return new StorageClient({
      pools: this.newPools(storagePoolOptions(toolPoolOptions(this.config))),
    });
  }

  /** A tracker client on its own connections, for the C calls that open a new tracker connection. */
  newTrackerClient(
    trackers: readonly TrackerAddress[] = this.config.trackerServers,
  ): TrackerClient {
    return new TrackerClient({ trackers, pools: this.newPools(toolPoolOptions(this.config)) });
  }

  /** Close every connection of the run (QUIT to idle ones). */
  async close(): Promise<void> {
    await Promise.allSettled(this.poolSets.map((p) => p.close()));
  }

  private newPools(options: PoolOptions): PoolSet {
    const pools = new PoolSet(options);
    this.poolSets.push(pools);
    return pools;
  }
}

/** Open the clients of `confPath`, run `fn`, close them whatever happens. */
export async function withClients<T>(
  confPath: string,
  fn: (clients: ToolClients) => Promise<T>,
): Promise<T> {
  const config = await readClientConfig(confPath);
  const clients = new ToolClients(config);
  try {
    return await fn(clients);
  } finally {
    await clients.close();
  }
}
