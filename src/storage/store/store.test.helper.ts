// Test fixtures of the store: a Store on temporary store paths with a controllable clock and a
// deterministic random source, contents, binlog reading, and a file-system layer that fails on
// demand. (Named *.test.helper.ts: compiled, not run, not packaged.)
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { RandomSource } from '../../protocol/file-id/random.js';
import { parseBinlogText, type BinlogRecord } from '../binlog/record.js';
import { nodeStoreFs, type StoreFs } from './fs-layer.js';
import { Store, type StoreConfig, type StoreOptions } from './index.js';

/** byte i = 0x20 + ((i*7 + seed) % 95), the contentRule of test/vectors/file-ids.json. */
export function ruleContent(size: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) out[i] = 0x20 + ((i * 7 + seed) % 95);
  return out;
}

/** A Readable of `chunks` (a Buffer is one chunk). */
export function contentOf(...chunks: Buffer[]): Readable {
  return Readable.from(chunks.filter((c) => c.length > 0));
}

/** A small deterministic rand(): 0..RAND_MAX. */
export function seededRandom(seed = 12345): RandomSource {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s & 0x7fffffff;
  };
}

export interface TestClock {
  ms: number;
  (): number;
}

export function testClock(seconds = 1_800_000_000): TestClock {
  const clock = (() => clock.ms) as TestClock;
  clock.ms = seconds * 1000;
  return clock;
}

export interface StoreFixture {
  store: Store;
  dir: string;
  basePath: string;
  config: StoreConfig;
  clock: TestClock;
  /** Every binlog record written so far (file order). */
  binlog(): Promise<BinlogRecord[]>;
  /** The binlog text. */
  binlogText(): Promise<string>;
}

export interface FixtureOptions extends Partial<Omit<StoreOptions, 'config'>> {
  config?: Partial<StoreConfig>;
  storePathCount?: number;
  /** Store path indexes marked store_pathN_readonly. */
  readonlyPaths?: number[];
  dir?: string;
  /** Don't open the store. */
  noOpen?: boolean;
}

export function fixtureConfig(dir: string, options: FixtureOptions = {}): StoreConfig {
  const count = options.storePathCount ?? 2;
  return {
    basePath: join(dir, 'base'),
    port: 23000,
    bindAddr: [],
    storePaths: Array.from({ length: count }, (_, index) => ({
      index,
      path: join(dir, `store${index}`),
      readonly: options.readonlyPaths?.includes(index) ?? false,
    })),
    subdirCountPerPath: 4,
    fileDistributePathMode: 0,
    fileDistributeRotateCount: 100,
    fsyncAfterWrittenBytes: 0,
    fsyncBinlog: false,
    checkStorePathMark: true,
    syncStatFileInterval: 60,
    ...options.config,
  };
}

/** A temporary directory for the test, removed afterwards. */
export async function withTempDir<T>(
  fn: (dir: string) => Promise<T>,
  parent = tmpdir(),
): Promise<T> {
  const dir = await mkdtemp(join(parent, 'fdfs-store-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function withStore(
  fn: (f: StoreFixture) => Promise<void>,
  options: FixtureOptions = {},
): Promise<void> {
  const run = async (dir: string): Promise<void> => {
    const config = fixtureConfig(dir, options);
    const clock = options.clock ? (options.clock as TestClock) : testClock();
    const store = new Store({
      groupName: 'group1',
      ownIp: '127.0.0.12',
      random: seededRandom(),
      ...options,
      config,
      clock,
    });
    if (!options.noOpen) await store.open();
    const binlogText = () =>
      readFile(join(config.basePath, 'data', 'sync', 'binlog.000'), 'latin1').catch(() => '');
    try {
      await fn({
        store,
        dir,
        basePath: config.basePath,
        config,
        clock,
        binlogText,
        binlog: async () =>
          parseBinlogText(await binlogText()).lines.map((l) => {
            if (!l.ok) throw new Error(`bad binlog line ${l.line}`);
            return l.record;
          }),
      });
    } finally {
      await store.close();
    }
  };
  if (options.dir) await run(options.dir);
  else await withTempDir(run);
}

export interface Faults {
  /** Writes fail with this code once this many bytes were written through open handles. */
  failWritesAfter?: number;
  writeErrorCode?: string;
  /** rename fails with this code. */
  renameErrorCode?: string;
  /** Counted calls. */
  calls: Record<string, number>;
}

function fsError(code: string, what: string): NodeJS.ErrnoException {
  const err = new Error(`${code}: injected fault, ${what}`) as NodeJS.ErrnoException;
  err.code = code;
  return err;
}

/** A StoreFs over the real one, failing as `faults` says (mutable during a test). */
export function faultyFs(faults: Faults, base: StoreFs = nodeStoreFs): StoreFs {
  let written = 0;
  const count = (name: string) => (faults.calls[name] = (faults.calls[name] ?? 0) + 1);
  const checkWrite = (n: number) => {
    if (faults.failWritesAfter !== undefined && written + n > faults.failWritesAfter) {
      throw fsError(faults.writeErrorCode ?? 'ENOSPC', 'write');
    }
    written += n;
  };
  return {
    ...base,
    open: async (path, flags, mode) => {
      count('open');
      return base.open(path, flags, mode);
    },
    write: async (fd, buffer, offset, length, position) => {
      count('write');
      checkWrite(length);
      return base.write(fd, buffer, offset, length, position);
    },
    writev: async (fd, buffers, position) => {
      count('writev');
      checkWrite(buffers.reduce((n, b) => n + b.byteLength, 0));
      return base.writev(fd, buffers, position);
    },
    fsync: async (fd) => {
      count('sync');
      return base.fsync(fd);
    },
    close: async (fd) => {
      count('close');
      return base.close(fd);
    },
    rename: async (from, to) => {
      count('rename');
      if (faults.renameErrorCode) throw fsError(faults.renameErrorCode, 'rename');
      return base.rename(from, to);
    },
  };
}

/** Every file below the store paths' data folders, as "pN/XX/YY/name" (".tmp" shown too). */
export async function listStoreFiles(config: StoreConfig): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const out: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(dir, e.name), `${prefix}${e.name}/`);
      else out.push(`${prefix}${e.name}`);
    }
  };
  for (const p of config.storePaths) await walk(join(p.path, 'data'), `p${p.index}/`);
  return out.filter((f) => !f.endsWith('/.fastdfs_vars')).sort();
}
