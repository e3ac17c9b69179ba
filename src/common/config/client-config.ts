// client.conf (PROTOCOL.md §10.3, §12), usually with `#include http.conf`.
import { resolve } from 'node:path';
import { readHttpSettings, type HttpSettings } from './http-config.js';
import { loadIni, parseIni, type IniDocument, type IniSource } from './ini.js';
import { LOG_LEVELS, type LogLevel } from './log-settings.js';
import { ConfigReader } from './reader.js';
import { trimPath } from './server-common.js';
import { readTrackerServers } from './tracker-list.js';
import type { TrackerAddress } from './values.js';

export type ConnectFirstBy = 'tracker' | 'last-connected';

export interface ClientConfig {
  readonly file: string;
  /** Ignored lines and unknown keys, each naming file:line. */
  readonly warnings: readonly string[];
  /** connect_timeout (s) */
  readonly connectTimeout: number;
  /** network_timeout (s), for each send and receive */
  readonly networkTimeout: number;
  /** base_path: log directory */
  readonly basePath: string;
  /** tracker_server (required, at most 16) */
  readonly trackerServers: readonly TrackerAddress[];
  /** log_level */
  readonly logLevel: LogLevel;
  /** connect_first_by: with dual-IP storages, which address to try first */
  readonly connectFirstBy: ConnectFirstBy;
  readonly useConnectionPool: boolean;
  /** connection_pool_max_idle_time (s) */
  readonly connectionPoolMaxIdleTime: number;
  /** load_fdfs_parameters_from_tracker: PARAMETER_REQ (+ FETCH_STORAGE_IDS) at start */
  readonly loadFdfsParametersFromTracker: boolean;
  /** use_storage_id (used when not loading parameters from the tracker) */
  readonly useStorageId: boolean;
  /** storage_ids_filename resolved against the config file's directory */
  readonly storageIdsFilename: string | undefined;
  /** http.tracker_server_port (used by fdfs_test for URLs) */
  readonly httpTrackerServerPort: number;
  /** The http.* keys (normally from the included http.conf). */
  readonly http: HttpSettings;
}

function clientConfigFrom(doc: IniDocument): ClientConfig {
  const r = new ConfigReader(doc);
  const loadFromTracker = r.bool('load_fdfs_parameters_from_tracker', false);
  const useStorageId = r.bool('use_storage_id', false);
  const idsEntry =
    useStorageId && !loadFromTracker
      ? r.require('storage_ids_filename', 'use_storage_id is true')
      : r.entry('storage_ids_filename');
  const config: Omit<ClientConfig, 'warnings'> = {
    file: doc.file,
    connectTimeout: r.int('connect_timeout', 10, { min: 1 }),
    networkTimeout: r.int('network_timeout', 30, { min: 1 }),
    basePath: trimPath(r.string('base_path', '/tmp')),
    trackerServers: readTrackerServers(r, true),
    logLevel: r.oneOf('log_level', 'info', LOG_LEVELS),
    connectFirstBy: r.oneOf<ConnectFirstBy>('connect_first_by', 'tracker', {
      tracker: 'tracker',
      'last-connected': 'last-connected',
    }),
    useConnectionPool: r.bool('use_connection_pool', false),
    connectionPoolMaxIdleTime: r.int('connection_pool_max_idle_time', 3600, { min: 0 }),
    loadFdfsParametersFromTracker: loadFromTracker,
    useStorageId,
    storageIdsFilename: idsEntry && resolve(doc.baseDir, idsEntry.value),
    httpTrackerServerPort: r.int('http.tracker_server_port', 80, { min: 1, max: 65535 }),
    http: readHttpSettings(r),
  };
  return { ...config, warnings: r.finish() };
}

/** Parse client.conf text (tests, embedded configs). */
export function parseClientConfig(text: string, source: IniSource): ClientConfig {
  return clientConfigFrom(parseIni(text, source));
}

/** Read client.conf and the files it includes (start-up only). */
export async function loadClientConfig(path: string): Promise<ClientConfig> {
  return clientConfigFrom(await loadIni(path));
}
