import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { FdfsError } from '../../common/errors.js';
import { nodeStoreFs } from './fs-layer.js';
import { writeTempFile } from './content-writer.js';
import { contentOf, faultyFs, ruleContent, withTempDir, type Faults } from './store.test.helper.js';

test('exactly N bytes in chunks: the file, its CRC32 and its mtime', async () => {
  await withTempDir(async (dir) => {
    const data = ruleContent(300_000, 9);
    const chunks = [data.subarray(0, 1), data.subarray(1, 70_000), data.subarray(70_000)];
    const path = join(dir, 'f.tmp');
    const r = await writeTempFile(nodeStoreFs, contentOf(...chunks), data.length, path);
    assert.equal(r.bytes, data.length);
    assert.equal(r.crc32, crc32(data) >>> 0);
    assert.ok(Math.abs(r.mtime - Date.now() / 1000) < 5);
    assert.deepEqual(await readFile(path), data);
  });
});

test('zero bytes make an empty file', async () => {
  await withTempDir(async (dir) => {
    const r = await writeTempFile(nodeStoreFs, Readable.from([]), 0, join(dir, 'e.tmp'));
    assert.deepEqual([r.bytes, r.crc32], [0, 0]);
    assert.equal((await readFile(join(dir, 'e.tmp'))).length, 0);
  });
});

test('a stream that ends early, errors, or brings more leaves no file', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'x.tmp');
    await assert.rejects(writeTempFile(nodeStoreFs, contentOf(ruleContent(10, 1)), 20, path), {
      code: 'ERR_BAD_BODY',
    });
    await assert.rejects(writeTempFile(nodeStoreFs, contentOf(ruleContent(30, 1)), 20, path), {
      code: 'ERR_BAD_BODY',
    });
    // The client disconnects mid-upload: the connection destroys the content with its error.
    const source = new PassThrough();
    const pending = writeTempFile(nodeStoreFs, source, 1000, path);
    source.write(ruleContent(100, 2));
    setTimeout(() => source.destroy(new FdfsError('ERR_CONNECTION_CLOSED', 'peer closed')), 10);
    await assert.rejects(pending, { code: 'ERR_CONNECTION_CLOSED' });
    assert.deepEqual(await readdir(dir), []);
  });
});

test('ENOSPC from the disk removes the partial file and stays ENOSPC', async () => {
  await withTempDir(async (dir) => {
    const faults: Faults = { failWritesAfter: 100_000, calls: {} };
    const data = ruleContent(500_000, 3);
    const chunks = Array.from({ length: 10 }, (_, i) =>
      data.subarray(i * 50_000, (i + 1) * 50_000),
    );
    await assert.rejects(
      writeTempFile(faultyFs(faults), contentOf(...chunks), data.length, join(dir, 'full.tmp')),
      (err: FdfsError) => {
        assert.equal(err.code, 'ERR_IO');
        assert.equal(err.errno, 28);
        return true;
      },
    );
    assert.deepEqual(await readdir(dir), []);
    faults.failWritesAfter = undefined;
    faults.calls = {};
    await writeTempFile(faultyFs(faults), contentOf(...chunks), data.length, join(dir, 'ok.tmp'));
    assert.deepEqual(await readFile(join(dir, 'ok.tmp')), data);
  });
});

test('fsync_after_written_bytes syncs every N bytes and once at the end', async () => {
  await withTempDir(async (dir) => {
    const faults: Faults = { calls: {} };
    const chunk = ruleContent(64 * 1024, 4);
    const chunks = Array.from({ length: 8 }, () => chunk);
    // The source hands over the next chunk only once the previous one was written, so every
    // write is one chunk whatever the machine's load (a timer-fed source coalesced under load).
    const source = new Readable({ read() {} });
    const writes = () => (faults.calls.write ?? 0) + (faults.calls.writev ?? 0);
    let i = 0;
    let seen = writes();
    source.push(chunks[i++]);
    const feed = setInterval(() => {
      if (writes() === seen) return;
      seen = writes();
      if (i < chunks.length) source.push(chunks[i++]);
      else {
        source.push(null);
        clearInterval(feed);
      }
    }, 1);
    await writeTempFile(faultyFs(faults), source, 8 * chunk.length, join(dir, 's.tmp'), {
      fsyncEvery: 128 * 1024,
    });
    // Every 128 KiB (two chunks): four syncs, the last of which is also the one at the end.
    const syncs = faults.calls.sync ?? 0;
    assert.ok(syncs >= 4 && syncs <= 5, `${syncs} fsyncs`);
  });
});
