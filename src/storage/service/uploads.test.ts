// UPLOAD_FILE (11), UPLOAD_APPENDER_FILE (23) and UPLOAD_SLAVE_FILE (21) through the command
// table on a live port: success, the errno cases, refused uploads that drain up to 1 MiB and keep
// the connection (or close it above), and truncated bodies that leave nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { isFdfsError } from '../../common/errors.js';
import { StorageCommand as S } from '../../protocol/commands.js';
import { Errno } from '../../protocol/errno.js';
import { decodeFileId } from '../../protocol/file-id/file-id.js';
import {
  decodeFileIdReply,
  encodeUploadPrefix,
  encodeUploadSlavePrefix,
} from '../../protocol/messages/upload.js';
import { listStoreFiles, ruleContent } from '../store/store.test.helper.js';
import { GROUP, rawFrame, withService, type RawClient } from './harness.test.helper.js';

function rejectsWith(errno: number) {
  return (err: unknown) => isFdfsError(err) && err.errno === errno;
}

/** An upload frame (11 or 23) with `content` as its body. */
function uploadFrame(
  content: Buffer,
  ext = 'txt',
  storePathIndex = -1,
  cmd: number = S.UPLOAD_FILE,
) {
  const { prefix, pkgLen } = encodeUploadPrefix(
    { storePathIndex, fileSize: content.length, ext },
    cmd,
  );
  return Buffer.concat([rawFrame(cmd, prefix, pkgLen).subarray(0, 10 + prefix.length), content]);
}

/** The connection still answers: ACTIVE_TEST gets status 0. */
async function stillServes(raw: RawClient): Promise<void> {
  raw.send(rawFrame(S.ACTIVE_TEST));
  const r = await raw.reply();
  assert.equal(r.status, 0);
}

test('UPLOAD_FILE stores the content under a §7 name and answers group + name', async () => {
  await withService(async ({ client, address, store, dir }) => {
    const content = ruleContent(5000, 3);
    const fileId = await client.upload(address, { content, ext: 'jpg' });
    const decoded = decodeFileId(fileId);
    assert.equal(decoded.groupName, GROUP);
    assert.equal(decoded.kind, 'normal');
    assert.equal(decoded.fileSize, 5000n);
    assert.equal(decoded.crc32, crc32(content));
    assert.equal(decoded.sourceIpAddr, '127.0.0.12');
    assert.ok(fileId.endsWith('.jpg'));
    const logic = fileId.slice(GROUP.length + 1);
    assert.deepEqual(await readFile(store.layout.resolve(logic).dataPath), content);
    assert.deepEqual(await client.downloadToBuffer(address, fileId), content);
    assert.ok(dir);
  });
});

test('UPLOAD_APPENDER_FILE names an appender file; a 0-byte upload works and downloads empty', async () => {
  await withService(async ({ client, address }) => {
    const appender = await client.upload(address, {
      content: Buffer.from('part-1'),
      ext: 'log',
      appender: true,
    });
    assert.equal(decodeFileId(appender).kind, 'appender');
    const empty = await client.upload(address, { content: Buffer.alloc(0) });
    assert.equal(decodeFileId(empty).fileSize, 0n);
    assert.deepEqual(await client.downloadToBuffer(address, empty), Buffer.alloc(0));
  });
});

