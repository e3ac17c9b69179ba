import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeStoreFs } from './fs-layer.js';
import { hex2, runBounded, StoreLayout } from './layout.js';
import { withTempDir } from './store.test.helper.js';

function layoutIn(dir: string, subdirCount = 4, paths = 2): StoreLayout {
  return new StoreLayout(
    Array.from({ length: paths }, (_, index) => ({
      index,
      path: join(dir, `p${index}`),
      readonly: false,
    })),
    subdirCount,
    nodeStoreFs,
  );
}

test('resolve: a logic name maps to <store_path>/data/XX/YY/name and its -m file', () => {
  const layout = layoutIn('/srv/fdfs', 256);
  const r = layout.resolve('M01/0A/FF/wKgAxGhXAAAAAAAAAAAAAAAAAAA123.jpg');
  assert.equal(r.storePathIndex, 1);
  assert.equal(r.dataPath, '/srv/fdfs/p1/data/0A/FF/wKgAxGhXAAAAAAAAAAAAAAAAAAA123.jpg');
  assert.equal(r.metaPath, `${r.dataPath}-m`);
  assert.equal(r.trueName, '0A/FF/wKgAxGhXAAAAAAAAAAAAAAAAAAA123.jpg');
  assert.equal(r.dirPath, '/srv/fdfs/p1/data/0A/FF');
});

test('resolve: no file ID can leave data/XX/YY/ (EINVAL)', () => {
  const layout = layoutIn('/srv/fdfs', 4);
  const bad = [
    'M00/00/00/../../../etc/passwd',
    'M00/00/00/..',
    'M00/00/00/a/../../b',
    'M00/../00/name-of-file',
    '/etc/passwd/xxxxxxxxxxxx',
    'M00/00/00//etc/passwd',
    'M00/0g/00/name-of-file',
    'M00/0a/00/name-of-file', // lower-case hex
    'M02/00/00/name-of-file', // store path 2 does not exist
    'M00/04/00/name-of-file', // subdir 4 of 4
    'M00/00/00/name\\..\\x',
    'M00/00/00/nul\u0000byte',
    'M00/00/00/line\nfeed',
    'X00/00/00/name-of-file',
    'M00/00/00/',
    'M00/00/00/.',
  ];
  for (const name of bad) {
    assert.throws(() => layout.resolve(name), { code: 'ERR_BAD_FILE_ID' }, name);
  }
  assert.throws(() => layout.resolve(`M00/00/00/${'x'.repeat(200)}`), { code: 'ERR_BAD_FILE_ID' });
});

test('ensureTree creates data/ and every XX/YY, reports a created data folder, then fills gaps only', async () => {
  await withTempDir(async (dir) => {
    const layout = layoutIn(dir, 4, 1);
    assert.deepEqual(await layout.ensureTree(0), { dataCreated: true });
    const data = join(dir, 'p0', 'data');
    assert.deepEqual((await readdir(data)).sort(), ['00', '01', '02', '03']);
    for (const high of ['00', '01', '02', '03']) {
      assert.deepEqual((await readdir(join(data, high))).sort(), ['00', '01', '02', '03']);
    }
    // A C store path that has only 00/00: the rest is created, what exists is kept.
    const other = layoutIn(join(dir, 'c'), 4, 1);
    await mkdir(join(dir, 'c', 'p0', 'data', '00', '00'), { recursive: true });
    await writeFile(join(dir, 'c', 'p0', 'data', '00', '00', 'file'), 'x');
    assert.deepEqual(await other.ensureTree(0), { dataCreated: false });
    assert.equal((await readdir(join(dir, 'c', 'p0', 'data', '03'))).length, 4);
    assert.ok((await stat(join(dir, 'c', 'p0', 'data', '00', '00', 'file'))).isFile());
    // Complete: nothing to do.
    assert.deepEqual(await layout.ensureTree(0), { dataCreated: false });
  });
});

test('sweepTemp empties the temporary folder; temp paths are fresh and inside it', async () => {
  await withTempDir(async (dir) => {
    const layout = layoutIn(dir, 1, 1);
    await layout.ensureTree(0);
    await layout.sweepTemp(0);
    const a = layout.tempFilePath(0);
    const b = layout.tempFilePath(0);
    assert.notEqual(a, b);
    assert.equal(join(a, '..'), join(dir, 'p0', 'data', '.tmp'));
    await writeFile(a, 'partial');
    await mkdir(join(dir, 'p0', 'data', '.tmp', 'sub'));
    await layout.sweepTemp(0);
    assert.deepEqual(await readdir(join(dir, 'p0', 'data', '.tmp')), []);
  });
});

test('logicNameOfPath: absolute (as C writes) or relative symlink targets inside a store path', () => {
  const layout = layoutIn('/srv/fdfs', 256);
  const linkDir = '/srv/fdfs/p1/data/00/01';
  assert.equal(
    layout.logicNameOfPath('/srv/fdfs/p1/data/0A/0B/target.jpg', linkDir),
    'M01/0A/0B/target.jpg',
  );
  assert.equal(layout.logicNameOfPath('../../0A/0B/t.jpg', linkDir), 'M01/0A/0B/t.jpg');
  assert.equal(layout.logicNameOfPath('/etc/passwd', linkDir), undefined);
  assert.equal(layout.logicNameOfPath('/srv/fdfs/p1/data/.tmp/x', linkDir), undefined);
  assert.equal(hex2(255), 'FF');
});

test('runBounded keeps at most `limit` tasks in flight and reports a failure', async () => {
  let running = 0;
  let peak = 0;
  const tasks = Array.from({ length: 50 }, () => async () => {
    peak = Math.max(peak, ++running);
    await new Promise((r) => setImmediate(r));
    running--;
  });
  await runBounded(tasks, 5);
  assert.equal(peak, 5);
  await assert.rejects(
    runBounded([async () => {}, async () => Promise.reject(new Error('boom'))], 2),
    /boom/,
  );
});
