// FastDfsClient options: an object, or a client.conf (§10.3) turned into one.
import { loadClientConfig, loadStorageIds } from '../common/config/index.js';
import { FdfsError } from '../common/errors.js';
import type { StorageIdEntry } from '../protocol/file-id/index.js';
import type { TrackerEndpoint } from './types.js';

export interface FastDfsClientOptions {
  /** Trackers as "host:port" ("[v6]:port") or endpoints; tried in rotation with failover (§12). */
  trackers: readonly (string | TrackerEndpoint)[];
  /** connect_timeout (default 10 s). */
  connectTimeoutMs?: number;
  /** network_timeout, for each send and receive (default 30 s). */
  networkTimeoutMs?: number;
  /** Connections per server, in use and idle together (default 64); more callers wait their turn. */
  maxConnectionsPerServer?: number;
  /** Idle pooled connections are closed after this (default 3600 s; 0 = close when idle). */
  maxIdleTimeMs?: number;
  /** Extra storage connect attempts on refusal, with backoff (default 3, as the C client, §12). */
  storageConnectRetries?: number;
  /** storage_ids.conf entries: fileInfo then decodes server ids in names without asking. */
  storageIds?: readonly StorageIdEntry[];
}

/** "host:port" or "[v6]:port" → endpoint. */
export function parseTrackerAddress(text: string): TrackerEndpoint {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:\s]+):(\d+)$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', `tracker address "${text}": expected host:port`);
  }
  return { host: m[1]!, port };
}

export function trackerEndpoints(
  trackers: readonly (string | TrackerEndpoint)[],
): TrackerEndpoint[] {
  if (trackers.length === 0) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', 'no tracker configured (trackers is empty)');
  }
  return trackers.map((t) => (typeof t === 'string' ? parseTrackerAddress(t) : t));
}

/** client.conf → options: tracker_server lines, timeouts, pooling, storage ids if configured. */
export async function optionsFromClientConf(path: string): Promise<FastDfsClientOptions> {
  const config = await loadClientConfig(path);
  const storageIds =
    config.useStorageId && config.storageIdsFilename
      ? await loadStorageIds(config.storageIdsFilename).catch(() => undefined)
      : undefined;
  return {
    trackers: config.trackerServers,
    connectTimeoutMs: config.connectTimeout * 1000,
    networkTimeoutMs: config.networkTimeout * 1000,
    maxIdleTimeMs: config.useConnectionPool ? config.connectionPoolMaxIdleTime * 1000 : 0,
    ...(storageIds ? { storageIds } : {}),
  };
}
