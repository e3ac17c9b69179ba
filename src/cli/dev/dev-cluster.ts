// The local cluster's servers, run in this process: one TrackerServer and two StorageServers
// from the files dev-config.ts wrote, each logging to <its folder>/logs/ (or all to stderr).
// One process means Ctrl-C closes everything in order (storages first, so their last reports
// reach the tracker; then the tracker, which saves its state) and nothing is left behind.
import { join } from 'node:path';
import { loadStorageConfig, loadStorageIds, loadTrackerConfig } from '../../common/config/index.js';
import { createDaemonLogger, type DaemonLogger } from '../../common/daemon-run.js';
import { pinoLevel } from '../../common/logger.js';
import { StorageServer } from '../../storage/index.js';
import { TrackerServer } from '../../tracker/index.js';
import type { DevLayout } from './dev-config.js';

export interface DevCluster {
  tracker: TrackerServer;
  storages: StorageServer[];
  /** Where each server logs ("stderr" with logToStderr). */
  logFiles: string[];
  close(): Promise<void>;
}

export async function startDevCluster(
  layout: DevLayout,
  logToStderr: boolean,
): Promise<DevCluster> {
  const loggers: DaemonLogger[] = [];
  const logFiles: string[] = [];
  const logger = (dir: string, file: string, name: string, level: string) => {
    const path = join(dir, 'logs', file);
    logFiles.push(logToStderr ? 'stderr' : path);
    const l = createDaemonLogger({
      ...(logToStderr ? {} : { file: path }),
      level: pinoLevel(level),
      name,
    });
    loggers.push(l);
    return l.logger;
  };
  const trackerConfig = await loadTrackerConfig(layout.trackerConfigPath);
  const storageIds = await loadStorageIds(layout.storageIdsPath);
  const tracker = new TrackerServer(trackerConfig, {
    logger: logger(layout.trackerDir, 'trackerd.log', 'trackerd', trackerConfig.logLevel),
    storageIds,
  });
  const storages: StorageServer[] = [];
  const close = async (): Promise<void> => {
    await Promise.allSettled(storages.map((s) => s.close()));
    await tracker.close().catch(() => undefined);
    for (const l of loggers) l.flush();
  };
  try {
    await tracker.listen();
    for (const s of layout.storages) {
      const config = await loadStorageConfig(s.configPath);
      const name = `storaged-${s.id}`;
      const server = new StorageServer(config, {
        logger: logger(s.dir, 'storaged.log', name, config.logLevel),
      });
      storages.push(server);
      await server.listen();
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { tracker, storages, logFiles, close };
}
