import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { crc32 } from 'node:zlib';
import { FdfsError } from '../../../common/errors.js';
import { decodeFileId } from '../../../protocol/file-id/file-id.js';
import {
  contentOf,
  faultyFs,
  listStoreFiles,
  ruleContent,
  withStore,
  type Faults,
} from '../store.test.helper.js';

test('upload: the file is in place, named from its mtime, size and CRC, and logged as C', async () => {
  await withStore(async ({ store, config, binlog }) => {
    const data = ruleContent(4096, 10);
    const r = await store.upload({
      storePathIndex: -1,
      size: data.length,
      ext: 'jpg',
      content: contentOf(data),
    });
    const path = store.layout.resolve(r.logicName).dataPath;
    assert.deepEqual(await readFile(path), data);
    const d = decodeFileId(`group1/${r.logicName}`);
    assert.equal(d.kind, 'normal');
    assert.equal(d.sourceIpAddr, '127.0.0.12');
    assert.equal(d.fileSize, 4096n);
    assert.equal(d.crc32, crc32(data) >>> 0);
    assert.equal(d.createTimestamp, Math.floor((await stat(path)).mtimeMs / 1000));
    assert.equal(r.timestamp, d.createTimestamp);
    assert.match(r.logicName, /^M00\/00\/00\/[A-Za-z0-9_-]{27}\d{3}\.jpg$/);
    // The binlog line is in the file by the time the upload resolved.
    assert.deepEqual(await binlog(), [{ timestamp: r.timestamp, op: 'C', filename: r.logicName }]);
    assert.deepEqual(await listStoreFiles(config), [`p0/00/00/${r.logicName.slice(10)}`]);
    assert.equal(store.stats.counters.successUploadBytes, 4096);
  });
});

test('appender upload: appender flag, no size; an empty upload; store paths by round robin or as given', async () => {
  await withStore(async ({ store, binlog }) => {
    const a = await store.upload({
      storePathIndex: -1,
      size: 5,
      ext: '',
      content: contentOf(Buffer.from('hello')),
      appender: true,
    });
    assert.equal(decodeFileId(`group1/${a.logicName}`).kind, 'appender');
    assert.match(a.logicName, /^M00\/00\/00\/.{27}\d{7}$/);
    const empty = await store.upload({
      storePathIndex: -1,
      size: 0,
      ext: 'txt',
      content: contentOf(),
    });
    assert.match(empty.logicName, /^M01\//, 'round robin moved to store path 1');
    assert.equal(decodeFileId(`group1/${empty.logicName}`).fileSize, 0n);
    const given = await store.upload({
      storePathIndex: 1,
      size: 1,
      ext: 'tar.gz',
      content: contentOf(Buffer.from('x')),
    });
    assert.match(given.logicName, /^M01\/00\/00\/.{27}\.tar\.gz$/);
    assert.equal((await binlog()).length, 3);
  });
});

test('a read-only store path gets no uploads; an index that does not exist or a bad extension is EINVAL', async () => {
  await withStore(
    async ({ store, config }) => {
      assert.equal(config.storePaths[0]!.readonly, true);
      for (let i = 0; i < 3; i++) {
        const r = await store.upload({
          storePathIndex: 0,
          size: 1,
          ext: '',
          content: contentOf(Buffer.from('a')),
        });
        assert.match(r.logicName, /^M01\//);
      }
      const content = new PassThrough();
      await assert.rejects(store.upload({ storePathIndex: 2, size: 1, ext: '', content }), {
        code: 'ERR_INVALID_ARGUMENT',
      });
      await assert.rejects(store.upload({ storePathIndex: -1, size: 1, ext: 'a/b', content }), {
        code: 'ERR_INVALID_ARGUMENT',
      });
      await assert.rejects(store.upload({ storePathIndex: -1, size: 1, ext: 'abcdefg', content }), {
        code: 'ERR_INVALID_ARGUMENT',
      });
      assert.equal(content.readableFlowing, null, 'a refused upload leaves the content unread');
    },
    { readonlyPaths: [0] },
  );
});

test('crash model: content that ends early or errors, or a full disk, leaves nothing behind', async () => {
  const faults: Faults = { calls: {} };
  await withStore(
    async ({ store, config, binlog }) => {
      await assert.rejects(
        store.upload({
          storePathIndex: -1,
          size: 100,
          ext: '',
          content: contentOf(ruleContent(60, 1)),
        }),
        { code: 'ERR_BAD_BODY' },
      );
      const source = new PassThrough();
      const pending = store.upload({ storePathIndex: -1, size: 1 << 20, ext: '', content: source });
      source.write(ruleContent(1000, 2));
      setTimeout(() => source.destroy(new FdfsError('ERR_CONNECTION_CLOSED', 'client left')), 5);
      await assert.rejects(pending, { code: 'ERR_CONNECTION_CLOSED' });
      faults.failWritesAfter = 0;
      await assert.rejects(
        store.upload({
          storePathIndex: -1,
          size: 10,
          ext: '',
          content: contentOf(ruleContent(10, 3)),
        }),
        { code: 'ERR_IO', errno: 28 },
      );
      faults.failWritesAfter = undefined;
      assert.deepEqual(await listStoreFiles(config), []);
      assert.deepEqual(await binlog(), []);
      assert.equal(store.stats.counters.totalUploadCount, 3);
      assert.equal(store.stats.counters.successUploadCount, 0);
    },
    { fs: faultyFs(faults) },
  );
});

test('an upload whose binlog line cannot be written fails and removes its file', async () => {
  await withStore(async ({ store, config }) => {
    await store.binlog.close();
    await assert.rejects(
      store.upload({
        storePathIndex: -1,
        size: 3,
        ext: '',
        content: contentOf(Buffer.from('abc')),
      }),
      { code: 'ERR_IO' },
    );
    assert.deepEqual(await listStoreFiles(config), []);
  });
});

test('start-up sweeps the temporary folder (what a SIGKILL mid-upload left)', async () => {
  await withStore(async ({ store, config, dir }) => {
    const leftover = join(config.storePaths[0]!.path, 'data', '.tmp', 'killed-upload.tmp');
    await writeFile(leftover, 'partial');
    assert.deepEqual(await listStoreFiles(config), ['p0/.tmp/killed-upload.tmp']);
    await store.close();
    await withStore(
      async ({ config: c2 }) => {
        assert.deepEqual(await listStoreFiles(c2), []);
      },
      { dir },
    );
  });
});

test('concurrent uploads of the same content in the same second all get different names', async () => {
  await withStore(async ({ store, binlog }) => {
    const data = ruleContent(100, 5);
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        store.upload({ storePathIndex: 0, size: 100, ext: 'txt', content: contentOf(data) }),
      ),
    );
    assert.equal(new Set(results.map((r) => r.logicName)).size, 50);
    assert.equal((await binlog()).length, 50);
  });
});
