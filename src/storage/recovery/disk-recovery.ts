// Disk recovery of the store paths that came back empty (§8.8), run after the start-up sequence
// with the trackers and before the report loops join, as C does in storage_func_init:
// 1. our highest status (71) and the group (90, 92); skip when INIT/DELETED/IP_CHANGED, alone in
//    the group, or with more store paths than the group;
// 2. `.recovery.flag` = saved status / 0 / −1, and REPORT_STATUS RECOVERY (76) to every tracker;
// 3. FETCH_ONE_PATH_BINLOG (26) from an ACTIVE readable peer into `.binlog.recovery.0`; flag 1 / 1;
// 4. split over disk_recovery_threads files by Time33 (§8.8 step 5, split.ts); flag 1 / N;
// 5. the threads download every file (worker.ts); 6. report the saved status, delete the files.
// A `.recovery.flag` found at start-up resumes where the last run stopped; one written at
// start-up by flagPathsToRecover (99 / 0 / −1, as C's prepare step) starts at step 1.
import { readFile, rm } from 'node:fs/promises';
import { writeFileAtomic } from '../../common/atomic-file.js';
import { FdfsError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { StorageStatus } from '../../protocol/status.js';
import { isNodeCode } from '../store/errors.js';
import type { StoreLayout } from '../store/layout.js';
import {
  formatRecoveryFlag,
  parseRecoveryFlag,
  recoveryBinlogPath,
  recoveryFlagPath,
  recoveryMarkPath,
  STATUS_UNKNOWN,
  type RecoveryFlag,
} from './recovery-files.js';
import type { RecoverySource } from './source.js';
import { finishSplit, splitRecoveryFiles } from './split.js';
import { runRecoveryThread, type WorkerResult } from './worker.js';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

const SKIP_STATUSES = new Set<number>([
  StorageStatus.INIT,
  StorageStatus.DELETED,
  StorageStatus.IP_CHANGED,
]);

/** What a recovery of one path asks of the world (trackers, peers); tests give fakes. */
export interface RecoveryEnv {
  layout: StoreLayout;
  threads: number;
  logger: Logger;
  signal: AbortSignal;
  /** 71/90/92: our highest status, the group's storage and store-path counts. */
  groupView(): Promise<{ status: number; storageCount: number; storePathCount: number }>;
  /** A source among the ACTIVE readable peers (round robin); undefined if there is none now. */
  pickSource(): Promise<RecoverySource | undefined>;
  /** 76 to every tracker. */
  reportStatus(status: number): Promise<void>;
  sizeOfName?: (logicName: string) => number | undefined;
}

export interface PathRecoveryResult extends WorkerResult {
  storePathIndex: number;
  /** False when recovery was skipped (§8.8 step 1). */
  recovered: boolean;
  ms: number;
}

async function readFlag(dataDir: string): Promise<RecoveryFlag | undefined> {
  try {
    return parseRecoveryFlag(await readFile(recoveryFlagPath(dataDir), 'latin1'));
  } catch (err) {
    if (isNodeCode(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/** Is there an unfinished recovery of this path (a `.recovery.flag`)? */
export async function hasRecoveryFlag(dataDir: string): Promise<boolean> {
  return (await readFlag(dataDir)) !== undefined;
}

async function sourceUntilFound(env: RecoveryEnv): Promise<RecoverySource> {
  for (;;) {
    if (env.signal.aborted) throw new FdfsError('ERR_ABORTED', 'disk recovery stopped');
    const source = await env.pickSource();
    if (source) return source;
    env.logger.warn('disk recovery: no ACTIVE readable peer yet, asking again');
    await new Promise((r) => setTimeout(r, 1000).unref());
  }
}

async function fetchBinlog(
  source: RecoverySource,
  dataDir: string,
  storePathIndex: number,
): Promise<number> {
  const sink = createWriteStream(recoveryBinlogPath(dataDir, 0), { flags: 'w' });
  // A write error shows in finished(); a late write after destroy() must not crash us.
  sink.on('error', () => {});
  try {
    const bytes = await source.fetchPathBinlog(storePathIndex, sink);
    sink.end();
    await finished(sink);
    return bytes;
  } catch (err) {
    sink.destroy();
    throw err;
  }
}

/** Recover store path `storePathIndex` (fresh when its data folder was just made, else resumed). */
export async function recoverStorePath(
  env: RecoveryEnv,
  storePathIndex: number,
): Promise<PathRecoveryResult> {
  const started = Date.now();
  const { logger } = env;
  const dataDir = env.layout.storePath(storePathIndex).dataDir;
  const result: PathRecoveryResult = {
    storePathIndex,
    recovered: false,
    files: 0,
    links: 0,
    skipped: 0,
    ms: 0,
  };
  let flag = await readFlag(dataDir);
  const writeFlag = async (f: RecoveryFlag): Promise<void> => {
    flag = f;
    await writeFileAtomic(recoveryFlagPath(dataDir), formatRecoveryFlag(f));
  };
  // Checked again while nothing was fetched: the flag may be the one written at start-up (99 / 0
  // / −1, flagPathsToRecover) or by a run that never reached the fetch.
  if (!flag?.fetchBinlogDone) {
    const view = await env.groupView();
    const skip =
      SKIP_STATUSES.has(view.status) || view.storageCount <= 1
        ? 'our status or the group leaves nothing to recover from'
        : env.layout.storePathCount > view.storePathCount
          ? 'more store paths than the group'
          : undefined;
    if (skip) {
      logger.warn(
        { storePathIndex, status: view.status, storages: view.storageCount },
        `disk recovery skipped: ${skip}`,
      );
      await rm(recoveryFlagPath(dataDir), { force: true });
      return { ...result, ms: Date.now() - started };
    }
    // RECOVERY is what an earlier run of ours reported, not the status to restore.
    const saved =
      flag && flag.savedStorageStatus !== STATUS_UNKNOWN
        ? flag.savedStorageStatus
        : view.status === StorageStatus.RECOVERY
          ? STATUS_UNKNOWN
          : view.status;
    await writeFlag({
      savedStorageStatus: saved,
      fetchBinlogDone: false,
      recoveryThreads: -1,
    });
  }
  logger.info({ storePathIndex, flag }, 'disk recovery: store path is being recovered');
  await env.reportStatus(StorageStatus.RECOVERY);
  let source = await sourceUntilFound(env);
  if (!flag!.fetchBinlogDone) {
    for (;;) {
      try {
        const bytes = await fetchBinlog(source, dataDir, storePathIndex);
        logger.info(
          { storePathIndex, source: source.label, bytes },
          'disk recovery: binlog fetched',
        );
        break;
      } catch (err) {
        if (env.signal.aborted) throw err;
        logger.warn(
          { source: source.label, err: (err as Error).message },
          'disk recovery: FETCH_ONE_PATH_BINLOG failed, trying again',
        );
        await new Promise((r) => setTimeout(r, 1000).unref());
        source = await sourceUntilFound(env);
      }
    }
    await rm(recoveryMarkPath(dataDir, 0), { force: true });
    await writeFlag({ ...flag!, fetchBinlogDone: true, recoveryThreads: 1 });
  }
  const setThreads = (recoveryThreads: number) => writeFlag({ ...flag!, recoveryThreads });
  if (await finishSplit(dataDir, setThreads)) {
    logger.info({ storePathIndex }, 'disk recovery: a split cut short by a crash was finished');
  }
  if (flag!.recoveryThreads !== env.threads) {
    const oldThreads = Math.max(1, flag!.recoveryThreads);
    const records = await splitRecoveryFiles(dataDir, oldThreads, env.threads, logger, setThreads);
    logger.info({ storePathIndex, records, threads: env.threads }, 'disk recovery: records split');
  }
  // allSettled: no thread may still be writing when we return or throw.
  const settled = await Promise.allSettled(
    Array.from({ length: env.threads }, (_, i) =>
      runRecoveryThread(
        {
          layout: env.layout,
          storePathIndex,
          source,
          logger,
          signal: env.signal,
          ...(env.sizeOfName ? { sizeOfName: env.sizeOfName } : {}),
        },
        i,
      ),
    ),
  );
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const results = settled.map((r) => (r as PromiseFulfilledResult<WorkerResult>).value);
  for (const r of results) {
    result.files += r.files;
    result.links += r.links;
    result.skipped += r.skipped;
  }
  if (flag!.savedStorageStatus !== STATUS_UNKNOWN) await env.reportStatus(flag!.savedStorageStatus);
  for (let i = 0; i < env.threads; i++) {
    await rm(recoveryBinlogPath(dataDir, i), { force: true });
    await rm(recoveryMarkPath(dataDir, i), { force: true });
  }
  await rm(recoveryFlagPath(dataDir), { force: true });
  result.recovered = true;
  result.ms = Date.now() - started;
  logger.info({ ...result }, 'disk recovery: store path recovered');
  return result;
}
