// TrackerClient, StorageClient and the call sequences against the real 6.16.1 recordings
// (§5.1, §6.1, §12). A fake tracker and a fake storage on 127.0.0.1, port 0, answer with the
// RECORDED reply bytes of packet files, after checking that each request our client sent is
// byte for byte the recorded request (header and body). Our client performs the operation the C
// tool performed (the packet's `producedBy`, the tools' inputs in test/vectors/README.md), and its
// result must mean what the recorded reply means (the recorder's `context.decoded`); an error
// reply must reject with the recorded errno.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { FramedConnection } from '#src/common/connection.js';
import { FdfsError } from '#src/common/errors.js';
import type { PoolOptions } from '#src/common/pool.js';
import {
  StorageClient,
  TrackerClient,
  type FdfsClients,
  type StorageAddress,
} from '#src/client/index.js';
import * as ops from '#src/client/operations.js';
import { loadPacket } from './support/vectors.js';
import {
  address,
  decoded,
  ReplayServer,
  requestFileId,
  scriptOf,
  type Decoded,
} from './support/replay.js';
import { CoverageRecorder, coverageTest } from './support/coverage.js';

const coverage = new CoverageRecorder();
const T = { timeout: 10_000 };

// ---- what the C tools sent (test/vectors/README.md, PROTOCOL.md §12) ----------------------

const HELLO = Buffer.from('Hello FastDFS golden vector!\n');
const PIC = Buffer.from('JPEGDATA-0123456789abcdefghijklmnopqrstuv');
const PART1 = Buffer.from('appender-part-1\n');
const PART2 = Buffer.from('appender-part-2\n');
const APPTEST = Buffer.from('appender-test-0123456789-ABCDEFGHIJKLMNO');
const SMALL_TGZ = Buffer.from('tgz-content-64bytes-0123456789-0123456789-0123456789-0123456789!');
const EMPTY = Buffer.alloc(0);
/** The metadata fdfs_test and fdfs_appender_test upload with (§12). */
const TEST_META = [
  { name: 'ext_name', value: 'jpg' },
  { name: 'width', value: '160' },
  { name: 'height', value: '80' },
  { name: 'file_size', value: '115120' },
];

const A_HELLO = 'group1/M00/00/00/fwAADGsBidOAXtDXAAAAHdnGElo349.txt';
const A_PIC = 'group1/M00/00/00/fwAADGsBidyANlV7AAAAKSd8hCE597.jpg';
const A_PIC_SLAVE = 'group1/M00/00/00/fwAADGsBidyANlV7AAAAKSd8hCE597_big.jpg';
const A_APPENDER = 'group1/M01/00/00/fwAADGsBideEXfvuAAAAAHBp7QQ708.log';
const A_APPTEST = 'group1/M00/00/00/fwAADGsBidyER8vNAAAAAOG9Nws248.txt';
const B_PIC = 'group1/M00/00/00/oYYBAGsBjB6AVAbiAAAAKSd8hCE001.jpg';
const B_APPENDER = 'group1/M00/00/00/oYYBAGsBjPiEOHNCAAAAAHBp7QQ454.log';
const B_LINK_SOURCE = 'group1/M00/00/00/oYYBAGsBjEuAFS4jAAAAZBmMglE557.txt';

// ---- cases -------------------------------------------------------------------------------

interface Ctx {
  tracker: TrackerClient;
  storage: StorageClient;
  clients: FdfsClients;
  /** The storage a packet file was recorded from (all connect to the fake storage). */
  at(file: string): StorageAddress;
}

interface ReplayCase {
  name: string;
  /** Packet file → the client methods checked against it. */
  tracker?: Record<string, string[]>;
  storage?: Record<string, string[]>;
  /** The storage's exchanges in this order ([file, index]) instead of file after file. */
  storageOrder?: [string, number][];
  run(ctx: Ctx): Promise<void>;
}

