// Issue 4: a base path assembled from a C storage's recorded files (disk/clusterA/storage-127.0.0.12,
// with its data files rebuilt at their recorded paths from file-ids.json's contentRule) opens
// under our store with the storage.conf the C storage ran with, serves those files (bytes, file
// info, the recorded `-m` metadata), and leaves the C marks, stats and binlog as it found them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmod,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { parseStorageConfig } from '#src/common/config/storage-config.js';
import { decodeFileId } from '#src/protocol/file-id/file-id.js';
import { decodeMetadata } from '#src/protocol/metadata.js';
import { Store } from '#src/storage/store/index.js';
import { parseTrackerConfig } from '#src/common/config/index.js';
import { StorageClient } from '#src/client/index.js';
import { StorageStatus } from '#src/protocol/status.js';
import { StorageServer } from '#src/storage/index.js';
import { TrackerServer } from '#src/tracker/index.js';
import { whenStatus } from './support/storage-node.js';
import { parseStorageStatFile } from '#src/storage/store/state-files.js';
import { ruleContent } from '#src/storage/store/store.test.helper.js';
import { readVectorJson, vectorPath } from './support/vectors.js';

interface Entry {
  fileId: string;
  kind: string;
  config: { label: string; storage_ip: string };
  contentRule: string;
  appenderParts?: { size: number; seed: number }[];
  fileSize: number;
  crc32Hex: string;
  sourceIpAddr: string;
}

function contentOf(e: Entry): Buffer {
  const parts =
    e.appenderParts ??
    /parts: (.*)$/
      .exec(e.contentRule)![1]!
      .split(', ')
      .map((p) => {
        const [, size, seed] = /^(\d+) bytes seed (\d+)$/.exec(p)!;
        return { size: Number(size), seed: Number(seed) };
      });
  return Buffer.concat(parts.map((p) => ruleContent(p.size, p.seed)));
}

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await makeWritable(p);
    else await chmod(p, 0o644);
  }
}

async function fastParent(): Promise<string> {
  return (await stat('/dev/shm').catch(() => undefined))?.isDirectory() ? '/dev/shm' : tmpdir();
}

/** The data file behind the recorded metadata of `fdfs_test upload` (A-ops pic.jpg, README). */
const PIC = {
  logicName: 'M00/00/00/fwAADGsBidyANlV7AAAAKSd8hCE597.jpg',
  text: 'JPEGDATA-0123456789abcdefghijklmnopqrstuv',
};

/** The C storage 127.0.0.12 of cluster A rebuilt under `dir`: its state files and its data files. */
async function buildCBasePath(dir: string) {
  await cp(vectorPath('disk', 'clusterA', 'storage-127.0.0.12'), dir, { recursive: true });
  await makeWritable(dir);
  const confText = (await readFile(vectorPath('tools', 'conf', 'A-storage1.conf'), 'utf8'))
    .replaceAll('<base_path>', join(dir, 'base_path'))
    .replaceAll('<store_path0>', join(dir, 'store_path0'))
    .replaceAll('<store_path1>', join(dir, 'store_path1'));
  const config = parseStorageConfig(confText, { file: 'A-storage1.conf' });

  // The files of 127.0.0.12 at their recorded paths, each in its last recorded state.
  const byId = new Map<string, Entry>();
  for (const e of readVectorJson<Entry[]>('file-ids.json')) {
    if (e.config.label === 'a' && e.config.storage_ip === '127.0.0.12') byId.set(e.fileId, e);
  }
  const files = [...byId.values()];
  assert.equal(files.length, 26);
  const pathOf = (logicName: string) =>
    join(
      dir,
      `store_path${Number.parseInt(logicName.slice(1, 3), 16)}`,
      'data',
      logicName.slice(4),
    );
  for (const e of files) {
    const p = pathOf(e.fileId.slice('group1/'.length));
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, contentOf(e));
  }
  assert.equal(
    crc32(PIC.text),
    decodeFileId(`group1/${PIC.logicName}`).crc32,
    'the pic.jpg content',
  );
  await writeFile(pathOf(PIC.logicName), PIC.text);

  const kept = [
    'base_path/data/.data_init_flag',
    'base_path/data/sync/binlog.000',
    'base_path/data/sync/binlog_index.dat',
    'base_path/data/sync/127.0.0.13_23200.mark',
    'store_path0/data/.fastdfs_vars',
    'store_path1/data/.fastdfs_vars',
    `store_path0/data/${PIC.logicName.slice(4)}-m`,
  ];
  return { config, files, pathOf, kept };
}

