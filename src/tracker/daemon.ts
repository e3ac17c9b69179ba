// The tracker as a process: what `fdfs_trackerd <conf> [start|stop|restart|status]` and
// `fdfs tracker --config <conf>` run (common/daemon-serve.ts does the process side). `start`
// serves in this process, with its pid in `<base_path>/data/fdfs_trackerd.pid` and its log in
// `<base_path>/logs/trackerd.log` (stderr when foreground); SIGTERM / SIGINT close the server,
// which saves its state (§9.9).
import { loadStorageIds, loadTrackerConfig, type TrackerConfig } from '../common/config/index.js';
import type { DaemonAction } from '../common/daemon-args.js';
import { runDaemon, type DaemonKind, type DaemonOptions } from '../common/daemon-serve.js';
import { TrackerServer } from './server.js';

/** Names FastDFS uses under base_path. */
export const TRACKER_PID_FILE = 'fdfs_trackerd.pid';
export const TRACKER_LOG_FILE = 'trackerd.log';

export type TrackerDaemonOptions = DaemonOptions;

const TRACKER: DaemonKind<TrackerConfig> = {
  role: 'tracker',
  pidFile: TRACKER_PID_FILE,
  logFile: TRACKER_LOG_FILE,
  loggerName: 'trackerd',
  load: loadTrackerConfig,
  async create(config, logger) {
    const storageIds =
      config.useStorageId && config.storageIdsFilename
        ? await loadStorageIds(config.storageIdsFilename)
        : undefined;
    return { server: new TrackerServer(config, { logger, ...(storageIds ? { storageIds } : {}) }) };
  },
};

/** Run one action of `fdfs_trackerd`; resolves with the process exit code. */
export function trackerDaemon(
  action: DaemonAction,
  options: TrackerDaemonOptions,
): Promise<number> {
  return runDaemon(TRACKER, action, options);
}