/** What a recorded reply means, in the shape our client returns it. */
function meaning(entry: Decoded): unknown {
  const r = entry.response ?? {};
  const group = r['group_name'] as string;
  type Server = { ip: string; port: number };
  switch (entry.cmd) {
    case 11:
    case 20:
    case 21:
    case 23:
    case 38:
      return `${group}/${String(r['filename'])}`;
    case 101:
    case 104:
      return {
        groupName: group,
        host: r['ip'],
        port: r['port'],
        storePathIndex: r['store_path_index'],
      };
    case 106:
    case 107:
      return (r['servers'] as Server[]).map((s) => ({
        groupName: group,
        host: s.ip,
        port: s.port,
        storePathIndex: r['store_path_index'],
      }));
    case 102:
    case 103:
      return { groupName: group, host: r['ip'], port: r['port'] };
    case 105:
      return (r['servers'] as Server[]).map((s) => ({
        groupName: group,
        host: s.ip,
        port: s.port,
      }));
    case 22:
      return {
        fileSize: BigInt(r['file_size'] as number),
        createTimestamp: r['create_timestamp'],
        crc32: parseInt(r['crc32_hex'] as string, 16),
        sourceIpAddr: r['source_ip'],
      };
    case 15:
      return (r['metadata'] as [string, string][]).map(([name, value]) => ({ name, value }));
    case 14:
      return Buffer.from(r['content'] as string, 'hex');
    default:
      return undefined;
  }
}

/** `call` must resolve with what exchange `index` of `file` means, or reject with its errno. */
async function expect(file: string, index: number, call: Promise<unknown>): Promise<unknown> {
  const entry = decoded(file, index);
  const status = entry.responseStatus ?? 0;
  if (status !== 0) {
    await assert.rejects(call, (err: unknown) => {
      assert.ok(err instanceof FdfsError, String(err));
      assert.equal(err.code, 'ERR_SERVER_STATUS', err.message);
      assert.equal(err.errno, status);
      assert.equal(err.command, entry.cmd);
      return true;
    });
    return undefined;
  }
  const result = await call;
  assert.deepEqual(result, meaning(entry), `${file} exchange ${index}`);
  return result;
}

/** A Writable collecting what it is given. */
function collector(): { sink: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { sink, bytes: () => Buffer.concat(chunks) };
}

function replayTest(c: ReplayCase): void {
  test(`replay: ${c.name}`, T, async (t) => {
    const trackerFiles = c.tracker ?? {};
    const storageFiles = c.storage ?? {};
    const trackerReplay = await new ReplayServer(scriptOf(trackerFiles)).start(t);
    const storageReplay = await new ReplayServer(scriptOf(storageFiles, c.storageOrder)).start(t);
    // The clients talk to the recorded addresses; every connect lands on the fake server.
    const poolOptions = (port: number): PoolOptions => ({
      activeTestAfterIdleMs: 60_000,
      connect: (o) => FramedConnection.connect({ ...o, host: '127.0.0.1', port }),
    });
    const trackerAddr = Object.keys(trackerFiles).map((f) => loadPacket(f).context['serverAddr']);
    const tracker = new TrackerClient({
      trackers: [address(String(trackerAddr[0] ?? '127.0.0.11:22200'))],
      connectTimeoutMs: 2000,
      networkTimeoutMs: 5000,
      poolOptions: poolOptions(trackerReplay.port),
    });
    const storage = new StorageClient({
      connectTimeoutMs: 2000,
      networkTimeoutMs: 5000,
      poolOptions: poolOptions(storageReplay.port),
    });
    t.after(async () => {
      await tracker.close();
      await storage.close();
    });
    const ctx: Ctx = {
      tracker,
      storage,
      clients: { tracker, storage },
      at: (file) => address(String(loadPacket(file).context['serverAddr'])),
    };
    try {
      await c.run(ctx);
    } catch (err) {
      // A request that differs cuts its connection: report the difference, not the cut.
      trackerReplay.checkRequests();
      storageReplay.checkRequests();
      throw err;
    }
    trackerReplay.check();
    storageReplay.check();
    for (const files of [trackerFiles, storageFiles]) {
      for (const [file, codecs] of Object.entries(files)) {
        for (const codec of codecs) coverage.record(codec, file);
      }
    }
  });
}

// ---- storage commands (StorageClient) ----------------------------------------------------

