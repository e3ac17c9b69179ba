// Start-up of a storage's files (§8.1, §8.10): the first start creates `<base_path>/data`, every
// store path's `data/XX/YY` tree, `.data_init_flag` (storage_join_time = now), `storage_stat.dat`
// and each path's `.fastdfs_vars`, in exactly the C formats. A later start loads them and leaves
// them as they are unless something must change (a new store path's mark). A mark that differs
// from the one kept in `.data_init_flag` stops the start when check_store_path_mark is on.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeAtomicLeftovers, writeFileAtomic } from '../../common/atomic-file.js';
import { FdfsError } from '../../common/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import type { StoreFs } from './fs-layer.js';
import { isNodeCode } from './errors.js';
import type { StoreLayout } from './layout.js';
import {
  formatDataInitFlag,
  formatStorageStatFile,
  parseDataInitFlag,
  parseStorageStatFile,
  STORAGE_STAT_KEYS,
  type DataInitFlag,
  type StorageStatFile,
} from './state-files.js';
import {
  encodeStorePathMark,
  FASTDFS_VARS_FILE,
  formatFastdfsVars,
  parseFastdfsVars,
} from './store-path-mark.js';

export const DATA_INIT_FLAG_FILE = '.data_init_flag';
export const STORAGE_STAT_FILE = 'storage_stat.dat';

export interface InitOptions {
  basePath: string;
  layout: StoreLayout;
  checkStorePathMark: boolean;
  /** The storage's own IP (marks, last_ip_addr on the first start); '' when not known yet. */
  ownIp: string;
  port: number;
  /** Unix seconds. */
  now: number;
  fs: StoreFs;
  logger?: Logger;
}

export interface InitResult {
  firstStart: boolean;
  initFlag: DataInitFlag;
  stat: StorageStatFile;
  /** The current mark of each store path. */
  marks: string[];
  /**
   * Store paths whose `data` folder had to be created although this storage had finished its
   * initial sync (sync_old_done = 1): their files are lost and must be recovered from a peer (§8.8).
   */
  needsRecovery: number[];
}

export function emptyStorageStat(): StorageStatFile {
  const stat = {} as StorageStatFile;
  for (const key of STORAGE_STAT_KEYS) stat[key] = 0;
  return stat;
}

export function dataInitFlagPath(basePath: string): string {
  return join(basePath, 'data', DATA_INIT_FLAG_FILE);
}

export function storageStatPath(basePath: string): string {
  return join(basePath, 'data', STORAGE_STAT_FILE);
}

async function readText(fs: StoreFs, path: string): Promise<string | undefined> {
  try {
    return (await fs.readFile(path)).toString('latin1');
  } catch (err) {
    if (isNodeCode(err, 'ENOENT')) return undefined;
    throw err;
  }
}

function markMismatch(index: number, path: string, found: string, kept: string): FdfsError {
  return new FdfsError(
    'ERR_CONFIG',
    `store path ${index} (${path}): its mark ${found ? `"${found}"` : '(missing)'} differs from ` +
      `store_path_mark${index} "${kept}" in ${DATA_INIT_FLAG_FILE}; is the right disk mounted? ` +
      `(set check_store_path_mark = false to start anyway)`,
  );
}

export async function initStoreFiles(options: InitOptions): Promise<InitResult> {
  const { basePath, layout, fs, now } = options;
  const logger = options.logger ?? silentLogger;
  await fs.mkdir(join(basePath, 'data'), { recursive: true });
  // Half-done atomic rewrites of a killed run (init flag, marks, binlog index): the old file is
  // intact beside each, so the temporary copy goes (§8.1 temporaries, like the store paths' .tmp).
  for (const dir of [join(basePath, 'data'), join(basePath, 'data', 'sync')]) {
    const removed = await removeAtomicLeftovers(dir);
    if (removed.length > 0) logger.info({ removed }, 'removed temporaries of a killed run');
  }

  const flagText = await readText(fs, dataInitFlagPath(basePath));
  const firstStart = flagText === undefined;
  const flag: DataInitFlag = firstStart
    ? {
        storageJoinTime: now,
        syncOldDone: false,
        syncSrcServer: '',
        syncUntilTimestamp: 0,
        lastIpAddr: options.ownIp,
        lastServerPort: options.port,
        currentTrunkFileId: 0,
        trunkLastCompressTime: 0,
        trunkBinlogCompressStage: 0,
        storePathMarks: [],
      }
    : parseDataInitFlag(flagText);
  let flagChanged = firstStart;
  const marks: string[] = [];
  const needsRecovery: number[] = [];

  for (const p of layout.paths) {
    const { dataCreated } = await layout.ensureTree(p.index);
    await layout.sweepTemp(p.index);
    const varsPath = join(p.dataDir, FASTDFS_VARS_FILE);
    const varsText = await readText(fs, varsPath);
    const kept = flag.storePathMarks[p.index] ?? '';
    let mark: string;
    if (varsText !== undefined) {
      mark = parseFastdfsVars(varsText);
      if (kept !== '' && mark !== kept) {
        if (options.checkStorePathMark) throw markMismatch(p.index, p.path, mark, kept);
        logger.warn({ storePath: p.path }, 'store path mark differs from .data_init_flag');
      }
    } else {
      if (kept !== '' && !dataCreated && options.checkStorePathMark) {
        throw markMismatch(p.index, p.path, '', kept);
      }
      mark = encodeStorePathMark({
        ipAddr: options.ownIp,
        port: options.port,
        storePathIndex: p.index,
        createTime: now,
      });
      await writeFileAtomic(varsPath, formatFastdfsVars(mark));
      if (dataCreated && !firstStart && flag.syncOldDone) needsRecovery.push(p.index);
    }
    if (options.checkStorePathMark && kept !== mark) {
      flag.storePathMarks[p.index] = mark;
      flagChanged = true;
    }
    marks.push(mark);
  }
  // A sparse array would format as "undefined" marks: fill holes left by a shorter old list.
  for (let i = 0; i < flag.storePathMarks.length; i++) flag.storePathMarks[i] ??= '';

  if (flagChanged) await writeFileAtomic(dataInitFlagPath(basePath), formatDataInitFlag(flag));

  const statText = await readText(fs, storageStatPath(basePath));
  let stat: StorageStatFile;
  if (statText === undefined) {
    stat = emptyStorageStat();
    await writeFileAtomic(storageStatPath(basePath), formatStorageStatFile(stat));
  } else {
    stat = parseStorageStatFile(statText);
  }
  return { firstStart, initFlag: flag, stat, marks, needsRecovery };
}

/** Rewrite `.data_init_flag` (the reporter records join results through this). */
export async function saveDataInitFlag(basePath: string, flag: DataInitFlag): Promise<void> {
  await writeFileAtomic(dataInitFlagPath(basePath), formatDataInitFlag(flag));
}

/** Read `.data_init_flag` as it is on disk (tests, tools). */
export async function loadDataInitFlag(basePath: string): Promise<DataInitFlag> {
  return parseDataInitFlag(await readFile(dataInitFlagPath(basePath), 'latin1'));
}
