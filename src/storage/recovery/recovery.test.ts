// Disk recovery in process (§8.8): the cmd-26 stream our storage serves (what is sent, what is
// left out, malformed lines skipped) read back through the recovering side's client, and the
// recovery of a path with fake trackers and source: fresh, skipped, resumed from the marks, and
// re-split when disk_recovery_threads changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, lstat, readFile, readlink, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { silentLogger } from '../../common/logger.js';
import { StorageStatus } from '../../protocol/status.js';
import { parseBinlogText, type BinlogRecord } from '../binlog/record.js';
import { withService } from '../service/harness.test.helper.js';
import { withStore } from '../store/store.test.helper.js';
import type { StoreLayout } from '../store/layout.js';
import { recoverStorePath, type RecoveryEnv } from './disk-recovery.js';
import {
  formatRecoveryFlag,
  formatRecoveryMark,
  recoveryBinlogPath,
  recoveryFlagPath,
  recoveryMarkPath,
  recoveryThreadOf,
} from './recovery-files.js';
import { NetworkSource, type RecoverySource } from './source.js';

function collector(): { sink: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  return { sink, text: () => Buffer.concat(chunks).toString('latin1') };
}

function records(text: string): BinlogRecord[] {
  return parseBinlogText(text).lines.map((l) => {
    assert.ok(l.ok, `malformed line in the stream: ${l.ok ? '' : l.line}`);
    return l.record;
  });
}

const logic = (fileId: string): string => fileId.slice('group1/'.length);

test('cmd 26: creates, links and renames of one path whose files exist; the rest left out', async () => {
  await withService(async ({ client, address, store, basePath }) => {
    const up = (content: string, storePathIndex = 0, appender = false) =>
      client.upload(address, { content: Buffer.from(content), storePathIndex, appender });
    const f1 = await up('one');
    const f2 = await up('two');
    const f3 = await up('three');
    await up('four', 1);
    await client.setMetadata(address, f1, [{ name: 'k', value: 'v' }], 'O');
    await client.deleteFile(address, f2);
    const link = await client.createLink(address, {
      sourceFileId: f3,
      signature: Buffer.from('s'),
    });
    const appender = await up('app', 0, true);
    await client.append(address, appender, { content: Buffer.from('end') });
    const renamed = await client.regenerateAppenderName(address, appender);
    // C's malformed link line (§16 #2), and a replica record of a file that exists.
    const replica = 'M00/00/00/replicaFileOfAPeer.txt';
    await writeFile(store.layout.resolve(replica).dataPath, 'peer');
    const binlog = join(basePath, 'data', 'sync', 'binlog.000');
    await appendFile(binlog, `1800000000 L  ${logic(f3)}\n1800000001 c ${replica}\n`);

    const source = new NetworkSource({
      groupName: 'group1',
      host: address.host,
      port: address.port,
      client,
      connectTimeoutMs: 2000,
      networkTimeoutMs: 5000,
      signal: new AbortController().signal,
    });
    const { sink, text } = collector();
    const bytes = await source.fetchPathBinlog(0, sink);
    assert.equal(bytes, Buffer.byteLength(text()));
    const got = records(text()).map((r) =>
      'srcFilename' in r ? `${r.op} ${r.filename} ${r.srcFilename}` : `${r.op} ${r.filename}`,
    );
    assert.deepEqual(got, [
      `C ${logic(f1)}`,
      `C ${logic(f3)}`,
      `C ${logic(f1)}-m`,
      `L ${logic(link)} ${logic(f3)}`,
      `C ${logic(renamed)}`,
      `c ${replica}`,
    ]);
    // What a recovering storage downloads for metadata: the `-m` file itself, with cmd 14.
    const { sink: m, text: meta } = collector();
    await source.download(`${logic(f1)}-m`, m);
    assert.equal(meta(), 'k\x02v');
    // A path that does not exist, and another group, are refused.
    await assert.rejects(source.fetchPathBinlog(5, collector().sink), /status 22|EINVAL/);
  });
});

interface FakeWorld {
  env: RecoveryEnv;
  downloads: string[];
  reports: number[];
}

function fakeWorld(
  layout: StoreLayout,
  threads: number,
  files: Map<string, string>,
  options: { stream?: string; status?: number } = {},
): FakeWorld {
  const downloads: string[] = [];
  const reports: number[] = [];
  const source: RecoverySource = {
    label: 'fake',
    async fetchPathBinlog(_i, sink) {
      const text = options.stream ?? '';
      await new Promise<void>((r) => sink.write(text, () => r()));
      return text.length;
    },
    async download(name, sink) {
      downloads.push(name);
      const content = files.get(name);
      if (content === undefined) throw new Error(`no ${name}`);
      await new Promise<void>((r) => sink.write(content, () => r()));
      return content.length;
    },
  };
  const env: RecoveryEnv = {
    layout,
    threads,
    logger: silentLogger,
    signal: new AbortController().signal,
    groupView: async () => ({
      status: options.status ?? StorageStatus.OFFLINE,
      storageCount: 2,
      storePathCount: 2,
    }),
    pickSource: async () => source,
    reportStatus: async (s) => {
      reports.push(s);
    },
  };
  return { env, downloads, reports };
}

const A = 'M00/00/00/fileA.txt';
const B = 'M00/00/01/fileB.txt';
const C = 'M00/00/02/fileC.bin';
const D = 'M00/00/03/fileD.bin';
const L = 'M00/00/00/linkToA.txt';
const FILES = new Map([
  [A, 'aaa'],
  [B, 'bbbb'],
  [C, ''],
  [D, 'dd'],
]);