const UPLOADS: [file: string, storePathIndex: number, ext: string, content: Buffer][] = [
  ['storage-11-upload-file.json', 0, 'txt', HELLO], // fdfs_upload_file client.conf hello.txt
  ['storage-11-upload-file-empty.json', 1, '', EMPTY], // ... empty
  ['storage-11-upload-file-id-name.json', 0, 'txt', HELLO], // cluster B
  ['storage-11-upload-file-id-type-ip.json', 0, '', EMPTY], // configuration c
  ['storage-11-upload-file-store-path-1.json', 1, 'jpg', PIC], // pic.jpg 127.0.0.12:23200 1
  ['storage-11-upload-file-tar-gz.json', 0, 'tar.gz', SMALL_TGZ],
];
for (const [file, storePathIndex, ext, content] of UPLOADS) {
  replayTest({
    name: file,
    storage: { [file]: ['StorageClient.upload'] },
    run: async ({ storage, at }) => {
      await expect(file, 0, storage.upload(at(file), { storePathIndex, ext, content }));
    },
  });
}

replayTest({
  name: 'fdfs_test upload: UPLOAD, SET_METADATA O, ACTIVE_TEST on one storage',
  storage: {
    'storage-11-upload-file-with-metadata.json': [
      'StorageClient.upload',
      'StorageClient.setMetadata',
      'StorageClient.activeTest',
    ],
  },
  run: async ({ storage, at }) => {
    const file = 'storage-11-upload-file-with-metadata.json';
    const server = at(file);
    const fileId = await expect(
      file,
      0,
      storage.upload(server, { storePathIndex: 0, ext: 'jpg', content: PIC }),
    );
    assert.equal(fileId, A_PIC);
    await expect(file, 1, storage.setMetadata(server, A_PIC, TEST_META, 'O'));
    await expect(file, 2, storage.activeTest(server));
  },
});

replayTest({
  name: 'ACTIVE_TEST, then QUIT when the client closes',
  storage: {
    'storage-111-active-test.json': ['StorageClient.activeTest'],
    'storage-82-quit.json': ['StorageClient.close'],
  },
  run: async ({ storage, at }) => {
    await expect('storage-111-active-test.json', 0, storage.activeTest(at('storage-82-quit.json')));
    await storage.close();
  },
});

for (const [file, fileId] of [
  ['storage-12-delete-file.json', 'group1/M00/00/00/fwAADGsBidSANa7pAAAAQBU316s.tar.gz'],
  ['storage-12-delete-file-missing-enoent.json', A_PIC_SLAVE],
  ['storage-12-delete-file-slave-link.json', B_PIC.replace('.jpg', '_big.jpg')],
] as const) {
  replayTest({
    name: file,
    storage: { [file]: ['StorageClient.deleteFile'] },
    run: async ({ storage, at }) => {
      await expect(file, 0, storage.deleteFile(at(file), fileId));
    },
  });
}

for (const [file, op, entries] of [
  // fdfs_test client.conf setmeta group1 <A_PIC> O color=red,size=big
  ['storage-13-set-metadata-overwrite.json', 'O', { color: 'red', size: 'big' }],
  // ... M size=small,author=vec
  ['storage-13-set-metadata-merge.json', 'M', { size: 'small', author: 'vec' }],
] as const) {
  replayTest({
    name: file,
    storage: { [file]: ['StorageClient.setMetadata'] },
    run: async ({ storage, at }) => {
      await expect(file, 0, storage.setMetadata(at(file), A_PIC, entries, op));
    },
  });
}

for (const [file, fileId] of [
  ['storage-15-get-metadata.json', A_PIC],
  ['storage-15-get-metadata-after-merge.json', A_PIC],
  ['storage-15-get-metadata-none-enoent.json', A_HELLO],
] as const) {
  replayTest({
    name: file,
    storage: { [file]: ['StorageClient.getMetadata'] },
    run: async ({ storage, at }) => {
      await expect(file, 0, storage.getMetadata(at(file), fileId));
    },
  });
}

