import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { decodeFileId } from '../../../protocol/file-id/file-id.js';
import { contentOf, listStoreFiles, ruleContent, withStore } from '../store.test.helper.js';
import type { Store } from '../index.js';

async function master(store: Store, ext = 'jpg'): Promise<string> {
  const data = ruleContent(100, 20);
  return (await store.upload({ storePathIndex: 0, size: 100, ext, content: contentOf(data) }))
    .logicName;
}

test('a slave is stored under its derived name (§7.7) and logged as C; a second one is EEXIST', async () => {
  await withStore(async ({ store, binlog }) => {
    const m = await master(store);
    const data = ruleContent(40, 21);
    const r = await store.uploadSlave({
      masterLogicName: m,
      prefix: '_big',
      ext: 'jpg',
      size: 40,
      content: contentOf(data),
    });
    assert.equal(r.logicName, m.replace('.jpg', '_big.jpg'));
    assert.equal(r.linkTarget, undefined);
    assert.deepEqual(await readFile(store.layout.resolve(r.logicName).dataPath), data);
    assert.equal(decodeFileId(`group1/${r.logicName}`).kind, 'slave');
    const lines = await binlog();
    assert.deepEqual(lines[1], { timestamp: r.timestamp, op: 'C', filename: r.logicName });
    await assert.rejects(
      store.uploadSlave({
        masterLogicName: m,
        prefix: '_big',
        ext: 'jpg',
        size: 1,
        content: contentOf(Buffer.from('x')),
      }),
      { errno: 17 },
    );
    // No extension: the slave has none.
    const plain = await store.uploadSlave({
      masterLogicName: m,
      prefix: '_s',
      ext: '',
      size: 1,
      content: contentOf(Buffer.from('y')),
    });
    assert.equal(plain.logicName, m.replace('.jpg', '_s'));
  });
});

test('slave rules: the master must exist; a prefix is required; -m without extension is refused', async () => {
  await withStore(async ({ store, config }) => {
    const m = await master(store);
    const one = () => contentOf(Buffer.from('z'));
    await assert.rejects(
      store.uploadSlave({
        masterLogicName: m.replace('M00/00/00/', 'M00/00/01/'),
        prefix: '_a',
        ext: '',
        size: 1,
        content: one(),
      }),
      { errno: 2 },
    );
    await assert.rejects(
      store.uploadSlave({ masterLogicName: m, prefix: '', ext: 'png', size: 1, content: one() }),
      {
        errno: 22,
      },
    );
    await assert.rejects(
      store.uploadSlave({ masterLogicName: m, prefix: '-m', ext: '', size: 1, content: one() }),
      {
        errno: 22,
      },
    );
    await assert.rejects(
      store.uploadSlave({ masterLogicName: m, prefix: '../x', ext: '', size: 1, content: one() }),
      {
        errno: 22,
      },
    );
    await assert.rejects(
      store.uploadSlave({
        masterLogicName: 'M00/00/00/short',
        prefix: '_a',
        ext: '',
        size: 1,
        content: one(),
      }),
      { errno: 22 },
    );
    assert.equal((await listStoreFiles(config)).length, 1);
  });
});

test('store_slave_file_use_link: a generated file, a symlink at the slave name, C then a complete L line', async () => {
  await withStore(
    async ({ store, binlog, clock }) => {
      const m = await master(store);
      clock.ms += 5000;
      const data = ruleContent(41, 22);
      const r = await store.uploadSlave({
        masterLogicName: m,
        prefix: '_big',
        ext: 'jpg',
        size: 41,
        content: contentOf(data),
      });
      assert.equal(r.logicName, m.replace('.jpg', '_big.jpg'));
      assert.ok(r.linkTarget && /^M00\/00\/00\/.{27}\d{3}\.jpg$/.test(r.linkTarget), r.linkTarget);
      const slavePath = store.layout.resolve(r.logicName).dataPath;
      const targetPath = store.layout.resolve(r.linkTarget).dataPath;
      assert.ok((await lstat(slavePath)).isSymbolicLink());
      assert.equal(await readlink(slavePath), targetPath, 'an absolute target, as C writes');
      assert.deepEqual(await readFile(slavePath), data);
      const d = decodeFileId(`group1/${r.linkTarget}`);
      assert.equal(d.fileSize, 41n);
      assert.deepEqual((await binlog()).slice(1), [
        { timestamp: r.timestamp, op: 'C', filename: r.linkTarget },
        { timestamp: store.now(), op: 'L', filename: r.logicName, srcFilename: r.linkTarget },
      ]);
    },
    { settings: { storeSlaveFileUseLink: true } },
  );
});
