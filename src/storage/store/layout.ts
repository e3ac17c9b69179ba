// Where things live in a store path (§8.1): `<store_path>/data/XX/YY/<name>` for data files,
// `<name>-m` beside them for metadata, and our temporary folder `<store_path>/data/.tmp/`, where
// uploads stream until their last byte and which start-up empties, so that not even a SIGKILL
// leaves a partial file visible. `resolve` is the only way from a file ID to a path, and it
// cannot leave `<store_path>/data/XX/YY/`.
import { join, resolve as resolvePath, sep } from 'node:path';
import type { StorePath } from '../../common/config/storage-config.js';
import { FdfsError } from '../../common/errors.js';
import { parseLogicName } from '../../protocol/file-id/logic-name.js';
import type { StoreFs } from './fs-layer.js';
import { isNodeCode } from './errors.js';

/** Suffix of metadata files (`FDFS_STORAGE_META_FILE_EXT`, §8.2). */
export const META_FILE_SUFFIX = '-m';
/** Our temporary folder inside `<store_path>/data/`. */
export const TEMP_DIR_NAME = '.tmp';

export interface StorePathLayout {
  index: number;
  path: string;
  readonly: boolean;
  /** `<store_path>/data` */
  dataDir: string;
  /** `<store_path>/data/.tmp` */
  tempDir: string;
}

/** A checked logic name and the paths it stands for. */
export interface ResolvedName {
  logicName: string;
  storePathIndex: number;
  subdir1: number;
  subdir2: number;
  /** The name inside data/XX/YY/. */
  name: string;
  /** "XX/YY/name" */
  trueName: string;
  /** `<store_path>/data/XX/YY` */
  dirPath: string;
  dataPath: string;
  metaPath: string;
}

export function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