const DOWNLOADS: [file: string, fileId: string, offset: number, length: number][] = [
  ['storage-14-download-file.json', A_HELLO, 0, 0],
  ['storage-14-download-file-range.json', A_HELLO, 6, 7], // ... range.dl 6 7
  ['storage-14-download-file-overlong-range.json', A_HELLO, 20, 100],
  ['storage-14-download-file-missing-enoent.json', A_HELLO.replace('349', '999'), 0, 0],
  [
    'storage-14-download-file-empty-file-einval.json',
    'group1/M01/00/00/fwAADGsBidOANkpDAAAAAAAAAAA0078453',
    0,
    0,
  ],
  ['storage-14-download-file-offset-eof-einval.json', A_HELLO, 29, 0],
  ['storage-14-download-file-wrong-group-einval.json', A_HELLO.replace('group1', 'group9'), 0, 0],
];
for (const [file, fileId, offset, length] of DOWNLOADS) {
  replayTest({
    name: `${file} (into a buffer)`,
    storage: { [file]: ['StorageClient.downloadToBuffer'] },
    run: async ({ storage, at }) => {
      await expect(file, 0, storage.downloadToBuffer(at(file), fileId, { offset, length }));
    },
  });
}
for (const [file, fileId, offset, length] of DOWNLOADS.slice(0, 3)) {
  replayTest({
    name: `${file} (into a stream)`,
    storage: { [file]: ['StorageClient.download'] },
    run: async ({ storage, at }) => {
      const { sink, bytes } = collector();
      const range = offset === 0 && length === 0 ? undefined : { offset, length };
      const n = await storage.download(at(file), fileId, range, sink);
      assert.deepEqual(bytes(), meaning(decoded(file)));
      assert.equal(n, bytes().length);
    },
  });
}

replayTest({
  name: 'storage-20-create-link.json',
  storage: { 'storage-20-create-link.json': ['StorageClient.createLink'] },
  run: async ({ storage, at }) => {
    const file = 'storage-20-create-link.json';
    const signature = Buffer.from('sig12345');
    await expect(
      file,
      0,
      storage.createLink(at(file), { sourceFileId: B_LINK_SOURCE, signature, ext: 'txt' }),
    );
  },
});

replayTest({
  name: 'storage-20-create-link-slave-name.json',
  storage: { 'storage-20-create-link-slave-name.json': ['StorageClient.createLink'] },
  run: async ({ storage, at }) => {
    const file = 'storage-20-create-link-slave-name.json';
    const options = {
      sourceFileId: B_LINK_SOURCE,
      masterFileId: B_LINK_SOURCE,
      signature: Buffer.from('sig12345'),
      prefix: '_lnk',
      ext: 'txt',
    };
    await expect(file, 0, storage.createLink(at(file), options));
  },
});

for (const [file, master] of [
  ['storage-21-upload-slave-file.json', A_PIC],
  ['storage-21-upload-slave-file-link.json', B_PIC],
] as const) {
  replayTest({
    name: `${file}: UPLOAD_SLAVE, then SET_METADATA O (fdfs_test upload)`,
    storage: { [file]: ['StorageClient.uploadSlave', 'StorageClient.setMetadata'] },
    run: async ({ storage, at }) => {
      const server = at(file);
      const options = { masterFileId: master, prefix: '_big', ext: 'jpg', content: PIC };
      const slave = await expect(file, 0, storage.uploadSlave(server, options));
      await expect(file, 1, storage.setMetadata(server, String(slave), TEST_META, 'O'));
    },
  });
}

const FILE_INFOS: [file: string, flags: { noCrc?: boolean; silent?: boolean }][] = [
  ['storage-22-query-file-info.json', {}],
  ['storage-22-query-file-info-no-crc-flag.json', { noCrc: true }], // fdfs_file_info -n
  ['storage-22-query-file-info-id-name.json', {}],
  ['storage-22-query-file-info-ip46.json', {}],
  ['storage-22-query-file-info-normal-ip46.json', {}],
  ['storage-22-query-file-info-normal-negative-crc.json', {}],
  ['storage-22-query-file-info-slave.json', {}],
  ['storage-22-query-file-info-slave-link.json', {}],
  ['storage-22-query-file-info-missing-enoent.json', {}],
  ['storage-22-query-file-info-missing-silent.json', { silent: true }],
  ['storage-22-query-file-info-short-name.json', {}],
];
for (const [file, flags] of FILE_INFOS) {
  replayTest({
    name: file,
    storage: { [file]: ['StorageClient.queryFileInfo'] },
    run: async ({ storage, at }) => {
      await expect(file, 0, storage.queryFileInfo(at(file), requestFileId(file), flags));
    },
  });
}

