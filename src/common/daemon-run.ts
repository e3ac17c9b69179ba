// The running half of a server daemon: its pino log (a file that SIGHUP reopens, or stderr), and
// the signals fdfs_trackerd.c handles: SIGTERM / SIGINT / SIGQUIT stop the server cleanly (state
// saved), SIGHUP reopens the log (rotation), SIGUSR1 / SIGUSR2 are logged and ignored.
import { pino, type LevelWithSilent, type Logger } from 'pino';

export interface DaemonLogger {
  logger: Logger;
  /** Reopen the log file (after logrotate moved it); no-op on stderr. */
  reopen(): void;
  /** Write out what is buffered; call before exiting. */
  flush(): void;
}

export interface DaemonLoggerOptions {
  /** The log file; stderr when absent. */
  file?: string;
  level: LevelWithSilent;
  name: string;
}

export function createDaemonLogger(options: DaemonLoggerOptions): DaemonLogger {
  const toFile = options.file !== undefined;
  const destination = pino.destination({
    dest: options.file ?? 2,
    // A file is written asynchronously (flushed at exit); stderr synchronously, so nothing is lost.
    sync: !toFile,
    mkdir: toFile,
  });
  const logger = pino({ level: options.level, name: options.name }, destination);
  return {
    logger,
    reopen: () => {
      if (toFile) destination.reopen();
    },
    flush: () => {
      try {
        destination.flushSync();
      } catch {
        /* not open yet, or already closed: nothing buffered to lose */
      }
    },
  };
}

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGQUIT'];
const IGNORED_SIGNALS: readonly NodeJS.Signals[] = ['SIGUSR1', 'SIGUSR2'];

export interface UntilSignalOptions {
  logger: Logger;
  /** Stop serving and save state. */
  close(): Promise<void>;
  /** The longest close may take before the process gives up on it (C waits 30 s). */
  closeTimeoutMs?: number;
  /** SIGHUP. */
  onHangup?(): void;
  /** Resolves when the server fails for good (a storage no tracker accepts): stop as on a signal. */
  fatal?: Promise<Error>;
}

export interface StopReport {
  /** The stop signal, or 'fatal' when `fatal` resolved first. */
  signal: NodeJS.Signals | 'fatal';
  /** close() did not finish in time (or failed), or the server failed. */
  unclean: boolean;
}

/**
 * Serve until a stop signal, then run close() once; resolves when it is done. A second stop
 * signal during close is logged and ignored, as C ignores it; the close timeout bounds the wait.
 */
export function runUntilSignal(options: UntilSignalOptions): Promise<StopReport> {
  const { logger } = options;
  const timeoutMs = options.closeTimeoutMs ?? 30_000;
  return new Promise((resolve) => {
    let stopping = false;
    const onHangup = (): void => {
      logger.info('caught SIGHUP, reopening the log');
      options.onHangup?.();
    };
    const onIgnored = (sig: NodeJS.Signals): void => logger.info(`caught ${sig}, ignoring it`);
    const detach = (): void => {
      for (const sig of STOP_SIGNALS) process.off(sig, onStop);
      for (const sig of IGNORED_SIGNALS) process.off(sig, onIgnored);
      process.off('SIGHUP', onHangup);
    };
    const onStop = (sig: NodeJS.Signals | 'fatal'): void => {
      if (stopping) {
        if (sig !== 'fatal') logger.warn(`caught ${sig} while exiting, ignoring it`);
        return;
      }
      stopping = true;
      if (sig !== 'fatal') logger.info(`caught ${sig}, program exiting...`);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((done) => {
        timer = setTimeout(() => done(true), timeoutMs);
      });
      const closed = options.close().then(
        () => false,
        (err: unknown) => {
          logger.error({ err }, 'closing failed');
          return true;
        },
      );
      void Promise.race([closed, timedOut]).then((unclean) => {
        clearTimeout(timer);
        if (unclean) logger.warn('the server did not close cleanly, exiting anyway');
        detach();
        resolve({ signal: sig, unclean: unclean || sig === 'fatal' });
      });
    };
    void options.fatal?.then((err) => {
      if (stopping) return;
      logger.fatal({ err }, `${err.message}, program exiting...`);
      onStop('fatal');
    });
    for (const sig of STOP_SIGNALS) process.on(sig, onStop);
    for (const sig of IGNORED_SIGNALS) process.on(sig, onIgnored);
    process.on('SIGHUP', onHangup);
  });
}
