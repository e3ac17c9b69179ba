// Client options from client.conf (§10.3): trackers, timeouts and pooling for TrackerClient and
// StorageClient, and the pool options each client makes its own pools with.
import type { ClientConfig } from '../common/config/index.js';
import type { PoolOptions } from '../common/pool.js';
import type { StorageClientOptions } from './storage-client.js';
import type { TrackerClientOptions } from './tracker-client.js';

export interface ClientOptionsFromConfig {
  tracker: TrackerClientOptions;
  storage: StorageClientOptions;
}

/**
 * `connect_timeout` and `network_timeout` (seconds) become milliseconds. With
 * `use_connection_pool`, idle connections live `connection_pool_max_idle_time`; without it a
 * connection is closed as soon as it is idle, as the C client closes it after each operation.
 */
export function clientOptionsFromConfig(config: ClientConfig): ClientOptionsFromConfig {
  const connectTimeoutMs = config.connectTimeout * 1000;
  const networkTimeoutMs = config.networkTimeout * 1000;
  const poolOptions: PoolOptions = {
    maxIdleTimeMs: config.useConnectionPool ? config.connectionPoolMaxIdleTime * 1000 : 0,
  };
  return {
    tracker: { trackers: config.trackerServers, connectTimeoutMs, networkTimeoutMs, poolOptions },
    storage: { connectTimeoutMs, networkTimeoutMs, poolOptions },
  };
}

/** The options of a client's own pools: its timeouts, then its `poolOptions`. */
export function ownPoolOptions(options: {
  connectTimeoutMs?: number;
  networkTimeoutMs?: number;
  poolOptions?: PoolOptions;
}): PoolOptions {
  const { connectTimeoutMs, networkTimeoutMs } = options;
  return {
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
    ...(networkTimeoutMs === undefined ? {} : { networkTimeoutMs }),
    ...options.poolOptions,
  };
}