replayTest({
  name: 'fdfs_appender_test: UPLOAD_APPENDER, SET_METADATA, TRUNCATE, APPEND, MODIFY',
  storage: {
    'storage-23-appender-test-session.json': [
      'StorageClient.upload',
      'StorageClient.setMetadata',
      'StorageClient.truncate',
      'StorageClient.append',
      'StorageClient.modify',
    ],
  },
  run: async ({ storage, at }) => {
    const file = 'storage-23-appender-test-session.json';
    const server = at(file);
    const options = { storePathIndex: 0, ext: 'txt', content: APPTEST, appender: true };
    assert.equal(await expect(file, 0, storage.upload(server, options)), A_APPTEST);
    await expect(file, 1, storage.setMetadata(server, A_APPTEST, TEST_META, 'O'));
    await expect(file, 2, storage.truncate(server, A_APPTEST, APPTEST.length / 2));
    await expect(file, 3, storage.append(server, A_APPTEST, { content: APPTEST }));
    const offset = APPTEST.length / 2 + APPTEST.length;
    await expect(file, 4, storage.modify(server, A_APPTEST, { offset, content: APPTEST }));
  },
});

replayTest({
  name: 'storage-23-upload-appender-file.json (fdfs_upload_appender part1.log)',
  storage: { 'storage-23-upload-appender-file.json': ['StorageClient.upload'] },
  run: async ({ storage, at }) => {
    const file = 'storage-23-upload-appender-file.json';
    const options = { storePathIndex: 1, ext: 'log', content: PART1, appender: true };
    assert.equal(await expect(file, 0, storage.upload(at(file), options)), A_APPENDER);
  },
});

for (const [file, fileId, content] of [
  ['storage-24-append-file.json', A_APPENDER, PART2], // fdfs_append_file <id> part2.log
  ['storage-24-append-file-not-appender-einval.json', A_HELLO, Buffer.from('xyz')],
] as const) {
  replayTest({
    name: file,
    storage: { [file]: ['StorageClient.append'] },
    run: async ({ storage, at }) => {
      await expect(file, 0, storage.append(at(file), fileId, { content }));
    },
  });
}

for (const [file, fileId, offset, content] of [
  ['storage-34-modify-file.json', A_APPTEST, 60, APPTEST],
  ['storage-34-modify-file-crafted.json', B_APPENDER, 4, Buffer.from('MODIFIED')],
] as const) {
  replayTest({
    name: file,
    storage: { [file]: ['StorageClient.modify'] },
    run: async ({ storage, at }) => {
      await expect(file, 0, storage.modify(at(file), fileId, { offset, content }));
    },
  });
}

for (const [file, fileId, size] of [
  ['storage-36-truncate-file.json', A_APPTEST, 20],
  ['storage-36-truncate-file-crafted.json', B_APPENDER, 20],
  ['storage-36-truncate-file-extend.json', B_APPENDER, 40],
] as const) {
  replayTest({
    name: file,
    storage: { [file]: ['StorageClient.truncate'] },
    run: async ({ storage, at }) => {
      await expect(file, 0, storage.truncate(at(file), fileId, size));
    },
  });
}

replayTest({
  name: 'storage-38-regenerate-appender-filename.json',
  storage: {
    'storage-38-regenerate-appender-filename.json': ['StorageClient.regenerateAppenderName'],
  },
  run: async ({ storage, at }) => {
    const file = 'storage-38-regenerate-appender-filename.json';
    await expect(file, 0, storage.regenerateAppenderName(at(file), A_APPENDER));
  },
});

// ---- tracker queries (TrackerClient) -----------------------------------------------------

for (const file of [
  'tracker-101-query-store-without-group.json',
  'tracker-101-query-store-without-group-path1.json',
  'tracker-101-query-store-without-group-ip46.json',
  'tracker-101-query-store-round-robin-group2.json',
]) {
  replayTest({
    name: file,
    tracker: { [file]: ['TrackerClient.queryStore'] },
    run: async ({ tracker }) => {
      await expect(file, 0, tracker.queryStore());
    },
  });
}

for (const file of [
  'tracker-104-query-store-with-group.json',
  'tracker-104-query-store-with-group-ip46.json',
  'tracker-104-query-store-with-group-enoent.json',
]) {
  replayTest({
    name: file,
    tracker: { [file]: ['TrackerClient.queryStore'] },
    run: async ({ tracker }) => {
      const group = String(decoded(file).request!['group_name']);
      await expect(file, 0, tracker.queryStore(group));
    },
  });
}

