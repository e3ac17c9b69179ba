import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { contentOf, ruleContent, withStore } from '../store.test.helper.js';

test('normal file: size and mtime from disk, CRC from the name', async () => {
  await withStore(async ({ store }) => {
    const data = ruleContent(100, 3);
    const r = await store.upload({
      storePathIndex: 0,
      size: 100,
      ext: 'txt',
      content: contentOf(data),
    });
    const info = await store.queryFileInfo(r.logicName);
    const st = await stat(store.layout.resolve(r.logicName).dataPath);
    assert.deepEqual(info, {
      kind: 'normal',
      fileSize: 100,
      createTimestamp: Math.floor(st.mtimeMs / 1000),
      crc32: crc32(data) >>> 0,
      sourceIp: '127.0.0.12',
    });
  });
});

test('appender and slave: the CRC is computed over the content now (0 with the no-CRC flag)', async () => {
  await withStore(async ({ store }) => {
    const part1 = ruleContent(100, 18);
    const a = await store.upload({
      storePathIndex: 0,
      size: 100,
      ext: 'txt',
      content: contentOf(part1),
      appender: true,
    });
    const part2 = ruleContent(4096, 181);
    await store.append({ logicName: a.logicName, size: 4096, content: contentOf(part2) });
    const info = await store.queryFileInfo(a.logicName);
    assert.equal(info.kind, 'appender');
    assert.equal(info.fileSize, 4196);
    assert.equal(info.crc32, crc32(Buffer.concat([part1, part2])) >>> 0);
    assert.equal((await store.queryFileInfo(a.logicName, { noCrc: true })).crc32, 0);
    const m = await store.upload({
      storePathIndex: 0,
      size: 1,
      ext: 'jpg',
      content: contentOf(Buffer.from('m')),
    });
    const slaveData = ruleContent(77, 5);
    const s = await store.uploadSlave({
      masterLogicName: m.logicName,
      prefix: '_x',
      ext: 'jpg',
      size: 77,
      content: contentOf(slaveData),
    });
    const sInfo = await store.queryFileInfo(s.logicName);
    assert.deepEqual(
      [sInfo.kind, sInfo.fileSize, sInfo.crc32],
      ['slave', 77, crc32(slaveData) >>> 0],
    );
  });
});

test('ENOENT comes before the 37-character check (§6.1 cmd 22, §16 #4)', async () => {
  await withStore(async ({ store }) => {
    await assert.rejects(store.queryFileInfo('M00/00/00/short'), { errno: 2 });
    const r = await store.upload({
      storePathIndex: 0,
      size: 1,
      ext: '',
      content: contentOf(Buffer.from('x')),
    });
    await assert.rejects(store.queryFileInfo(r.logicName.replace('/00/00/', '/00/01/')), {
      errno: 2,
    });
    // An existing file with a short name is EINVAL.
    const { writeFile } = await import('node:fs/promises');
    await writeFile(store.layout.resolve('M00/00/00/short').dataPath, 'x');
    await assert.rejects(store.queryFileInfo('M00/00/00/short'), { errno: 22 });
    await assert.rejects(store.queryFileInfo('M09/00/00/short'), { errno: 22 });
  });
});

test('a server id in the name becomes its address, chosen by the requester IP class (§9.10)', async () => {
  await withStore(
    async ({ store }) => {
      const r = await store.upload({
        storePathIndex: 0,
        size: 1,
        ext: '',
        content: contentOf(Buffer.from('x')),
      });
      assert.match(r.logicName, /^M00\/00\/00\/oYYBA/);
      assert.equal((await store.queryFileInfo(r.logicName)).sourceIp, '10.0.0.22');
      assert.equal(
        (await store.queryFileInfo(r.logicName, { requesterIp: '192.168.7.7' })).sourceIp,
        '192.168.0.22',
      );
      store.updateSettings({ storageIds: [] });
      assert.equal((await store.queryFileInfo(r.logicName)).sourceIp, '');
    },
    {
      settings: {
        nameSource: '100001',
        storageIds: [
          { id: '100001', groupName: 'group1', ips: ['10.0.0.22', '192.168.0.22'], port: 23000 },
        ],
      },
    },
  );
});
