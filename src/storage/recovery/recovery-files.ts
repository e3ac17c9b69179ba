// The disk-recovery state files of a store path (§8.8, §16 #16), in C's names and formats so that
// either implementation can resume a recovery the other started:
//   <path>/data/.recovery.flag          saved_storage_status / fetch_binlog_done / recovery_threads
//   <path>/data/.binlog.recovery.<i>    the cmd-26 stream's records for thread i (§8.3 lines)
//   <path>/data/.recovery.mark.<i>      binlog_offset=<bytes of .binlog.recovery.<i> done>
import { join } from 'node:path';
import { formatKeyValues, intValue, parseKeyValues } from '../../common/kv-file.js';
import type { BinlogRecord } from '../binlog/record.js';

export const RECOVERY_FLAG_FILE = '.recovery.flag';
/** saved_storage_status before the trackers told us anything (FDFS_STORAGE_STATUS_NONE). */
export const STATUS_UNKNOWN = 99;

export interface RecoveryFlag {
  /** The status to report back when done (§8.8 step 7); 99 = none known yet. */
  savedStorageStatus: number;
  fetchBinlogDone: boolean;
  /** −1 before the binlog was fetched; then the number of `.binlog.recovery.<i>` files. */
  recoveryThreads: number;
}

export function recoveryFlagPath(dataDir: string): string {
  return join(dataDir, RECOVERY_FLAG_FILE);
}

export function recoveryBinlogPath(dataDir: string, thread: number): string {
  return join(dataDir, `.binlog.recovery.${thread}`);
}

export function recoveryMarkPath(dataDir: string, thread: number): string {
  return join(dataDir, `.recovery.mark.${thread}`);
}

export function formatRecoveryFlag(f: RecoveryFlag): string {
  return formatKeyValues([
    ['saved_storage_status', f.savedStorageStatus],
    ['fetch_binlog_done', f.fetchBinlogDone ? 1 : 0],
    ['recovery_threads', f.recoveryThreads],
  ]);
}

export function parseRecoveryFlag(text: string): RecoveryFlag {
  const v = parseKeyValues(text);
  return {
    savedStorageStatus: intValue(v, 'saved_storage_status', STATUS_UNKNOWN),
    fetchBinlogDone: intValue(v, 'fetch_binlog_done') === 1,
    recoveryThreads: intValue(v, 'recovery_threads', -1),
  };
}

export function formatRecoveryMark(binlogOffset: number): string {
  return formatKeyValues([['binlog_offset', binlogOffset]]);
}

export function parseRecoveryMark(text: string): number {
  return intValue(parseKeyValues(text), 'binlog_offset');
}

/** Time33 over the bytes of `text`, in unsigned 32-bit arithmetic (§8.8 step 5). */
export function time33(text: string): number {
  let h = 0;
  for (const c of Buffer.from(text, 'latin1')) h = (Math.imul(h, 33) + c) >>> 0;
  return h;
}

/** The thread of a record: Time33 of its source name if it has one, else of its name, mod N. */
export function recoveryThreadOf(record: BinlogRecord, threads: number): number {
  const name = 'srcFilename' in record ? record.srcFilename : record.filename;
  return time33(name) % threads;
}
