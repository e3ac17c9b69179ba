// The tracker as a process: what `fdfs_trackerd <conf> [start|stop|restart|status]` and
// `fdfs tracker --config <conf>` run. `start` serves in this process (we never fork), writes
// `<base_path>/data/fdfs_trackerd.pid` as it binds, logs to `<base_path>/logs/trackerd.log`
// (stderr when foreground), and on SIGTERM / SIGINT closes the server (which saves its state),
// removes the pid file and returns 0. Bad configuration: one line on stderr, a non-zero code.
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTrackerConfig, loadStorageIds, type TrackerConfig } from '../common/config/index.js';
import { loadIni } from '../common/config/ini.js';
import { trimPath } from '../common/config/server-common.js';
import type { DaemonAction } from '../common/daemon-args.js';
import { alreadyRunning, daemonStatus, stopDaemon } from '../common/daemon-control.js';
import { createDaemonLogger, runUntilSignal } from '../common/daemon-run.js';
import { FdfsError } from '../common/errors.js';
import { pinoLevel } from '../common/logger.js';
import { removePidFile, removePidFileSync, writePidFile } from '../common/pid-file.js';
import { packageVersion } from '../common/version.js';
import { Errno } from '../protocol/errno.js';
import { DEFAULT_WIRE_VERSION } from '../protocol/constants.js';
import { TrackerServer } from './server.js';

/** Names FastDFS uses under base_path. */
export const TRACKER_PID_FILE = 'fdfs_trackerd.pid';
export const TRACKER_LOG_FILE = 'trackerd.log';

export interface TrackerDaemonOptions {
  configPath: string;
  /** Log to stderr instead of <base_path>/logs/trackerd.log. */
  foreground: boolean;
  /** How the process names itself in messages: "fdfs_trackerd", "fdfs tracker". */
  program: string;
  /** Lines for stderr (default: process.stderr). */
  printError?: (line: string) => void;
  /** Lines for stdout (default: process.stdout). */
  print?: (line: string) => void;
}

class StartFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** One clear line for a failure: FdfsError messages already name file:line: key. */
function failureLine(err: unknown): { message: string; exitCode: number } {
  if (err instanceof StartFailure) return { message: err.message, exitCode: err.exitCode };
  if (err instanceof FdfsError) return { message: err.message, exitCode: err.errno || 1 };
  const e = err as NodeJS.ErrnoException;
  return { message: e?.message ?? String(err), exitCode: 1 };
}

/** base_path as C's get_base_path_from_conf_file reads it (stop and status need nothing else). */
async function basePathOf(configPath: string): Promise<string> {
  const doc = await loadIni(configPath);
  const entry = doc.entries.filter((e) => e.key === 'base_path' && e.value !== '').pop();
  if (!entry) throw new StartFailure(`${configPath}: missing required key "base_path"`, 2);
  return trimPath(entry.value);
}

/** base_path must be an existing folder (C refuses otherwise); data/ and logs/ are created. */
async function prepareBasePath(config: TrackerConfig): Promise<void> {
  const where = `${config.file}: base_path "${config.basePath}"`;
  const info = await stat(config.basePath).catch((err: NodeJS.ErrnoException) => {
    throw new StartFailure(`${where} can't be accessed (${err.code ?? err.message})`, 2);
  });
  if (!info.isDirectory()) throw new StartFailure(`${where} is not a directory`, Errno.ENOTDIR);
  await mkdir(join(config.basePath, 'data'), { recursive: true });
  await mkdir(join(config.basePath, 'logs'), { recursive: true });
}

async function loadConfig(configPath: string): Promise<TrackerConfig> {
  const config = await loadTrackerConfig(configPath);
  if (config.disabled) {
    throw new StartFailure(`${config.file}: disabled = true, not starting`, Errno.ECANCELED);
  }
  return config;
}

function listenFailure(config: TrackerConfig, err: unknown): StartFailure {
  const e = err as NodeJS.ErrnoException;
  const where = `${config.bindAddr.length > 0 ? config.bindAddr.join(',') : '*'}:${config.port}`;
  return new StartFailure(`cannot listen on ${where}: ${e?.message ?? String(err)}`, 1);
}

/** Serve until SIGTERM / SIGINT; the exit code. */
async function serve(options: TrackerDaemonOptions, config: TrackerConfig): Promise<number> {
  await prepareBasePath(config);
  const pidFile = join(config.basePath, 'data', TRACKER_PID_FILE);
  const running = await alreadyRunning(pidFile, options.program);
  if (running) throw new StartFailure(running.message, running.exitCode);
  const storageIds =
    config.useStorageId && config.storageIdsFilename
      ? await loadStorageIds(config.storageIdsFilename)
      : undefined;
  const log = createDaemonLogger({
    ...(options.foreground ? {} : { file: join(config.basePath, 'logs', TRACKER_LOG_FILE) }),
    level: pinoLevel(config.logLevel),
    name: 'trackerd',
  });
  const { logger } = log;
  for (const warning of config.warnings) logger.warn(`config: ${warning}`);
  const server = new TrackerServer(config, { logger, ...(storageIds ? { storageIds } : {}) });
  // The pid file is there before the first request can be answered; a failed start removes it.
  await writePidFile(pidFile);
  let address;
  try {
    address = await server.listen();
  } catch (err) {
    const failure = listenFailure(config, err);
    logger.fatal(failure.message);
    await server.close().catch(() => undefined);
    await removePidFile(pidFile).catch(() => false);
    log.flush();
    throw failure;
  }
  const onCrash = (err: Error): void => {
    logger.fatal({ err }, 'uncaught exception, exit abnormally');
    removePidFileSync(pidFile);
    log.flush();
    process.exit(1);
  };
  process.on('uncaughtException', onCrash);
  logger.info(
    { address: address.address, port: address.port, config: config.file },
    `fastdfs-ts tracker ${packageVersion()} (FastDFS ${DEFAULT_WIRE_VERSION} wire) started`,
  );
  const stop = await runUntilSignal({
    logger,
    close: () => server.close(),
    onHangup: () => log.reopen(),
  });
  await removePidFile(pidFile).catch(() => false);
  process.off('uncaughtException', onCrash);
  logger.info(stop.unclean ? 'exit after an unclean close' : 'exit normally');
  log.flush();
  return stop.unclean ? 1 : 0;
}

/** Run one action of `fdfs_trackerd`; resolves with the process exit code. */
export async function trackerDaemon(
  action: DaemonAction,
  options: TrackerDaemonOptions,
): Promise<number> {
  const printError = options.printError ?? ((line) => process.stderr.write(`${line}\n`));
  const print = options.print ?? ((line) => process.stdout.write(`${line}\n`));
  try {
    if (action === 'start') return await serve(options, await loadConfig(options.configPath));
    const pidFile = join(await basePathOf(options.configPath), 'data', TRACKER_PID_FILE);
    if (action === 'status') return await daemonStatus(pidFile, print);
    if (action === 'stop') return await stopDaemon(pidFile, { print: printError });
    // restart: check the configuration first, so a bad edit does not leave nothing running.
    const config = await loadConfig(options.configPath);
    if ((await stopDaemon(pidFile, { print: printError, quiet: true })) === 0) {
      printError('starting ...');
    }
    return await serve(options, config);
  } catch (err) {
    const { message, exitCode } = failureLine(err);
    printError(`${options.program}: ${message}`);
    return exitCode;
  }
}
