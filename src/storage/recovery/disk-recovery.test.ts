// Disk recovery of one store path (§8.8, §16 #3, #16) against a source in memory: a fresh run,
// a crash mid-run resumed from the flag and the per-thread marks (with a different thread count),
// a run killed during the fetch, and the cases C skips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, readFile, readdir, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger } from '../../common/logger.js';
import { StorageStatus } from '../../protocol/status.js';
import { recoverStorePath } from './disk-recovery.js';
import {
  FakeSource,
  fakeEnv,
  layoutFixture,
  recordingLogger,
  SUBDIRS,
  type LayoutFixture,
} from './recovery.test.helper.js';
import { parseRecoveryFlag, parseRecoveryMark, recoveryFlagPath } from './recovery-files.js';

const PATH = 1;
const T0 = 1_795_000_000;

interface Case {
  stream: string;
  files: Map<string, Buffer>;
  /** Every data file the recovery must leave, by logic name (links excluded). */
  expected: Map<string, { content: Buffer; ts: number }>;
}

function nameOf(i: number, suffix = ''): string {
  const a = i % SUBDIRS;
  const b = Math.floor(i / SUBDIRS) % SUBDIRS;
  return `M0${PATH}/0${a}/0${b}/file${String(i).padStart(6, '0')}.bin${suffix}`;
}

function contentOf(i: number): Buffer {
  const size = i % 5 === 0 ? 0 : (i * 37) % 3000;
  return Buffer.alloc(size, i % 251);
}

/** `count` files (every 5th is empty, every 4th has a `-m` file), half created here (C), half
 * replicated (c), one `.bin` gone at the source, and the C's malformed link line (§16 #2). */
function makeCase(count: number): Case {
  const files = new Map<string, Buffer>();
  const expected = new Map<string, { content: Buffer; ts: number }>();
  let stream = '';
  for (let i = 0; i < count; i++) {
    const ts = T0 + i;
    const op = i % 2 === 0 ? 'C' : 'c';
    const name = nameOf(i);
    stream += `${ts} ${op} ${name}\n`;
    files.set(name, contentOf(i));
    expected.set(name, { content: contentOf(i), ts });
    if (i % 4 === 0) {
      const meta = Buffer.from(`i\x02${i}`);
      stream += `${ts} ${op} ${name}-m\n`;
      files.set(`${name}-m`, meta);
      expected.set(`${name}-m`, { content: meta, ts });
    }
    if (i === 3) stream += `${ts} L  ${nameOf(1)}\n`;
  }
  // Listed but deleted at the source since (ENOENT): skipped, not retried forever.
  stream += `${T0 + count} C ${nameOf(count)}\n`;
  return { stream, files, expected };
}

async function checkRecovered(f: LayoutFixture, c: Case): Promise<void> {
  for (const [name, e] of c.expected) {
    const path = f.layout.resolve(name).dataPath;
    assert.ok((await readFile(path)).equals(e.content), `${name}: content`);
    assert.equal(Math.floor((await lstat(path)).mtimeMs / 1000), e.ts, `${name}: mtime`);
  }
  const dataDir = f.layout.storePath(PATH).dataDir;
  const left = (await readdir(dataDir)).filter((n) => n.includes('recovery'));
  assert.deepEqual(left, [], 'the recovery files are removed');
  assert.deepEqual(await readdir(f.layout.storePath(PATH).tempDir), [], 'no temporary file left');
}

test('a fresh recovery: every file (0-byte ones from a C source too), links, old names', async () => {
  const f = await layoutFixture();
  try {
    const c = makeCase(40);
    const link = nameOf(900);
    c.stream += `${T0 + 50} L ${link} ${nameOf(2)}\n`;
    const source = new FakeSource({ stream: c.stream, files: c.files, zeroByteEinval: true });
    const { logger, records } = recordingLogger();
    const env = fakeEnv({
      layout: f.layout,
      source,
      threads: 3,
      logger,
      status: StorageStatus.ACTIVE,
      sizeOfName: (n) => c.files.get(n)?.length,
    });
    const result = await recoverStorePath(env, PATH);
    assert.equal(result.recovered, true);
    assert.equal(result.files, c.expected.size);
    assert.equal(result.links, 1);
    assert.equal(source.fetches, 1);
    assert.deepEqual(env.reports, [StorageStatus.RECOVERY, StorageStatus.ACTIVE]);
    await checkRecovered(f, c);
    const linkPath = f.layout.resolve(link).dataPath;
    assert.ok((await lstat(linkPath)).isSymbolicLink());
    assert.equal(await readlink(linkPath), f.layout.resolve(nameOf(2)).dataPath);
    const malformed = records.filter((r) => r['msg'] === 'disk recovery: malformed line skipped');
    assert.equal(malformed.length, 1, 'the malformed C link line is logged once and skipped');
  } finally {
    await f.cleanup();
  }
});