test(
  'a C storage base path opens, serves its files and keeps its marks, stats and binlog as found',
  { timeout: 60_000 },
  async () => {
    const dir = await mkdtemp(join(await fastParent(), 'fdfs-cbase-'));
    try {
      const { config, files, kept } = await buildCBasePath(dir);
      const snapshot = async () => Promise.all(kept.map((f) => readFile(join(dir, f), 'latin1')));
      const before = await snapshot();
      const statPath = join(dir, 'base_path', 'data', 'storage_stat.dat');
      const statBefore = await readFile(statPath, 'latin1');

      const store = new Store({ config, groupName: 'group1', ownIp: '127.0.0.12' });
      await store.open();
      try {
        assert.deepEqual(await snapshot(), before, 'opening rewrote nothing');
        assert.equal(await readFile(statPath, 'latin1'), statBefore);
        assert.deepEqual(store.needsRecovery, []);
        assert.equal(store.initFlag.storageJoinTime, 1795262797);
        assert.ok((await stat(join(dir, 'store_path1', 'data', 'FF', 'FF'))).isDirectory());

        let bytes = 0;
        let computedCrcs = 0;
        for (const e of files) {
          const logicName = e.fileId.slice('group1/'.length);
          const content = contentOf(e);
          const d = await store.openDownload(logicName, 0, 0);
          assert.deepEqual(await collect(d.stream), content, e.fileId);
          bytes += content.length;
          const info = await store.queryFileInfo(logicName);
          if (info.kind !== 'normal') computedCrcs++;
          assert.equal(info.fileSize, e.fileSize, e.fileId);
          assert.equal(info.crc32.toString(16).padStart(8, '0'), e.crc32Hex, e.fileId);
          assert.equal(info.sourceIp, e.sourceIpAddr, e.fileId);
        }
        const pic = decodeMetadata(await store.getMetadata(PIC.logicName));
        assert.deepEqual(pic, [
          { name: 'author', value: 'vec' },
          { name: 'color', value: 'red' },
          { name: 'size', value: 'small' },
        ]);
        const slave = decodeMetadata(
          await store.getMetadata('M00/00/00/fwAADGsBikmAerVsAAAAZD8kLWw342_big.jpg'),
        );
        assert.deepEqual(
          slave.map((m) => m.name),
          ['ext_name', 'file_size', 'height', 'width'],
        );
        await store.close();

        assert.deepEqual(await snapshot(), before, 'marks, binlog and metadata as found');
        // The counters moved by exactly what was served, in the same file layout.
        const was = parseStorageStatFile(statBefore);
        const now = parseStorageStatFile(await readFile(statPath, 'latin1'));
        const reads = files.length + computedCrcs;
        const expected = {
          ...was,
          total_download_count: was.total_download_count + files.length,
          success_download_count: was.success_download_count + files.length,
          total_download_bytes: was.total_download_bytes + bytes,
          success_download_bytes: was.success_download_bytes + bytes,
          total_get_meta_count: was.total_get_meta_count + 2,
          success_get_meta_count: was.success_get_meta_count + 2,
          total_file_open_count: was.total_file_open_count + reads,
          success_file_open_count: was.success_file_open_count + reads,
          total_file_read_count: was.total_file_read_count + reads,
          success_file_read_count: was.success_file_read_count + reads,
        };
        assert.deepEqual(now, expected);
      } finally {
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);

test(
  'our StorageServer starts on a C base path, joins our tracker and serves the C files over the wire',
  { timeout: 90_000 },
  async () => {
    const dir = await mkdtemp(join(await fastParent(), 'fdfs-cbase-live-'));
    const tracker = new TrackerServer({
      ...parseTrackerConfig(
        `base_path = ${join(dir, 'tracker')}\nbind_addr = 127.0.0.11\nport = 22200\n` +
          'reserved_storage_space = 1MB\nlog_level = error\n',
        { file: join(dir, 'tracker.conf') },
      ),
      port: 0,
    });
    let storage: StorageServer | undefined;
    const client = new StorageClient();
    try {
      await mkdir(join(dir, 'tracker'));
      const { config, files, kept } = await buildCBasePath(dir);
      const untouched = kept.filter((f) => !f.endsWith('.data_init_flag'));
      const snapshot = async () =>
        Promise.all(untouched.map((f) => readFile(join(dir, f), 'latin1')));
      const before = await snapshot();
      const trackerPort = (await tracker.listen()).port;
      storage = new StorageServer({
        ...config,
        port: 0,
        trackerServers: [{ hosts: ['127.0.0.11'], port: trackerPort }],
        heartBeatInterval: 1,
        statReportInterval: 1,
        logLevel: 'error',
      });
      const active = whenStatus(storage, StorageStatus.ACTIVE, 60_000);
      const { port } = await storage.listen();
      await active;
      const server = { host: '127.0.0.12', port };
      for (const e of files) {
        const got = await client.downloadToBuffer(server, e.fileId);
        assert.ok(got.equals(contentOf(e)), `${e.fileId} over the wire`);
        const info = await client.queryFileInfo(server, e.fileId);
        assert.equal(info.fileSize, BigInt(e.fileSize), e.fileId);
      }
      const meta = await client.getMetadata(server, `group1/${PIC.logicName}`);
      assert.deepEqual(
        meta.map((m) => [m.name, m.value]),
        [
          ['author', 'vec'],
          ['color', 'red'],
          ['size', 'small'],
        ],
      );
      await storage.close();
      storage = undefined;
      assert.deepEqual(
        await snapshot(),
        before,
        'binlog, marks, store-path marks and metadata kept',
      );
    } finally {
      await client.close();
      await storage?.close();
      await tracker.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
);
