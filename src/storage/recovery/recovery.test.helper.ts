// Test fixtures of disk recovery (§8.8): a store layout on temporary store paths, a source that
// serves a given cmd-26 text and file contents from memory (and can fail on demand), and a
// RecoveryEnv around them. (Named *.test.helper.ts: compiled, not run, not packaged.)
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { Writable as WritableStream } from 'node:stream';
import { pino, type Logger } from 'pino';
import { FdfsError } from '../../common/errors.js';
import { Errno } from '../../protocol/errno.js';
import { nodeStoreFs } from '../store/fs-layer.js';
import { StoreLayout } from '../store/layout.js';
import type { RecoveryEnv } from './disk-recovery.js';
import type { RecoverySource } from './source.js';

export const SUBDIRS = 4;

export interface LayoutFixture {
  dir: string;
  layout: StoreLayout;
  cleanup(): Promise<void>;
}

/** Two store paths with their `data/00/00`…`03/03` and temporary folders. */
export async function layoutFixture(): Promise<LayoutFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-recovery-'));
  const paths = [0, 1].map((index) => ({
    index,
    path: join(dir, `store${index}`),
    readonly: false,
  }));
  const layout = new StoreLayout(paths, SUBDIRS, nodeStoreFs);
  for (const p of layout.paths) {
    await mkdir(p.tempDir, { recursive: true });
    for (let a = 0; a < SUBDIRS; a++) {
      for (let b = 0; b < SUBDIRS; b++) {
        await mkdir(join(p.dataDir, `0${a}`, `0${b}`), { recursive: true });
      }
    }
  }
  return { dir, layout, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface FakeSourceOptions {
  /** The cmd-26 text it serves. */
  stream: string;
  /** Contents by logic name; a name that is absent answers ENOENT. */
  files: ReadonlyMap<string, Buffer>;
  /** Answer EINVAL for a 0-byte file, as the C storage does (§16 #3). */
  zeroByteEinval?: boolean;
  /** Called before each download with its 1-based number; may throw (a crash, a failure). */
  beforeDownload?: (logicName: string, n: number) => void;
}

export class FakeSource implements RecoverySource {
  readonly label = 'fake-source';
  fetches = 0;
  readonly downloads: string[] = [];

  constructor(private readonly o: FakeSourceOptions) {}

  async fetchPathBinlog(_storePathIndex: number, sink: Writable): Promise<number> {
    this.fetches++;
    const bytes = Buffer.from(this.o.stream, 'latin1');
    sink.write(bytes);
    return bytes.length;
  }

  async download(logicName: string, sink: Writable): Promise<number> {
    this.o.beforeDownload?.(logicName, this.downloads.length + 1);
    this.downloads.push(logicName);
    const content = this.o.files.get(logicName);
    if (!content) throw new FdfsError('ERR_SERVER_STATUS', 'no such file', { errno: Errno.ENOENT });
    if (content.length === 0 && this.o.zeroByteEinval) {
      throw new FdfsError('ERR_SERVER_STATUS', 'empty file', { errno: Errno.EINVAL });
    }
    sink.write(content);
    return content.length;
  }
}

/** A logger that keeps its records (msg and fields) in `records`. */
export function recordingLogger(): { logger: Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const sink = new WritableStream({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line !== '') records.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), records };
}

export interface FakeEnvOptions {
  layout: StoreLayout;
  source: RecoverySource;
  threads: number;
  logger: Logger;
  /** Our highest status as the trackers tell it. */
  status?: number;
  storageCount?: number;
  signal?: AbortSignal;
  sizeOfName?: (logicName: string) => number | undefined;
}

export interface FakeEnv extends RecoveryEnv {
  /** Every status reported with 76, in order. */
  reports: number[];
}

export function fakeEnv(o: FakeEnvOptions): FakeEnv {
  const reports: number[] = [];
  return {
    reports,
    layout: o.layout,
    threads: o.threads,
    logger: o.logger,
    signal: o.signal ?? new AbortController().signal,
    groupView: async () => ({
      status: o.status ?? 7,
      storageCount: o.storageCount ?? 2,
      storePathCount: o.layout.storePathCount,
    }),
    pickSource: async () => o.source,
    reportStatus: async (status) => {
      reports.push(status);
    },
    ...(o.sizeOfName ? { sizeOfName: o.sizeOfName } : {}),
  };
}
