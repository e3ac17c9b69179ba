import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { decodeFileId } from '../../../protocol/file-id/file-id.js';
import { contentOf, ruleContent, withStore } from '../store.test.helper.js';

test('CREATE_LINK with a generated name: random CRC, the source size, a symlink, L <link> <source>', async () => {
  await withStore(async ({ store, binlog }) => {
    const data = ruleContent(100, 103);
    const src = await store.upload({
      storePathIndex: 1,
      size: 100,
      ext: 'txt',
      content: contentOf(data),
    });
    const link = await store.createLink({ sourceLogicName: src.logicName, ext: 'txt' });
    assert.match(link, /^M01\/00\/00\/.{27}\d{3}\.txt$/);
    const d = decodeFileId(`group1/${link}`);
    assert.equal(d.fileSize, 100n);
    assert.notEqual(d.crc32, src.crc32, 'the CRC in a link name is random (§16 #17)');
    assert.equal(d.createTimestamp, store.now());
    const path = store.layout.resolve(link).dataPath;
    assert.ok((await lstat(path)).isSymbolicLink());
    assert.equal(await readlink(path), store.layout.resolve(src.logicName).dataPath);
    assert.deepEqual(await readFile(path), data);
    assert.deepEqual((await binlog()).at(-1), {
      timestamp: store.now(),
      op: 'L',
      filename: link,
      srcFilename: src.logicName,
    });
  });
});

test('CREATE_LINK named as a slave of a master; EEXIST, ENOENT and EINVAL cases', async () => {
  await withStore(async ({ store }) => {
    const src = await store.upload({
      storePathIndex: 0,
      size: 1,
      ext: 'txt',
      content: contentOf(Buffer.from('s')),
    });
    const link = await store.createLink({
      sourceLogicName: src.logicName,
      masterLogicName: src.logicName,
      prefix: '_lnk',
      ext: 'txt',
    });
    assert.equal(link, src.logicName.replace('.txt', '_lnk.txt'));
    await assert.rejects(
      store.createLink({
        sourceLogicName: src.logicName,
        masterLogicName: src.logicName,
        prefix: '_lnk',
        ext: 'txt',
      }),
      { errno: 17 },
    );
    await assert.rejects(
      store.createLink({ sourceLogicName: src.logicName.replace('/00/00/', '/00/01/'), ext: '' }),
      {
        errno: 2,
      },
    );
    await assert.rejects(
      store.createLink({ sourceLogicName: link, ext: '' }),
      { errno: 22 },
      'a link is no source',
    );
    const other = await store.upload({
      storePathIndex: 1,
      size: 1,
      ext: 'txt',
      content: contentOf(Buffer.from('o')),
    });
    await assert.rejects(
      store.createLink({
        sourceLogicName: src.logicName,
        masterLogicName: other.logicName,
        prefix: '_p',
        ext: '',
      }),
      { errno: 22 },
      'the master must be in the source store path',
    );
    assert.equal(store.stats.counters.successCreateLinkCount, 1);
  });
});
