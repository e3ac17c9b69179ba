import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { Errno } from '../../../protocol/errno.js';
import { contentOf, ruleContent, withTempDir } from '../store.test.helper.js';
import { readSmallContent } from './content.js';
import { runJob } from './jobs.js';
import { jobError, SmallFileIo } from './pool.js';

test('create: the file at its path with the given mtime, no temporary file left', async () => {
  await withTempDir(async (dir) => {
    const body = ruleContent(5000, 3);
    const r = runJob({
      kind: 'create',
      temp: join(dir, 'a.tmp'),
      path: join(dir, 'a'),
      body,
      mtime: 1_700_000_123,
    });
    assert.deepEqual(r, { ok: true, kind: 'create' });
    assert.deepEqual(await readFile(join(dir, 'a')), body);
    assert.equal((await stat(join(dir, 'a'))).mtimeMs, 1_700_000_123_000);
    assert.deepEqual(await readdir(dir), ['a']);
  });
});

test('create: a failed rename or an existing temporary file leaves nothing of the job', async () => {
  await withTempDir(async (dir) => {
    const body = ruleContent(100, 1);
    const r = runJob({
      kind: 'create',
      temp: join(dir, 'b.tmp'),
      path: join(dir, 'missing', 'b'),
      body,
      mtime: 1,
    });
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.code, 'ENOENT');
    assert.deepEqual(await readdir(dir), []);
    assert.equal(jobError(r as typeof r & { ok: false }, 'writing b').errno, Errno.ENOENT);
    // O_EXCL: a temporary name already taken is refused, and the file there is not ours to keep.
    await writeFile(join(dir, 'c.tmp'), 'x');
    const taken = runJob({
      kind: 'create',
      temp: join(dir, 'c.tmp'),
      path: join(dir, 'c'),
      body,
      mtime: 1,
    });
    assert.equal(!taken.ok && taken.code, 'EEXIST');
  });
});

test('read: the range rule, ranges above max give only the size, a folder is EISDIR', async () => {
  await withTempDir(async (dir) => {
    const data = ruleContent(1000, 7);
    await writeFile(join(dir, 'f'), data);
    await writeFile(join(dir, 'empty'), '');
    await mkdir(join(dir, 'sub'));
    const read = (path: string, offset: number, length: number, max = 4096) =>
      runJob({ kind: 'read', path: join(dir, path), offset, length, max });
    const bytes = (r: ReturnType<typeof runJob>) =>
      r.ok && r.kind === 'read' ? (r.data ? Buffer.from(r.data) : undefined) : 'failed';
    assert.deepEqual(bytes(read('f', 0, 0)), data);
    assert.deepEqual(bytes(read('f', 10, 20)), data.subarray(10, 30));
    assert.deepEqual(bytes(read('f', 990, 100)), data.subarray(990));
    assert.equal(bytes(read('f', 1000, 0)), undefined); // the caller answers EINVAL
    assert.equal(bytes(read('empty', 0, 0)), undefined);
    const big = read('f', 0, 0, 999);
    assert.deepEqual(big, { ok: true, kind: 'read', fileSize: 1000, data: undefined });
    assert.equal((read('sub', 0, 0) as { code?: string }).code, 'EISDIR');
    assert.equal((read('nope', 0, 0) as { code?: string }).code, 'ENOENT');
  });
});

test('read with noFollow: a symbolic link is ELOOP, a FIFO EISDIR, a regular file reads as usual', async () => {
  await withTempDir(async (dir) => {
    await writeFile(join(dir, 'f'), 'data');
    await symlink(join(dir, 'f'), join(dir, 'link'));
    const read = (path: string) =>
      runJob({
        kind: 'read',
        path: join(dir, path),
        offset: 0,
        length: 0,
        max: 100,
        noFollow: true,
      });
    assert.equal((read('link') as { code?: string }).code, 'ELOOP');
    // A FIFO does not hold the worker (O_NONBLOCK): no regular file there.
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    assert.equal((read('fifo') as { code?: string }).code, 'EISDIR');
    const r = read('f');
    assert.ok(r.ok && r.kind === 'read' && Buffer.from(r.data!).toString() === 'data');
  });
});

test('create with unlessSize: a regular file of that size stays untouched; another size is replaced', async () => {
  await withTempDir(async (dir) => {
    await writeFile(join(dir, 'a'), 'old');
    const job = (size: number) =>
      runJob({
        kind: 'create',
        temp: join(dir, 'a.tmp'),
        path: join(dir, 'a'),
        body: Buffer.from('new!'),
        mtime: 5,
        unlessSize: size,
      });
    assert.deepEqual(job(3), { ok: true, kind: 'create', existed: true });
    assert.equal((await readFile(join(dir, 'a'))).toString(), 'old');
    assert.deepEqual(job(4), { ok: true, kind: 'create' });
    assert.equal((await readFile(join(dir, 'a'))).toString(), 'new!');
    assert.deepEqual(await readdir(dir), ['a']);
  });
});

test('pool: concurrent jobs share batches, each gets its own answer; close waits for them', async () => {
  await withTempDir(async (dir) => {
    const io = new SmallFileIo(2);
    const files = Array.from({ length: 200 }, (_, i) => ruleContent(100 + i, i));
    const created = await Promise.all(
      files.map((body, i) =>
        io.run({
          kind: 'create',
          temp: join(dir, `${i}.tmp`),
          path: join(dir, `${i}`),
          body: new Uint8Array(body),
          mtime: 1000 + i,
        }),
      ),
    );
    assert.ok(created.every((r) => r.ok));
    const reads = files.map((_, i) =>
      io.run({ kind: 'read', path: join(dir, `${i}`), offset: 0, length: 0, max: 65536 }),
    );
    await io.close();
    const got = await Promise.all(reads);
    got.forEach((r, i) => {
      assert.ok(r.ok && r.kind === 'read' && r.data);
      assert.deepEqual(Buffer.from(r.data), files[i]);
    });
    await assert.rejects(
      io.run({ kind: 'read', path: join(dir, '0'), offset: 0, length: 0, max: 1 }),
      {
        code: 'ERR_CLOSED',
      },
    );
  });
});

test('readSmallContent: exactly the announced bytes, else ERR_BAD_BODY', async () => {
  const data = ruleContent(3000, 5);
  const parts = [data.subarray(0, 1), data.subarray(1, 2000), data.subarray(2000)];
  assert.deepEqual(Buffer.from(await readSmallContent(contentOf(...parts), 3000)), data);
  assert.equal((await readSmallContent(Readable.from([]), 0)).length, 0);
  await assert.rejects(readSmallContent(contentOf(data), 2999), { code: 'ERR_BAD_BODY' });
  await assert.rejects(readSmallContent(contentOf(data), 3001), { code: 'ERR_BAD_BODY' });
  const cut = new PassThrough();
  const reading = readSmallContent(cut, 3000);
  cut.write(data.subarray(0, 100));
  cut.destroy();
  await assert.rejects(reading, { code: 'ERR_BAD_BODY' });
});