/** Run `tasks` with at most `limit` in flight; the first failure rejects (after the rest settle). */
export async function runBounded(
  tasks: Iterable<() => Promise<unknown>>,
  limit: number,
): Promise<void> {
  const iterator = tasks[Symbol.iterator]();
  let failure: unknown;
  let failed = false;
  const worker = async (): Promise<void> => {
    for (let next = iterator.next(); !next.done && !failed; next = iterator.next()) {
      try {
        await next.value();
      } catch (err) {
        failed = true;
        failure = err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  if (failed) throw failure;
}

export class StoreLayout {
  readonly paths: readonly StorePathLayout[];
  private tempSeq = 0;
  private readonly tempPrefix = `${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    storePaths: readonly StorePath[],
    readonly subdirCount: number,
    private readonly fs: StoreFs,
  ) {
    this.paths = storePaths.map((p) => {
      const dataDir = join(resolvePath(p.path), 'data');
      return {
        index: p.index,
        path: p.path,
        readonly: p.readonly,
        dataDir,
        tempDir: join(dataDir, TEMP_DIR_NAME),
      };
    });
  }

  get storePathCount(): number {
    return this.paths.length;
  }

  storePath(index: number): StorePathLayout {
    const p = this.paths[index];
    if (!p) throw new FdfsError('ERR_BAD_FILE_ID', `store path index ${index} does not exist`);
    return p;
  }

  /**
   * Check `logicName` ("Mpp/XX/YY/name") against this storage's store path count and subdir count
   * (`parseLogicName`: EINVAL for "..", "/", absolute paths, bad hex, an index out of range), and
   * give its paths. The group name is the caller's check.
   */
  resolve(logicName: string): ResolvedName {
    const parsed = parseLogicName(logicName, {
      storePathCount: this.paths.length,
      subdirCount: this.subdirCount,
    });
    const dirPath = join(
      this.storePath(parsed.storePathIndex).dataDir,
      hex2(parsed.subdir1),
      hex2(parsed.subdir2),
    );
    const dataPath = join(dirPath, parsed.name);
    // Defence in depth: parseLogicName already keeps the name inside XX/YY.
    if (!dataPath.startsWith(dirPath + sep) || dataPath.slice(dirPath.length + 1) !== parsed.name) {
      throw new FdfsError('ERR_BAD_FILE_ID', `logic name ${JSON.stringify(logicName)} escapes`);
    }
    return {
      logicName,
      storePathIndex: parsed.storePathIndex,
      subdir1: parsed.subdir1,
      subdir2: parsed.subdir2,
      name: parsed.name,
      trueName: parsed.trueName,
      dirPath,
      dataPath,
      metaPath: dataPath + META_FILE_SUFFIX,
    };
  }

  /**
   * The logic name of a path inside one of our store paths (a symlink's target, absolute as C
   * writes it or relative to the link's folder), or undefined when it points elsewhere.
   */
  logicNameOfPath(target: string, linkDir: string): string | undefined {
    const absolute = resolvePath(linkDir, target);
    for (const p of this.paths) {
      const prefix = p.dataDir + sep;
      if (!absolute.startsWith(prefix)) continue;
      const logicName = `M${hex2(p.index)}/${absolute.slice(prefix.length)}`;
      try {
        return this.resolve(logicName).logicName;
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  /** A fresh temporary file path in the temporary folder of store path `index`. */
  tempFilePath(index: number): string {
    return join(
      this.storePath(index).tempDir,
      `${this.tempPrefix}-${(++this.tempSeq).toString(36)}.tmp`,
    );
  }

  /**
   * Create `data/` and every missing `XX/YY` of store path `index`. As C does, a store path whose
   * `00/00` and last `XX/XX` exist is taken as complete; otherwise only what is missing is
   * created, with at most `concurrency` mkdirs in flight. Returns whether `data/` itself had to be
   * created (a new or replaced disk).
   */
  async ensureTree(index: number, concurrency = 64): Promise<{ dataCreated: boolean }> {
    const { dataDir } = this.storePath(index);
    const dataCreated = (await this.fs.mkdir(dataDir, { recursive: true })) !== undefined;
    const last = hex2(this.subdirCount - 1);
    if (
      !dataCreated &&
      (await this.exists(join(dataDir, '00', '00'))) &&
      (await this.exists(join(dataDir, last, last)))
    ) {
      return { dataCreated };
    }
    const names = Array.from({ length: this.subdirCount }, (_, i) => hex2(i));
    const present = new Set(dataCreated ? [] : await this.fs.readdir(dataDir));
    const fs = this.fs;
    const mkdirNew = async (path: string): Promise<void> => {
      try {
        await fs.mkdir(path);
      } catch (err) {
        if (!isNodeCode(err, 'EEXIST')) throw err;
      }
    };
    // Level 1 first, so that level 2 only ever creates one folder per call.
    await runBounded(
      names.filter((n) => !present.has(n)).map((n) => () => mkdirNew(join(dataDir, n))),
      concurrency,
    );
    const level2 = function* (existing: Map<string, Set<string>>) {
      for (const high of names) {
        const have = existing.get(high);
        for (const low of names) {
          if (!have?.has(low)) yield () => mkdirNew(join(dataDir, high, low));
        }
      }
    };
    const existing = new Map<string, Set<string>>();
    await runBounded(
      names
        .filter((n) => present.has(n))
        .map((n) => async () => existing.set(n, new Set(await fs.readdir(join(dataDir, n))))),
      concurrency,
    );
    await runBounded(level2(existing), concurrency);
    return { dataCreated };
  }

  /** Empty (or create) the temporary folder of store path `index`. */
  async sweepTemp(index: number): Promise<void> {
    const { tempDir } = this.storePath(index);
    await this.fs.rm(tempDir, { recursive: true, force: true });
    await this.fs.mkdir(tempDir, { recursive: true });
  }

  private async exists(path: string): Promise<boolean> {
    try {
      await this.fs.stat(path);
      return true;
    } catch (err) {
      if (isNodeCode(err, 'ENOENT')) return false;
      throw err;
    }
  }
}
