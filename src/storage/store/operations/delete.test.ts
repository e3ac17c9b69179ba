import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, stat, symlink } from 'node:fs/promises';
import { contentOf, listStoreFiles, ruleContent, withStore } from '../store.test.helper.js';

const b = (s: string) => Buffer.from(s);

test('delete removes the file and its -m file: D <name>, D <name>-m, at the time of deletion', async () => {
  await withStore(async ({ store, config, binlog, clock }) => {
    const r = await store.upload({
      storePathIndex: 0,
      size: 3,
      ext: 'txt',
      content: contentOf(b('abc')),
    });
    await store.setMetadata(r.logicName, 'O', [{ name: 'k', value: 'v' }]);
    const plain = await store.upload({
      storePathIndex: 1,
      size: 1,
      ext: '',
      content: contentOf(b('z')),
    });
    clock.ms += 60_000;
    const now = store.now();
    assert.deepEqual(await store.delete(r.logicName), {
      removedTarget: undefined,
      removedMetadata: true,
      wasLink: false,
    });
    await store.delete(plain.logicName);
    assert.deepEqual((await binlog()).slice(-3), [
      { timestamp: now, op: 'D', filename: r.logicName },
      { timestamp: now, op: 'D', filename: `${r.logicName}-m` },
      { timestamp: now, op: 'D', filename: plain.logicName },
    ]);
    assert.deepEqual(await listStoreFiles(config), []);
    await assert.rejects(store.delete(r.logicName), { errno: 2 });
    await assert.rejects(store.delete('M00/00/00/../../../x'), { errno: 22 });
    assert.equal(store.stats.counters.successDeleteCount, 2);
    assert.equal(store.stats.counters.totalDeleteCount, 4);
  });
});

test('delete of a symlink slave: D <target>, D <name>, D <name>-m (the recorded order)', async () => {
  await withStore(
    async ({ store, config, binlog }) => {
      const m = await store.upload({
        storePathIndex: 0,
        size: 100,
        ext: 'jpg',
        content: contentOf(ruleContent(100, 1)),
      });
      const s = await store.uploadSlave({
        masterLogicName: m.logicName,
        prefix: '_big',
        ext: 'jpg',
        size: 41,
        content: contentOf(ruleContent(41, 2)),
      });
      await store.setMetadata(s.logicName, 'O', [{ name: 'width', value: '160' }]);
      const before = (await binlog()).length;
      const result = await store.delete(s.logicName);
      assert.deepEqual(result, {
        removedTarget: s.linkTarget,
        removedMetadata: true,
        wasLink: true,
      });
      assert.deepEqual(
        (await binlog()).slice(before).map((l) => `${l.op} ${l.filename}`),
        [`D ${s.linkTarget}`, `D ${s.logicName}`, `D ${s.logicName}-m`],
      );
      assert.deepEqual(await listStoreFiles(config), [`p0/${m.logicName.slice(4)}`]);
      assert.equal(store.stats.counters.successDeleteLinkCount, 1);
    },
    { settings: { storeSlaveFileUseLink: true } },
  );
});

test('a link made by CREATE_LINK with a generated name goes alone: its source is another file', async () => {
  await withStore(async ({ store, binlog, config }) => {
    const src = await store.upload({
      storePathIndex: 0,
      size: 3,
      ext: 'txt',
      content: contentOf(b('src')),
    });
    const link = await store.createLink({ sourceLogicName: src.logicName, ext: 'txt' });
    const before = (await binlog()).length;
    await store.delete(link);
    assert.deepEqual(
      (await binlog()).slice(before).map((l) => `${l.op} ${l.filename}`),
      [`D ${link}`],
    );
    assert.deepEqual(await listStoreFiles(config), [`p0/${src.logicName.slice(4)}`]);
  });
});

test('a folder or a link pointing outside the store is not followed', async () => {
  await withStore(async ({ store, config }) => {
    const dirName = 'M00/00/00/oYYBAGsBjB6AVAbiAAAAKSd8hCE001_dir';
    await mkdir(store.layout.resolve(dirName).dataPath);
    await assert.rejects(store.delete(dirName), { errno: 22 });
    const outside = 'M00/00/00/oYYBAGsBjB6AVAbiAAAAKSd8hCE001_out';
    await symlink('/etc/hostname', store.layout.resolve(outside).dataPath);
    const r = await store.delete(outside);
    assert.equal(r.removedTarget, undefined);
    // Only the link went; the folder is still there (listStoreFiles shows files only).
    assert.deepEqual(await listStoreFiles(config), []);
    assert.ok((await stat(store.layout.resolve(dirName).dataPath)).isDirectory());
  });
});
