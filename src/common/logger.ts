// Structured logs with pino. Servers log to stderr by default so stdout stays for tools' output.
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level?: LevelWithSilent;
  name?: string;
  /** A file descriptor or path; stderr when absent. */
  destination?: number | string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = pino.destination({
    dest: options.destination ?? 2,
    sync: typeof options.destination !== 'string',
  });
  return pino(
    { level: options.level ?? 'info', ...(options.name ? { name: options.name } : {}) },
    destination,
  );
}

/** A logger that drops everything: the default for libraries and tests. */
export const silentLogger: Logger = pino({ level: 'silent' });

/** FastDFS log_level values (syslog names) → pino levels. */
export function pinoLevel(fastdfsLevel: string | undefined): LevelWithSilent {
  switch ((fastdfsLevel ?? 'info').toLowerCase()) {
    case 'emerg':
    case 'alert':
    case 'crit':
      return 'fatal';
    case 'error':
      return 'error';
    case 'warn':
    case 'warning':
      return 'warn';
    case 'notice':
    case 'info':
      return 'info';
    case 'debug':
      return 'debug';
    default:
      return 'info';
  }
}