test('a crash mid-recovery resumes from .recovery.flag and the marks, re-split over new threads', async () => {
  const f = await layoutFixture();
  try {
    const c = makeCase(600);
    const crash = new AbortController();
    const first = new FakeSource({
      stream: c.stream,
      files: c.files,
      beforeDownload: (_name, n) => {
        if (n === 400) {
          crash.abort();
          throw new Error('killed');
        }
      },
    });
    const env1 = fakeEnv({
      layout: f.layout,
      source: first,
      threads: 2,
      logger: silentLogger,
      status: StorageStatus.OFFLINE,
      signal: crash.signal,
    });
    await assert.rejects(recoverStorePath(env1, PATH));
    assert.deepEqual(env1.reports, [StorageStatus.RECOVERY]);
    const dataDir = f.layout.storePath(PATH).dataDir;
    const flag = parseRecoveryFlag(await readFile(recoveryFlagPath(dataDir), 'latin1'));
    assert.deepEqual(flag, {
      savedStorageStatus: StorageStatus.OFFLINE,
      fetchBinlogDone: true,
      recoveryThreads: 2,
    });
    let marked = 0;
    for (const i of [0, 1]) {
      marked += parseRecoveryMark(await readFile(join(dataDir, `.recovery.mark.${i}`), 'latin1'));
    }
    assert.ok(marked > 0, 'progress was saved in the marks');

    const second = new FakeSource({ stream: '', files: c.files });
    const env2 = fakeEnv({ layout: f.layout, source: second, threads: 3, logger: silentLogger });
    const result = await recoverStorePath(env2, PATH);
    assert.equal(result.recovered, true);
    assert.equal(second.fetches, 0, 'fetch_binlog_done = 1: the binlog is not fetched again');
    assert.deepEqual(env2.reports, [StorageStatus.RECOVERY, StorageStatus.OFFLINE]);
    const total = c.expected.size + 1;
    assert.ok(second.downloads.length < total - 200, `resumed: ${second.downloads.length} again`);
    const done = new Set([...first.downloads, ...second.downloads]);
    for (const name of c.expected.keys()) assert.ok(done.has(name), `${name} was downloaded`);
    await checkRecovered(f, c);
  } finally {
    await f.cleanup();
  }
});

test('a recovery killed during the fetch (flag 99 / 0 / -1) asks the status and fetches again', async () => {
  const f = await layoutFixture();
  try {
    const c = makeCase(30);
    const dataDir = f.layout.storePath(PATH).dataDir;
    await writeFile(
      recoveryFlagPath(dataDir),
      'saved_storage_status=99\nfetch_binlog_done=0\nrecovery_threads=-1\n',
    );
    await writeFile(join(dataDir, '.binlog.recovery.0'), c.stream.slice(0, 100));
    const source = new FakeSource({ stream: c.stream, files: c.files });
    const env = fakeEnv({ layout: f.layout, source, threads: 2, logger: silentLogger });
    const result = await recoverStorePath(env, PATH);
    assert.equal(source.fetches, 1);
    assert.equal(result.files, c.expected.size);
    // 99 = no status known yet: asked again before the fetch, and restored at the end.
    assert.deepEqual(env.reports, [StorageStatus.RECOVERY, StorageStatus.ACTIVE]);
    await checkRecovered(f, c);
  } finally {
    await f.cleanup();
  }
});

test('a flag of 99 while the trackers say RECOVERY (our own last run) restores nothing', async () => {
  const f = await layoutFixture();
  try {
    const c = makeCase(10);
    const dataDir = f.layout.storePath(PATH).dataDir;
    await writeFile(
      recoveryFlagPath(dataDir),
      'saved_storage_status=99\nfetch_binlog_done=0\nrecovery_threads=-1\n',
    );
    const source = new FakeSource({ stream: c.stream, files: c.files });
    const env = fakeEnv({
      layout: f.layout,
      source,
      threads: 1,
      logger: silentLogger,
      status: StorageStatus.RECOVERY,
    });
    await recoverStorePath(env, PATH);
    assert.deepEqual(env.reports, [StorageStatus.RECOVERY]);
    await checkRecovered(f, c);
  } finally {
    await f.cleanup();
  }
});

test('the start-up flag (99 / 0 / -1) is dropped when recovery is skipped', async () => {
  const f = await layoutFixture();
  try {
    const dataDir = f.layout.storePath(PATH).dataDir;
    await writeFile(
      recoveryFlagPath(dataDir),
      'saved_storage_status=99\nfetch_binlog_done=0\nrecovery_threads=-1\n',
    );
    const source = new FakeSource({ stream: '', files: new Map() });
    const env = fakeEnv({
      layout: f.layout,
      source,
      threads: 1,
      logger: silentLogger,
      storageCount: 1,
    });
    const result = await recoverStorePath(env, PATH);
    assert.equal(result.recovered, false);
    assert.equal(source.fetches, 0);
    assert.ok(!(await readdir(dataDir)).includes('.recovery.flag'));
  } finally {
    await f.cleanup();
  }
});

test('recovery is skipped as C skips it: alone in the group, INIT, DELETED, IP_CHANGED', async () => {
  const cases = [
    { status: StorageStatus.ACTIVE, storageCount: 1 },
    { status: StorageStatus.INIT, storageCount: 2 },
    { status: StorageStatus.DELETED, storageCount: 2 },
    { status: StorageStatus.IP_CHANGED, storageCount: 2 },
  ];
  for (const k of cases) {
    const f = await layoutFixture();
    try {
      const source = new FakeSource({ stream: makeCase(3).stream, files: new Map() });
      const env = fakeEnv({ layout: f.layout, source, threads: 2, logger: silentLogger, ...k });
      const result = await recoverStorePath(env, PATH);
      assert.equal(result.recovered, false, JSON.stringify(k));
      assert.equal(source.fetches, 0);
      assert.deepEqual(env.reports, []);
      const left = await readdir(f.layout.storePath(PATH).dataDir);
      assert.ok(!left.includes('.recovery.flag'), 'no flag is written');
    } finally {
      await f.cleanup();
    }
  }
});