async function recoveryLeftovers(dataDir: string): Promise<string[]> {
  return (await readdir(dataDir)).filter((n) => n.includes('recovery'));
}

test('a fresh recovery fetches, splits, downloads everything and reports RECOVERY then the saved status', async () => {
  await withStore(async ({ store }) => {
    const stream = `100 C ${A}\n101 C ${B}\n102 c ${C}\n103 L  ${A}\n104 L ${L} ${A}\n105 C ${D}\n`;
    const w = fakeWorld(store.layout, 3, FILES, { stream });
    const result = await recoverStorePath(w.env, 0);
    assert.equal(result.recovered, true);
    assert.deepEqual([result.files, result.links], [4, 1]);
    assert.deepEqual([...w.downloads].sort(), [A, B, C, D].sort());
    assert.deepEqual(w.reports, [StorageStatus.RECOVERY, StorageStatus.OFFLINE]);
    for (const [name, content] of FILES) {
      const path = store.layout.resolve(name).dataPath;
      assert.equal(await readFile(path, 'latin1'), content);
    }
    assert.equal(Math.floor((await stat(store.layout.resolve(B).dataPath)).mtimeMs / 1000), 101);
    const linkPath = store.layout.resolve(L).dataPath;
    assert.ok((await lstat(linkPath)).isSymbolicLink());
    assert.equal(await readlink(linkPath), store.layout.resolve(A).dataPath);
    assert.deepEqual(await recoveryLeftovers(store.layout.storePath(0).dataDir), []);
  });
});

test('recovery is skipped for an INIT storage: no flag, nothing reported', async () => {
  await withStore(async ({ store }) => {
    const w = fakeWorld(store.layout, 1, FILES, {
      status: StorageStatus.INIT,
      stream: `1 C ${A}\n`,
    });
    const result = await recoverStorePath(w.env, 0);
    assert.equal(result.recovered, false);
    assert.deepEqual([w.downloads, w.reports], [[], []]);
    assert.deepEqual(await recoveryLeftovers(store.layout.storePath(0).dataDir), []);
  });
});

test('an interrupted recovery resumes from each thread mark, without fetching again', async () => {
  await withStore(async ({ store }) => {
    const dataDir = store.layout.storePath(0).dataDir;
    const line0 = `100 C ${A}\n`;
    const lines = [line0, `101 C ${B}\n`, `102 C ${C}\n`, `103 C ${D}\n`];
    const threads = 2;
    const files: string[] = Array.from({ length: threads }, () => '');
    for (const line of lines) {
      const rec = records(line)[0]!;
      files[recoveryThreadOf(rec, threads)] += line;
    }
    for (let i = 0; i < threads; i++) await writeFile(recoveryBinlogPath(dataDir, i), files[i]!);
    // The thread holding A had done A when the process died.
    const threadOfA = recoveryThreadOf(records(line0)[0]!, threads);
    assert.ok(files[threadOfA]!.startsWith(line0));
    await writeFile(recoveryMarkPath(dataDir, threadOfA), formatRecoveryMark(line0.length));
    await writeFile(
      recoveryFlagPath(dataDir),
      formatRecoveryFlag({
        savedStorageStatus: 7,
        fetchBinlogDone: true,
        recoveryThreads: threads,
      }),
    );
    const w = fakeWorld(store.layout, threads, FILES, { stream: 'must not be fetched' });
    const result = await recoverStorePath(w.env, 0);
    assert.equal(result.recovered, true);
    assert.deepEqual([...w.downloads].sort(), [B, C, D].sort());
    assert.deepEqual(w.reports, [StorageStatus.RECOVERY, StorageStatus.ACTIVE]);
    assert.deepEqual(await recoveryLeftovers(dataDir), []);
  });
});

test('a changed disk_recovery_threads re-splits what is left; a fetch that never finished is redone', async () => {
  await withStore(async ({ store }) => {
    const dataDir = store.layout.storePath(0).dataDir;
    const text = `100 C ${A}\n101 C ${B}\n102 C ${C}\n103 C ${D}\n`;
    await writeFile(recoveryBinlogPath(dataDir, 0), text);
    await writeFile(recoveryMarkPath(dataDir, 0), formatRecoveryMark(`100 C ${A}\n`.length));
    await writeFile(
      recoveryFlagPath(dataDir),
      formatRecoveryFlag({ savedStorageStatus: 5, fetchBinlogDone: true, recoveryThreads: 1 }),
    );
    const w = fakeWorld(store.layout, 3, FILES);
    await recoverStorePath(w.env, 0);
    assert.deepEqual([...w.downloads].sort(), [B, C, D].sort());

    // fetch_binlog_done=0 (the last run died mid-fetch): fetched again, then all downloaded.
    await writeFile(recoveryBinlogPath(dataDir, 0), `100 C ${A}\n`);
    await writeFile(
      recoveryFlagPath(dataDir),
      formatRecoveryFlag({ savedStorageStatus: 99, fetchBinlogDone: false, recoveryThreads: -1 }),
    );
    const again = fakeWorld(store.layout, 1, FILES, { stream: `100 C ${A}\n101 C ${B}\n` });
    await recoverStorePath(again.env, 0);
    assert.deepEqual(again.downloads, [A, B]);
    // saved_storage_status=99 and nothing fetched: step 1 asks the trackers again, and the
    // status they tell (OFFLINE here) is the one restored.
    assert.deepEqual(again.reports, [StorageStatus.RECOVERY, StorageStatus.OFFLINE]);
  });
});
