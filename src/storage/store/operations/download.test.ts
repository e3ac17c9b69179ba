import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { ReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { contentOf, ruleContent, withStore } from '../store.test.helper.js';
import type { Store } from '../index.js';

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function stored(store: Store, data: Buffer): Promise<string> {
  return (
    await store.upload({ storePathIndex: 0, size: data.length, ext: '', content: contentOf(data) })
  ).logicName;
}

async function get(store: Store, name: string, offset: number, length: number) {
  const d = await store.openDownload(name, offset, length);
  const body = await collect(d.stream);
  assert.equal(body.length, d.length, 'the stream brings exactly `length` bytes');
  return { length: d.length, body: body.toString('latin1') };
}

test('ranges: whole, inside, past the end (cut), length 0 = to the end', async () => {
  await withStore(async ({ store }) => {
    const name = await stored(store, Buffer.from('0123456789'));
    assert.deepEqual(await get(store, name, 0, 0), { length: 10, body: '0123456789' });
    assert.deepEqual(await get(store, name, 2, 3), { length: 3, body: '234' });
    assert.deepEqual(await get(store, name, 7, 100), { length: 3, body: '789' });
    assert.deepEqual(await get(store, name, 9, 0), { length: 1, body: '9' });
    assert.deepEqual(await get(store, name, 9, 1), { length: 1, body: '9' });
    assert.deepEqual(await get(store, name, 0, 10), { length: 10, body: '0123456789' });
  });
});

test('offset at or after the end of a non-empty file is EINVAL; an empty file at offset 0 is empty (§16 #3)', async () => {
  await withStore(async ({ store }) => {
    const name = await stored(store, Buffer.from('0123456789'));
    await assert.rejects(store.openDownload(name, 10, 0), { errno: 22 });
    await assert.rejects(store.openDownload(name, 11, 1), { errno: 22 });
    await assert.rejects(store.openDownload(name, -1, 0), { errno: 22 });
    await assert.rejects(store.openDownload(name, 0, -5), { errno: 22 });
    const empty = await stored(store, Buffer.alloc(0));
    assert.deepEqual(await get(store, empty, 0, 0), { length: 0, body: '' });
    assert.deepEqual(await get(store, empty, 0, 100), { length: 0, body: '' });
    await assert.rejects(store.openDownload(empty, 1, 0), { errno: 22 });
  });
});

test('missing file ENOENT, a folder EISDIR, a bad name EINVAL', async () => {
  await withStore(async ({ store }) => {
    const name = await stored(store, Buffer.from('x'));
    await assert.rejects(store.openDownload(name.replace('/00/00/', '/00/01/'), 0, 0), {
      errno: 2,
    });
    const dirName = 'M00/00/00/oYYBAGsBjB6AVAbiAAAAKSd8hCE001.jpg';
    await mkdir(store.layout.resolve(dirName).dataPath);
    await assert.rejects(store.openDownload(dirName, 0, 0), { errno: 21 });
    await assert.rejects(store.openDownload('M00/00/00/../../.fastdfs_vars', 0, 0), { errno: 22 });
    assert.equal(store.stats.counters.totalDownloadCount, 3);
  });
});

test('the body is a file ReadStream on the range (no copy into memory), counted when it ends', async () => {
  await withStore(async ({ store }) => {
    const data = ruleContent(1 << 20, 4);
    const name = await stored(store, data);
    const d = await store.openDownload(name, 1000, 500_000);
    assert.ok(d.stream instanceof ReadStream);
    assert.equal(d.fileSize, 1 << 20);
    assert.deepEqual(await collect(d.stream), data.subarray(1000, 501_000));
    assert.equal(store.stats.counters.successDownloadBytes, 500_000);
    // A download abandoned half-way closes the file and counts as a failure.
    const half = await store.openDownload(name, 0, 0);
    await new Promise<void>((resolve) => {
      half.stream.once('data', () => {
        half.stream.destroy();
        half.stream.once('close', () => resolve());
      });
    });
    assert.equal(store.stats.counters.totalDownloadCount, 2);
    assert.equal(store.stats.counters.successDownloadCount, 1);
  });
});

test('a client download reads small ranges whole and streams large ones, with the same range rules', async () => {
  const { INLINE_DOWNLOAD_MAX } = await import('./download.js');
  await withStore(async ({ store }) => {
    const data = Buffer.alloc(INLINE_DOWNLOAD_MAX + 100);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
    const name = await stored(store, data);
    const cases: [number, number][] = [
      [0, 0],
      [0, INLINE_DOWNLOAD_MAX],
      [1, INLINE_DOWNLOAD_MAX],
      [99, 0],
      [100, 0],
      [data.length - 1, 5],
      [10, 20],
    ];
    for (const [offset, length] of cases) {
      const d = await store.openOrReadDownload(name, offset, length);
      const want = data.subarray(offset, length === 0 ? data.length : offset + length);
      const body = 'content' in d ? d.content : await collect(d.stream);
      assert.equal(d.length, want.length, `length of ${offset}+${length}`);
      assert.equal(
        'content' in d,
        want.length <= INLINE_DOWNLOAD_MAX,
        `inline ${offset}+${length}`,
      );
      assert.ok(body.equals(want), `bytes of ${offset}+${length}`);
    }
    await assert.rejects(store.openOrReadDownload(name, data.length, 0), { errno: 22 });
    const empty = await stored(store, Buffer.alloc(0));
    const e = await store.openOrReadDownload(empty, 0, 0);
    assert.ok('content' in e && e.content.length === 0 && e.length === 0);
    await assert.rejects(store.openOrReadDownload(empty, 1, 0), { errno: 22 });
    await assert.rejects(store.openOrReadDownload('M00/00/00/nosuchfile', 0, 0));
  });
});
