// Log keys shared by tracker.conf and storage.conf (operational only; since FastDFS 6.14 the
// global `log_file_*` keys can be overridden in `[error-log]` and `[access-log]` sections).
import type { ConfigReader } from './reader.js';
import type { TimeOfDay } from './values.js';

export type LogLevel = 'emerg' | 'alert' | 'crit' | 'error' | 'warn' | 'notice' | 'info' | 'debug';

/** `log_level` values, case-insensitive, with the long syslog spellings FastDFS accepts. */
export const LOG_LEVELS: Readonly<Record<string, LogLevel>> = {
  emerg: 'emerg',
  emergency: 'emerg',
  alert: 'alert',
  crit: 'crit',
  critical: 'crit',
  err: 'error',
  error: 'error',
  warn: 'warn',
  warning: 'warn',
  notice: 'notice',
  info: 'info',
  debug: 'debug',
};

export interface LogFileSettings {
  /** sync_log_buff_interval (s) */
  readonly syncBuffInterval: number;
  /** log_file_rotate_everyday */
  readonly rotateEveryday: boolean;
  /** log_file_rotate_time */
  readonly rotateTime: TimeOfDay;
  /** log_file_compress_old */
  readonly compressOld: boolean;
  /** log_file_compress_days_before */
  readonly compressDaysBefore: number;
  /** log_file_rotate_on_size (bytes, 0 = never) */
  readonly rotateOnSize: number;
  /** log_file_keep_days (0 = keep all) */
  readonly keepDays: number;
  /** log_file_delete_old_time */
  readonly deleteOldTime: TimeOfDay;
}

export interface AccessLogSettings extends LogFileSettings {
  /** [access-log] enabled */
  readonly enabled: boolean;
  /** [access-log] time_precision: ms (millisecond) or us (microsecond) */
  readonly timePrecision: 'ms' | 'us';
}

export const DEFAULT_LOG_FILE_SETTINGS: LogFileSettings = {
  syncBuffInterval: 1,
  rotateEveryday: true,
  rotateTime: { hour: 0, minute: 0 },
  compressOld: false,
  compressDaysBefore: 1,
  rotateOnSize: 0,
  keepDays: 15,
  deleteOldTime: { hour: 1, minute: 30 },
};

/** The log keys under `prefix` ('' for the global ones, 'error-log.' for a section). */
function readLogFileSettings(
  r: ConfigReader,
  prefix: string,
  base: LogFileSettings,
): LogFileSettings {
  return {
    syncBuffInterval: r.int(`${prefix}sync_log_buff_interval`, base.syncBuffInterval, { min: 1 }),
    rotateEveryday: r.bool(`${prefix}log_file_rotate_everyday`, base.rotateEveryday),
    rotateTime: r.time(`${prefix}log_file_rotate_time`, base.rotateTime),
    compressOld: r.bool(`${prefix}log_file_compress_old`, base.compressOld),
    compressDaysBefore: r.int(`${prefix}log_file_compress_days_before`, base.compressDaysBefore, {
      min: 0,
    }),
    rotateOnSize: r.bytes(`${prefix}log_file_rotate_on_size`, base.rotateOnSize),
    keepDays: r.int(`${prefix}log_file_keep_days`, base.keepDays, { min: 0 }),
    deleteOldTime: r.time(`${prefix}log_file_delete_old_time`, base.deleteOldTime),
  };
}

export interface LogSettings {
  /** log_level */
  readonly logLevel: LogLevel;
  /** The global log keys. */
  readonly log: LogFileSettings;
  /** The global keys with `[error-log]` overrides. */
  readonly errorLog: LogFileSettings;
}

export function readLogSettings(r: ConfigReader): LogSettings {
  const log = readLogFileSettings(r, '', DEFAULT_LOG_FILE_SETTINGS);
  return {
    logLevel: r.oneOf('log_level', 'info', LOG_LEVELS),
    log,
    errorLog: readLogFileSettings(r, 'error-log.', log),
  };
}

/** `[access-log]` (storage only): the global keys with overrides, plus its own two keys. */
export function readAccessLogSettings(r: ConfigReader, log: LogFileSettings): AccessLogSettings {
  return {
    ...readLogFileSettings(r, 'access-log.', log),
    enabled: r.bool('access-log.enabled', false),
    timePrecision: r.oneOf('access-log.time_precision', 'ms', {
      ms: 'ms',
      millisecond: 'ms',
      us: 'us',
      microsecond: 'us',
    } as const),
  };
}
