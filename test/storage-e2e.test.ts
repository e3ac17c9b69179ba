// Issue 4 end to end: a live StorageServer joins a live TrackerServer (both in this process, on
// 127.0.0.1, ports 0, temporary base paths) and becomes ACTIVE; then our TrackerClient and
// StorageClient run every client operation through them: upload, download, ranged download,
// file info, metadata, an appender with append / modify / truncate, a slave, and delete.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import {
  appendFile,
  deleteFile,
  downloadFileToBuffer,
  getFileMetadata,
  modifyFile,
  queryFileInfo,
  regenerateAppenderFile,
  setFileMetadata,
  StorageClient,
  TrackerClient,
  truncateFile,
  uploadFile,
  uploadSlaveFile,
  type FdfsClients,
} from '#src/client/index.js';
import { isFdfsError } from '#src/common/errors.js';
import { Errno } from '#src/protocol/errno.js';
import { decodeFileId } from '#src/protocol/file-id/file-id.js';
import { StorageStatus } from '#src/protocol/status.js';
import { parseDataInitFlag } from '#src/storage/store/state-files.js';
import { ruleContent } from '#src/storage/store/store.test.helper.js';
import { StorageServer } from '#src/storage/index.js';
import { GROUP, HOST, startNodes, whenStatus, type LiveNodes } from './support/storage-node.js';
import { connectTracker, listStorages } from './support/tracker-queries.js';

const rejectsWith = (errno: number) => (err: unknown) => isFdfsError(err) && err.errno === errno;