test('the tracker-given store path is used; one that does not exist is EINVAL', async () => {
  await withService(async ({ client, address, raw }) => {
    const id = await client.upload(address, { content: Buffer.from('x'), storePathIndex: 1 });
    assert.match(id, /^group1\/M01\//);
    const conn = await raw();
    conn.send(uploadFrame(Buffer.from('abc'), 'txt', 5));
    assert.equal((await conn.reply()).status, Errno.EINVAL);
    await stillServes(conn);
  });
});

test('a bad extension and a size that does not match pkg_len are EINVAL; the connection stays', async () => {
  await withService(async ({ raw, config }) => {
    const conn = await raw();
    // "t*t" (storage-11-upload-file-bad-ext-einval.json)
    const badExt = uploadFrame(Buffer.from('abcde'));
    badExt.write('t*t', 10 + 9, 'latin1');
    conn.send(badExt);
    assert.equal((await conn.reply()).status, Errno.EINVAL);
    await stillServes(conn);
    // file_size 10 with 5 content bytes
    const mismatch = uploadFrame(Buffer.from('abcde'));
    mismatch.writeBigInt64BE(10n, 10 + 1);
    conn.send(mismatch);
    assert.equal((await conn.reply()).status, Errno.EINVAL);
    await stillServes(conn);
    assert.deepEqual(
      (await listStoreFiles(config)).filter((f) => !f.includes('/.tmp/') && !f.endsWith('.tmp')),
      [],
    );
  });
});

test('a refused upload drains a body of up to 1 MiB and keeps the connection', async () => {
  await withService(async ({ raw }) => {
    const conn = await raw();
    const frame = uploadFrame(ruleContent(512 * 1024, 1), 'xy');
    frame.write('*', 10 + 9, 'latin1');
    conn.send(frame);
    assert.equal((await conn.reply()).status, Errno.EINVAL);
    await stillServes(conn);
    assert.equal(conn.isClosed, false);
  });
});

test('a refused upload of more than 1 MiB gets its answer, then the connection closes', async () => {
  await withService(async ({ raw }) => {
    const conn = await raw();
    const { prefix } = encodeUploadPrefix({ storePathIndex: 0, fileSize: 4 << 20, ext: 'txt' });
    prefix.write('*', 9, 'latin1');
    conn.send(rawFrame(S.UPLOAD_FILE, prefix, prefix.length + (4 << 20)).subarray(0, 25));
    conn.send(Buffer.alloc(64 * 1024));
    assert.equal((await conn.reply()).status, Errno.EINVAL);
    assert.equal(await conn.closesWithin(5000), true);
  });
});

test('a truncated upload body closes the connection and leaves no temporary file', async () => {
  await withService(async ({ raw, config, store }) => {
    const conn = await raw();
    const { prefix, pkgLen } = encodeUploadPrefix({
      storePathIndex: 0,
      fileSize: 300_000,
      ext: 'bin',
    });
    conn.send(rawFrame(S.UPLOAD_FILE, prefix, pkgLen).subarray(0, 25), ruleContent(100_000, 2));
    await conn.flushed();
    // Wait until the storage is writing the temporary file, then go away mid-body.
    const deadline = Date.now() + 5000;
    while (
      !(await listStoreFiles(config)).some((f) => f.includes('.tmp/')) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 10));
    }
    conn.destroy();
    const gone = Date.now() + 5000;
    let files = await listStoreFiles(config);
    while (files.length > 0 && Date.now() < gone) {
      await new Promise((r) => setTimeout(r, 20));
      files = await listStoreFiles(config);
    }
    assert.deepEqual(files, []);
    while (store.stats.counters.totalUploadCount === 0 && Date.now() < gone) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(store.stats.counters.successUploadCount, 0);
    assert.equal(store.stats.counters.totalUploadCount, 1);
  });
});

test('UPLOAD_SLAVE_FILE derives the name from the master; EEXIST, ENOENT and EINVAL cases', async () => {
  await withService(async ({ client, address, raw }) => {
    const master = await client.upload(address, { content: Buffer.from('master'), ext: 'jpg' });
    const slaveContent = ruleContent(100, 9);
    const slave = await client.uploadSlave(address, {
      masterFileId: master,
      prefix: '_150x150',
      ext: 'jpg',
      content: slaveContent,
    });
    assert.equal(slave, master.replace(/\.jpg$/, '_150x150.jpg'));
    assert.deepEqual(await client.downloadToBuffer(address, slave), slaveContent);
    await assert.rejects(
      client.uploadSlave(address, {
        masterFileId: master,
        prefix: '_150x150',
        ext: 'jpg',
        content: slaveContent,
      }),
      rejectsWith(Errno.EEXIST),
    );
    const missing = master.replace(/\/[^/]+$/, '/fwAADGsBidOAXtDXAAAAHdnGElo349.jpg');
    await assert.rejects(
      client.uploadSlave(address, {
        masterFileId: missing,
        prefix: '_s',
        content: Buffer.from('x'),
      }),
      rejectsWith(Errno.ENOENT),
    );
    // An empty prefix is refused on the fixed fields; the connection stays.
    const conn = await raw();
    const { prefix, pkgLen } = encodeUploadSlavePrefix({
      masterFilename: master.slice(GROUP.length + 1),
      fileSize: 3,
      prefixName: '_x',
      ext: '',
    });
    prefix.fill(0, 16, 32);
    conn.send(rawFrame(S.UPLOAD_SLAVE_FILE, prefix, pkgLen).subarray(0, 10 + prefix.length));
    conn.send(Buffer.from('abc'));
    assert.equal((await conn.reply()).status, Errno.EINVAL);
    await stillServes(conn);
  });
});

test('the reply of an upload is group str[16] + the logic name', async () => {
  await withService(async ({ raw }) => {
    const conn = await raw();
    conn.send(uploadFrame(Buffer.from('Hello FastDFS golden vector!\n'), 'txt', 0));
    const reply = await conn.reply();
    assert.equal(reply.status, 0);
    assert.equal(reply.body.length, 16 + 44);
    const { groupName, filename } = decodeFileIdReply(reply.body);
    assert.equal(groupName, GROUP);
    assert.match(filename, /^M00\/0[0-3]\/0[0-3]\/[A-Za-z0-9_-]{30}\.txt$/);
  });
});
