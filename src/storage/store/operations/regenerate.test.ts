import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { decodeFileId } from '../../../protocol/file-id/file-id.js';
import { contentOf, listStoreFiles, ruleContent, withStore } from '../store.test.helper.js';

test('an appender becomes a normal file: CRC over the content, same path, subdir and EXT7; R <new> <old>', async () => {
  await withStore(async ({ store, binlog, config, clock }) => {
    const p1 = ruleContent(100, 18);
    const p2 = ruleContent(97, 181);
    const a = await store.upload({
      storePathIndex: 1,
      size: 100,
      ext: 'txt',
      content: contentOf(p1),
      appender: true,
    });
    await store.append({ logicName: a.logicName, size: 97, content: contentOf(p2) });
    clock.ms += 3000;
    const renamed = await store.regenerateAppenderName(a.logicName);
    assert.equal(renamed.slice(0, 10), a.logicName.slice(0, 10));
    assert.equal(renamed.slice(-7), a.logicName.slice(-7));
    const d = decodeFileId(`group1/${renamed}`);
    assert.equal(d.kind, 'normal');
    assert.equal(d.fileSize, 197n);
    assert.equal(d.crc32, crc32(Buffer.concat([p1, p2])) >>> 0);
    assert.equal(d.createTimestamp, store.now());
    assert.deepEqual(
      await readFile(store.layout.resolve(renamed).dataPath),
      Buffer.concat([p1, p2]),
    );
    assert.deepEqual(await listStoreFiles(config), [`p1/${renamed.slice(4)}`]);
    assert.deepEqual((await binlog()).at(-1), {
      timestamp: store.now(),
      op: 'R',
      filename: renamed,
      srcFilename: a.logicName,
    });
    await assert.rejects(store.regenerateAppenderName(a.logicName), { errno: 2 }, 'renamed away');
    await assert.rejects(store.regenerateAppenderName(renamed), { errno: 22 }, 'not an appender');
  });
});

test('a missing appender is ENOENT', async () => {
  await withStore(async ({ store }) => {
    const a = await store.upload({
      storePathIndex: 0,
      size: 1,
      ext: '',
      content: contentOf(Buffer.from('a')),
      appender: true,
    });
    await assert.rejects(store.regenerateAppenderName(a.logicName.replace('/00/00/', '/00/01/')), {
      errno: 2,
    });
  });
});