const FILE_QUERIES: [file: string, method: 'queryFetch' | 'queryUpdate' | 'queryFetchAll'][] = [
  ['tracker-102-query-fetch-one.json', 'queryFetch'],
  ['tracker-102-query-fetch-one-2-storages.json', 'queryFetch'],
  ['tracker-102-query-fetch-one-id-name.json', 'queryFetch'],
  ['tracker-102-query-fetch-one-ip46.json', 'queryFetch'],
  ['tracker-102-query-fetch-one-unknown-group-enoent.json', 'queryFetch'],
  ['tracker-103-query-update.json', 'queryUpdate'],
  ['tracker-103-query-update-2-storages.json', 'queryUpdate'],
  ['tracker-103-query-update-ip46.json', 'queryUpdate'],
  ['tracker-105-query-fetch-all.json', 'queryFetchAll'],
  ['tracker-105-query-fetch-all-2-storages.json', 'queryFetchAll'],
  ['tracker-105-query-fetch-all-ip46.json', 'queryFetchAll'],
];
for (const [file, method] of FILE_QUERIES) {
  replayTest({
    name: file,
    tracker: { [file]: [`TrackerClient.${method}`] },
    run: async ({ tracker }) => {
      await expect(file, 0, tracker[method](requestFileId(file)));
    },
  });
}

for (const file of [
  'tracker-106-query-store-without-group-all-2-storages.json',
  'tracker-106-query-store-without-group-all-ip46.json',
  'tracker-107-query-store-with-group-all-2-storages.json',
  'tracker-107-query-store-with-group-all-ip46.json',
]) {
  replayTest({
    name: file,
    tracker: { [file]: ['TrackerClient.queryStoreAll'] },
    run: async ({ tracker }) => {
      const group = decoded(file).request?.['group_name'] as string | undefined;
      await expect(file, 0, tracker.queryStoreAll(group));
    },
  });
}

replayTest({
  name: 'fdfs_test1 upload at the tracker: 107, 101, 103, ACTIVE_TEST',
  tracker: {
    'tracker-107-query-store-with-group-all.json': [
      'TrackerClient.queryStoreAll',
      'TrackerClient.queryStore',
      'TrackerClient.queryUpdate',
      'TrackerClient.activeTest',
    ],
  },
  run: async ({ tracker }) => {
    const file = 'tracker-107-query-store-with-group-all.json';
    await expect(file, 0, tracker.queryStoreAll('group1'));
    await expect(file, 1, tracker.queryStore());
    await expect(file, 2, tracker.queryUpdate(requestFileId(file, 2)));
    await expect(file, 3, tracker.activeTest());
  },
});

replayTest({
  name: 'ACTIVE_TEST to a tracker, then QUIT when the client closes',
  tracker: {
    'tracker-111-active-test.json': ['TrackerClient.activeTest'],
    'tracker-82-quit.json': ['TrackerClient.close'],
  },
  run: async ({ tracker }) => {
    await expect('tracker-111-active-test.json', 0, tracker.activeTest());
    await tracker.close();
  },
});

// ---- call sequences (operations.ts): tracker then storage ---------------------------------

replayTest({
  name: 'fdfs_upload_file hello.txt: QUERY_STORE → UPLOAD',
  tracker: { 'tracker-101-query-store-without-group.json': ['operations.uploadFile'] },
  storage: { 'storage-11-upload-file.json': ['operations.uploadFile'] },
  run: async ({ clients }) => {
    const fileId = await ops.uploadFile(clients, { ext: 'txt', content: HELLO });
    assert.equal(fileId, meaning(decoded('storage-11-upload-file.json')));
    assert.equal(fileId, A_HELLO);
  },
});

replayTest({
  name: 'fdfs_upload_file empty: QUERY_STORE (path 1) → UPLOAD',
  tracker: { 'tracker-101-query-store-without-group-path1.json': ['operations.uploadFile'] },
  storage: { 'storage-11-upload-file-empty.json': ['operations.uploadFile'] },
  run: async ({ clients }) => {
    const fileId = await ops.uploadFile(clients, { content: EMPTY });
    assert.equal(fileId, loadPacket('storage-11-upload-file-empty.json').context.fileId);
  },
});

replayTest({
  name: 'fdfs_download_file hello: QUERY_FETCH_ONE → DOWNLOAD',
  tracker: { 'tracker-102-query-fetch-one.json': ['operations.downloadFile'] },
  storage: { 'storage-14-download-file.json': ['operations.downloadFile'] },
  run: async ({ clients }) => {
    const { sink, bytes } = collector();
    assert.equal(await ops.downloadFile(clients, A_HELLO, sink), HELLO.length);
    assert.deepEqual(bytes(), HELLO);
  },
});

