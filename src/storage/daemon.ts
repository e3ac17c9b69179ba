// The storage as a process: what `fdfs_storaged <conf> [start|stop|restart|status]` and
// `fdfs storage --config <conf>` run (common/daemon-serve.ts does the process side). `start`
// serves in this process, with its pid in `<base_path>/data/fdfs_storaged.pid` and its log in
// `<base_path>/logs/storaged.log` (stderr when foreground); SIGTERM / SIGINT close the server,
// which saves its counters. A start-up with the trackers that fails for good (no tracker knows
// our group) stops the process.
import { loadStorageConfig, type StorageConfig } from '../common/config/index.js';
import type { DaemonAction } from '../common/daemon-args.js';
import { runDaemon, type DaemonKind, type DaemonOptions } from '../common/daemon-serve.js';
import { StorageServer } from './server.js';

/** Names FastDFS uses under base_path. */
export const STORAGE_PID_FILE = 'fdfs_storaged.pid';
export const STORAGE_LOG_FILE = 'storaged.log';

export type StorageDaemonOptions = DaemonOptions;

const STORAGE: DaemonKind<StorageConfig> = {
  role: 'storage',
  pidFile: STORAGE_PID_FILE,
  logFile: STORAGE_LOG_FILE,
  loggerName: 'storaged',
  load: loadStorageConfig,
  create(config, logger) {
    const server = new StorageServer(config, { logger });
    const fatal = new Promise<Error>((resolve) => server.once('error', resolve));
    return Promise.resolve({ server, fatal });
  },
};

/** Run one action of `fdfs_storaged`; resolves with the process exit code. */
export function storageDaemon(
  action: DaemonAction,
  options: StorageDaemonOptions,
): Promise<number> {
  return runDaemon(STORAGE, action, options);
}
