// A server as a process, whichever server it is: what `fdfs_trackerd` / `fdfs_storaged <conf>
// [start|stop|restart|status]` and `fdfs tracker|storage --config <conf>` run. `start` serves in
// this process (we never fork), writes `<base_path>/data/<pid file>` as it binds, logs to
// `<base_path>/logs/<log file>` (stderr when foreground), and on SIGTERM / SIGINT closes the
// server (which saves its state), removes the pid file and returns 0. Bad configuration: one line
// on stderr, a non-zero code. The tracker and the storage each describe themselves in a
// DaemonKind (tracker/daemon.ts, storage/daemon.ts).
import { mkdir, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Errno } from '../protocol/errno.js';
import { DEFAULT_WIRE_VERSION } from '../protocol/constants.js';
import { loadIni } from './config/ini.js';
import { trimPath, type ServerConfigBase } from './config/server-common.js';
import type { DaemonAction } from './daemon-args.js';
import { alreadyRunning, daemonStatus, stopDaemon } from './daemon-control.js';
import { createDaemonLogger, runUntilSignal } from './daemon-run.js';
import { FdfsError } from './errors.js';
import { pinoLevel, type Logger } from './logger.js';
import { loopStatsPeriod, startLoopStats } from './loop-stats.js';
import { removePidFile, removePidFileSync, writePidFile } from './pid-file.js';
import { packageVersion } from './version.js';

/** What every server configuration has that the process side reads. */
export interface DaemonConfig extends ServerConfigBase {
  readonly warnings: readonly string[];
}

/** The server the process runs. */
export interface DaemonServer {
  listen(): Promise<AddressInfo>;
  close(): Promise<void>;
}

export interface DaemonInstance {
  server: DaemonServer;
  /** Resolves if the server fails for good while serving: the process then stops, exit 1. */
  fatal?: Promise<Error>;
}

/** One kind of server daemon. */
export interface DaemonKind<C extends DaemonConfig> {
  /** "tracker", "storage": the start line says what started. */
  role: string;
  /** Under `<base_path>/data/`: "fdfs_trackerd.pid". */
  pidFile: string;
  /** Under `<base_path>/logs/`: "trackerd.log". */
  logFile: string;
  /** pino's `name` field: "trackerd". */
  loggerName: string;
  /** Read and check the configuration (FdfsError ERR_CONFIG naming file:line: key). */
  load(configPath: string): Promise<C>;
  /** Build the server (not listening yet). */
  create(config: C, logger: Logger): Promise<DaemonInstance>;
}

export interface DaemonOptions {
  configPath: string;
  /** Log to stderr instead of the log file under base_path. */
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
async function prepareBasePath(config: DaemonConfig): Promise<void> {
  const where = `${config.file}: base_path "${config.basePath}"`;
  const info = await stat(config.basePath).catch((err: NodeJS.ErrnoException) => {
    throw new StartFailure(`${where} can't be accessed (${err.code ?? err.message})`, 2);
  });
  if (!info.isDirectory()) throw new StartFailure(`${where} is not a directory`, Errno.ENOTDIR);
  await mkdir(join(config.basePath, 'data'), { recursive: true });
  await mkdir(join(config.basePath, 'logs'), { recursive: true });
}

async function loadConfig<C extends DaemonConfig>(kind: DaemonKind<C>, path: string): Promise<C> {
  const config = await kind.load(path);
  if (config.disabled) {
    throw new StartFailure(`${config.file}: disabled = true, not starting`, Errno.ECANCELED);
  }
  return config;
}

/** A failed listen(): the address when binding failed, else what failed (a storage's store path). */
function listenFailure(config: DaemonConfig, err: unknown): StartFailure {
  const e = err as NodeJS.ErrnoException;
  const message = e?.message ?? String(err);
  if (err instanceof FdfsError) return new StartFailure(message, err.errno || 1);
  if (e?.syscall !== 'listen' && e?.syscall !== 'bind') {
    return new StartFailure(`cannot start: ${message}`, 1);
  }
  const where = `${config.bindAddr.length > 0 ? config.bindAddr.join(',') : '*'}:${config.port}`;
  return new StartFailure(`cannot listen on ${where}: ${message}`, 1);
}

/** Serve until SIGTERM / SIGINT (or a fatal failure); the exit code. */
async function serve<C extends DaemonConfig>(
  kind: DaemonKind<C>,
  options: DaemonOptions,
  config: C,
): Promise<number> {
  await prepareBasePath(config);
  const pidFile = join(config.basePath, 'data', kind.pidFile);
  const running = await alreadyRunning(pidFile, options.program);
  if (running) throw new StartFailure(running.message, running.exitCode);
  const log = createDaemonLogger({
    ...(options.foreground ? {} : { file: join(config.basePath, 'logs', kind.logFile) }),
    level: pinoLevel(config.logLevel),
    name: kind.loggerName,
  });
  const { logger } = log;
  for (const warning of config.warnings) logger.warn(`config: ${warning}`);
  const { server, fatal } = await kind.create(config, logger);
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
  const loopStatsMs = loopStatsPeriod();
  const stopLoopStats = loopStatsMs === undefined ? undefined : startLoopStats(logger, loopStatsMs);
  logger.info(
    { address: address.address, port: address.port, config: config.file },
    `fastdfs-ts ${kind.role} ${packageVersion()} (FastDFS ${DEFAULT_WIRE_VERSION} wire) started`,
  );
  const stop = await runUntilSignal({
    logger,
    close: () => server.close(),
    onHangup: () => log.reopen(),
    ...(fatal ? { fatal } : {}),
  });
  stopLoopStats?.();
  await removePidFile(pidFile).catch(() => false);
  process.off('uncaughtException', onCrash);
  logger.info(stop.unclean ? 'exit after an unclean close' : 'exit normally');
  log.flush();
  return stop.unclean ? 1 : 0;
}

/** Run one action of a server daemon; resolves with the process exit code. */
export async function runDaemon<C extends DaemonConfig>(
  kind: DaemonKind<C>,
  action: DaemonAction,
  options: DaemonOptions,
): Promise<number> {
  const printError = options.printError ?? ((line) => process.stderr.write(`${line}\n`));
  const print = options.print ?? ((line) => process.stdout.write(`${line}\n`));
  try {
    if (action === 'start') {
      return await serve(kind, options, await loadConfig(kind, options.configPath));
    }
    const pidFile = join(await basePathOf(options.configPath), 'data', kind.pidFile);
    if (action === 'status') return await daemonStatus(pidFile, print);
    if (action === 'stop') return await stopDaemon(pidFile, { print: printError });
    // restart: check the configuration first, so a bad edit does not leave nothing running.
    const config = await loadConfig(kind, options.configPath);
    if ((await stopDaemon(pidFile, { print: printError, quiet: true })) === 0) {
      printError('starting ...');
    }
    return await serve(kind, options, config);
  } catch (err) {
    const { message, exitCode } = failureLine(err);
    printError(`${options.program}: ${message}`);
    return exitCode;
  }
}