describe('a live storage joined to a live tracker', { timeout: 60_000 }, () => {
  let nodes: LiveNodes;
  let clients: FdfsClients;

  before(async () => {
    nodes = await startNodes({ storePathCount: 2 });
    clients = {
      tracker: new TrackerClient({
        trackers: [{ host: HOST, port: nodes.trackerPort }],
        connectTimeoutMs: 2000,
        networkTimeoutMs: 10_000,
      }),
      storage: new StorageClient({ connectTimeoutMs: 2000, networkTimeoutMs: 10_000 }),
    };
  });

  after(async () => {
    await clients?.tracker.close();
    await clients?.storage.close();
    await nodes?.close();
  });

  test('the storage is ACTIVE, knows its address, and saved its sync state', async () => {
    const host = nodes.storage.host!;
    assert.equal(host.status, StorageStatus.ACTIVE);
    assert.deepEqual(host.ownIps, [HOST]);
    assert.equal(host.ownId, HOST);
    const flag = parseDataInitFlag(
      await readFile(join(nodes.storageConfig.basePath, 'data', '.data_init_flag'), 'latin1'),
    );
    assert.equal(flag.syncOldDone, true);
    assert.equal(flag.lastIpAddr, HOST);
    const target = await clients.tracker.queryStore();
    assert.deepEqual(
      [target.host, target.port, target.groupName],
      [HOST, nodes.storagePort, GROUP],
    );
  });

  test('upload, download, ranged download, file info', async () => {
    const content = ruleContent(70_000, 11);
    const id = await uploadFile(clients, { content, ext: 'bin' });
    const decoded = decodeFileId(id);
    assert.equal(decoded.groupName, GROUP);
    assert.equal(decoded.sourceIpAddr, HOST);
    assert.deepEqual(await downloadFileToBuffer(clients, id), content);
    assert.deepEqual(
      await downloadFileToBuffer(clients, id, { offset: 1000, length: 2000 }),
      content.subarray(1000, 3000),
    );
    assert.deepEqual(
      await downloadFileToBuffer(clients, id, { offset: 69_990, length: 100 }),
      content.subarray(69_990),
    );
    const info = await queryFileInfo(clients, id);
    assert.equal(info.fileSize, 70_000n);
    assert.equal(info.crc32, crc32(content));
    assert.equal(info.sourceIpAddr, HOST);
  });

  test('metadata: set with the upload, merge, read back', async () => {
    const id = await uploadFile(clients, {
      content: Buffer.from('picture'),
      ext: 'jpg',
      metadata: { width: '1024', height: '768' },
    });
    await setFileMetadata(clients, id, { author: 'e2e', width: '800' }, 'M');
    assert.deepEqual(await getFileMetadata(clients, id), [
      { name: 'author', value: 'e2e' },
      { name: 'height', value: '768' },
      { name: 'width', value: '800' },
    ]);
  });

  test('an appender with append, modify and truncate, then regenerated', async () => {
    const id = await uploadFile(clients, {
      content: Buffer.from('appender-part-1\n'),
      ext: 'log',
      appender: true,
    });
    await appendFile(clients, id, { content: Buffer.from('appender-part-2\n') });
    await modifyFile(clients, id, { offset: 0, content: Buffer.from('APPENDER') });
    assert.equal(
      (await downloadFileToBuffer(clients, id)).toString(),
      'APPENDER-part-1\nappender-part-2\n',
    );
    await truncateFile(clients, id, 16);
    assert.equal((await downloadFileToBuffer(clients, id)).toString(), 'APPENDER-part-1\n');
    const normal = await regenerateAppenderFile(clients, id);
    assert.equal(decodeFileId(normal).kind, 'normal');
    assert.equal((await downloadFileToBuffer(clients, normal)).toString(), 'APPENDER-part-1\n');
  });

  test('a slave of a master, then delete both', async () => {
    const master = await uploadFile(clients, { content: Buffer.from('master'), ext: 'jpg' });
    const slave = await uploadSlaveFile(clients, master, {
      prefix: '_small',
      ext: 'jpg',
      content: Buffer.from('slave'),
    });
    assert.equal(slave, master.replace(/\.jpg$/, '_small.jpg'));
    assert.equal((await downloadFileToBuffer(clients, slave)).toString(), 'slave');
    assert.equal(decodeFileId(slave).kind, 'slave');
    await deleteFile(clients, slave);
    await deleteFile(clients, master);
    await assert.rejects(downloadFileToBuffer(clients, master), rejectsWith(Errno.ENOENT));
    await assert.rejects(deleteFile(clients, master), rejectsWith(Errno.ENOENT));
  });

  test('the counters and the free space reach the tracker (BEAT, REPORT_DISK_USAGE)', async () => {
    const uploads = nodes.storage.store!.stats.counters.successUploadCount;
    assert.ok(uploads >= 5);
    const deadline = Date.now() + 5000;
    for (;;) {
      const conn = await connectTracker(HOST, nodes.trackerPort);
      const [record] = await listStorages(conn, GROUP).finally(() => conn.destroy());
      const ok =
        record !== undefined &&
        record.stat.successUploadCount === uploads &&
        record.stat.connection.maxCount >= 1 &&
        record.totalMb > 0;
      if (ok) {
        assert.equal(record.status, StorageStatus.ACTIVE);
        assert.equal(record.storagePort, nodes.storagePort);
        break;
      }
      assert.ok(Date.now() < deadline, `the tracker shows ${JSON.stringify(record?.stat)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  test('a restart on the same base path keeps files, join time and counters, and is ACTIVE again', async () => {
    const kept = await uploadFile(clients, { content: Buffer.from('survives'), ext: 'txt' });
    const flagPath = join(nodes.storageConfig.basePath, 'data', '.data_init_flag');
    const before = parseDataInitFlag(await readFile(flagPath, 'latin1'));
    const uploads = nodes.storage.store!.stats.counters.successUploadCount;
    await nodes.storage.close();
    const restarted = new StorageServer({ ...nodes.storageConfig, port: nodes.storagePort });
    try {
      const active = whenStatus(restarted, StorageStatus.ACTIVE, 20_000);
      await restarted.listen();
      await active;
      assert.equal((await downloadFileToBuffer(clients, kept)).toString(), 'survives');
      const after = parseDataInitFlag(await readFile(flagPath, 'latin1'));
      assert.equal(after.storageJoinTime, before.storageJoinTime);
      assert.deepEqual(after.storePathMarks, before.storePathMarks);
      assert.equal(restarted.store!.stats.counters.successUploadCount, uploads);
    } finally {
      await restarted.close();
    }
  });
});
