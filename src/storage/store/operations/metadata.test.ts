import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { decodeMetadata } from '../../../protocol/metadata.js';
import { contentOf, listStoreFiles, withStore } from '../store.test.helper.js';
import type { Store } from '../index.js';

const file = async (store: Store) =>
  (
    await store.upload({
      storePathIndex: 0,
      size: 1,
      ext: 'jpg',
      content: contentOf(Buffer.from('x')),
    })
  ).logicName;

test("'O' writes the sorted list (C), rewrites it (U), and an empty list deletes it (D)", async () => {
  await withStore(async ({ store, binlog, clock }) => {
    const name = await file(store);
    const metaPath = store.layout.resolve(name).metaPath;
    await store.setMetadata(name, 'O', [
      { name: 'width', value: '160' },
      { name: 'height', value: '80' },
      { name: 'ext_name', value: 'jpg' },
    ]);
    assert.equal(
      await readFile(metaPath, 'latin1'),
      'ext_name\x02jpg\x01height\x0280\x01width\x02160',
    );
    clock.ms += 1000;
    await store.setMetadata(name, 'O', [{ name: 'color', value: 'red' }]);
    assert.equal((await store.getMetadata(name)).toString('latin1'), 'color\x02red');
    clock.ms += 1000;
    await store.setMetadata(name, 'O', []);
    await store.setMetadata(name, 'O', []); // nothing to delete: no error, no line
    await assert.rejects(store.getMetadata(name), { errno: 2 });
    const t = store.now();
    assert.deepEqual(
      (await binlog()).slice(1).map((l) => [l.timestamp - t, l.op, l.filename]),
      [
        [-2, 'C', `${name}-m`],
        [-1, 'U', `${name}-m`],
        [0, 'D', `${name}-m`],
      ],
    );
  });
});

test("'M' merges by name (new values win) and sorts; empty does nothing; no file yet behaves as 'O'", async () => {
  await withStore(async ({ store, binlog }) => {
    const name = await file(store);
    await store.setMetadata(name, 'M', []);
    await store.setMetadata(name, 'M', [
      { name: 'size', value: 'big' },
      { name: 'color', value: 'red' },
    ]);
    await store.setMetadata(name, 'M', [
      { name: 'size', value: 'small' },
      { name: 'author', value: 'vec' },
    ]);
    // disk/clusterA/.../fwAADGsBidyANlV7AAAAKSd8hCE597.jpg-m holds exactly this after the same steps.
    assert.deepEqual(decodeMetadata(await store.getMetadata(name)), [
      { name: 'author', value: 'vec' },
      { name: 'color', value: 'red' },
      { name: 'size', value: 'small' },
    ]);
    assert.deepEqual(
      (await binlog()).slice(1).map((l) => l.op),
      ['C', 'U'],
    );
  });
});

test('metadata rules: the file must exist (ENOENT), bad flags and bad items are EINVAL', async () => {
  await withStore(async ({ store, config }) => {
    const name = await file(store);
    const missing = name.replace('M00/00/00/', 'M00/00/01/');
    await assert.rejects(store.setMetadata(missing, 'O', [{ name: 'a', value: 'b' }]), {
      errno: 2,
    });
    await assert.rejects(store.getMetadata(missing), { errno: 2 });
    await assert.rejects(store.setMetadata(name, 'X' as 'O', []), { errno: 22 });
    await assert.rejects(store.setMetadata(name, 'O', [{ name: 'a\x01', value: 'b' }]), {
      code: 'ERR_BAD_METADATA',
    });
    await assert.rejects(store.setMetadata(name, 'O', [{ name: 'n'.repeat(65), value: 'b' }]), {
      code: 'ERR_BAD_METADATA',
    });
    await assert.rejects(store.getMetadata(name), { errno: 2 }, 'no metadata is ENOENT');
    assert.deepEqual(await listStoreFiles(config), [`p0/${name.slice(4)}`]);
  });
});