replayTest({
  name: 'fdfs_delete_file small.tar.gz: QUERY_UPDATE → DELETE',
  tracker: { 'tracker-103-query-update.json': ['operations.deleteFile'] },
  storage: { 'storage-12-delete-file.json': ['operations.deleteFile'] },
  run: async ({ clients }) => {
    await ops.deleteFile(clients, String(loadPacket('storage-12-delete-file.json').context.fileId));
  },
});

replayTest({
  name: 'fdfs_test upload pic.jpg: the whole session at tracker and storage',
  tracker: {
    'tracker-106-query-store-without-group-all.json': [
      'TrackerClient.queryStoreAll',
      'TrackerClient.activeTest',
      'operations.uploadFile',
      'operations.uploadSlaveFile',
    ],
  },
  storage: {
    'storage-11-upload-file-with-metadata.json': ['operations.uploadFile'],
    'storage-21-upload-slave-file.json': ['operations.uploadSlaveFile'],
  },
  // The C tool uploaded the slave on a second connection, then tested the first one.
  storageOrder: [
    ['storage-11-upload-file-with-metadata.json', 0],
    ['storage-11-upload-file-with-metadata.json', 1],
    ['storage-21-upload-slave-file.json', 0],
    ['storage-21-upload-slave-file.json', 1],
    ['storage-11-upload-file-with-metadata.json', 2],
  ],
  run: async ({ clients, tracker, storage }) => {
    const file = 'tracker-106-query-store-without-group-all.json';
    await expect(file, 0, tracker.queryStoreAll());
    const content = PIC;
    const master = await ops.uploadFile(clients, { ext: 'jpg', content, metadata: TEST_META });
    assert.equal(master, A_PIC);
    const slave = await ops.uploadSlaveFile(clients, master, {
      prefix: '_big',
      ext: 'jpg',
      content,
      metadata: TEST_META,
    });
    assert.equal(slave, A_PIC_SLAVE);
    await expect(file, 3, tracker.activeTest());
    await storage.activeTest(storageNamedIn(file));
  },
});

/** The storage the tracker named in its first answer of `file`. */
function storageNamedIn(file: string): StorageAddress {
  const r = decoded(file, 1).response!;
  return { host: String(r['ip']), port: Number(r['port']) };
}

// ---- requests the C servers refuse with EINVAL: our client refuses them before sending -----

test(
  'what the C servers refuse with EINVAL, our client refuses with EINVAL first',
  T,
  async (t) => {
    const storageReplay = await new ReplayServer([]).start(t);
    const server = { host: '127.0.0.1', port: storageReplay.port };
    const storage = new StorageClient({ connectTimeoutMs: 2000 });
    const tracker = new TrackerClient({ trackers: [server], connectTimeoutMs: 2000 });
    t.after(async () => {
      await storage.close();
      await tracker.close();
    });
    const refusals: [file: string, call: () => Promise<unknown>][] = [
      [
        'storage-11-upload-file-bad-ext-einval.json',
        () =>
          storage.upload(server, { storePathIndex: 0, ext: 't*t', content: Buffer.from('abcde') }),
      ],
      [
        'storage-11-upload-file-size-mismatch-einval.json',
        () => storage.upload(server, { ext: 'txt', content: Buffer.from('abcde'), size: 10 }),
      ],
      [
        'storage-12-delete-file-bad-name-einval.json',
        () =>
          storage.deleteFile(server, requestFileId('storage-12-delete-file-bad-name-einval.json')),
      ],
      [
        'storage-13-set-metadata-bad-flag-einval.json',
        () => storage.setMetadata(server, A_HELLO, [], 'X' as 'O'),
      ],
      [
        'tracker-102-query-fetch-one-short-name-einval.json',
        () =>
          tracker.queryFetch(requestFileId('tracker-102-query-fetch-one-short-name-einval.json')),
      ],
    ];
    for (const [file, call] of refusals) {
      const status = decoded(file).responseStatus;
      await assert.rejects(call(), (err: unknown) => {
        assert.ok(err instanceof FdfsError);
        assert.notEqual(err.code, 'ERR_SERVER_STATUS', `${file}: refused locally`);
        assert.equal(err.errno, status, `${file}: ${err.message}`);
        return true;
      });
    }
    storageReplay.check();
  },
);

coverageTest('clients', coverage);
