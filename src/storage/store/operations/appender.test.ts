import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { FdfsError } from '../../../common/errors.js';
import { contentOf, faultyFs, withStore, type Faults } from '../store.test.helper.js';
import type { Store } from '../index.js';

const b = (s: string) => Buffer.from(s);

async function appender(store: Store, text = 'appender-part-1\n'): Promise<string> {
  const data = b(text);
  return (
    await store.upload({
      storePathIndex: 0,
      size: data.length,
      ext: 'log',
      content: contentOf(data),
      appender: true,
    })
  ).logicName;
}

const mtimeOf = async (store: Store, name: string) =>
  Math.floor((await stat(store.layout.resolve(name).dataPath)).mtimeMs / 1000);

test('append adds at the end and logs A <name> <old size> <bytes>; 0 bytes do nothing', async () => {
  await withStore(async ({ store, binlog }) => {
    const name = await appender(store);
    await store.append({ logicName: name, size: 16, content: contentOf(b('appender-part-2\n')) });
    await store.append({ logicName: name, size: 0, content: contentOf() });
    const path = store.layout.resolve(name).dataPath;
    assert.equal(await readFile(path, 'latin1'), 'appender-part-1\nappender-part-2\n');
    const lines = await binlog();
    assert.equal(lines.length, 2);
    assert.deepEqual(lines[1], {
      timestamp: await mtimeOf(store, name),
      op: 'A',
      filename: name,
      offset: 16,
      length: 16,
    });
    assert.equal(store.stats.counters.successAppendBytes, 16);
  });
});

test('append, modify and truncate take appender files only (EINVAL), existing ones (ENOENT)', async () => {
  await withStore(async ({ store }) => {
    const normal = (
      await store.upload({ storePathIndex: 0, size: 1, ext: '', content: contentOf(b('n')) })
    ).logicName;
    const name = await appender(store);
    const missing = name.replace('M00/00/00/', 'M00/00/01/');
    const x = () => contentOf(b('x'));
    await assert.rejects(store.append({ logicName: normal, size: 1, content: x() }), { errno: 22 });
    await assert.rejects(store.modify({ logicName: normal, offset: 0, size: 1, content: x() }), {
      errno: 22,
    });
    await assert.rejects(store.truncate({ logicName: normal, newSize: 0 }), { errno: 22 });
    await assert.rejects(store.append({ logicName: missing, size: 1, content: x() }), { errno: 2 });
    await assert.rejects(store.append({ logicName: 'M00/00/00/short', size: 1, content: x() }), {
      errno: 22,
    });
    await assert.rejects(store.append({ logicName: 'M00/00/00/../../x', size: 1, content: x() }), {
      errno: 22,
    });
  });
});

test('modify: offset ≤ size, overwrites and may extend; M <name> <offset> <length>', async () => {
  await withStore(async ({ store, binlog }) => {
    const name = await appender(store, '0123456789');
    const path = store.layout.resolve(name).dataPath;
    await store.modify({ logicName: name, offset: 2, size: 3, content: contentOf(b('abc')) });
    assert.equal(await readFile(path, 'latin1'), '01abc56789');
    await store.modify({ logicName: name, offset: 8, size: 4, content: contentOf(b('WXYZ')) });
    assert.equal(await readFile(path, 'latin1'), '01abc567WXYZ');
    await store.modify({ logicName: name, offset: 12, size: 1, content: contentOf(b('!')) }); // at the end
    assert.equal(await readFile(path, 'latin1'), '01abc567WXYZ!');
    await assert.rejects(
      store.modify({ logicName: name, offset: 14, size: 1, content: contentOf(b('?')) }),
      {
        errno: 22,
      },
    );
    await assert.rejects(
      store.modify({ logicName: name, offset: -1, size: 1, content: contentOf(b('?')) }),
      {
        errno: 22,
      },
    );
    const lines = await binlog();
    assert.deepEqual(
      lines.slice(1).map((l) => ('offset' in l ? [l.op, l.offset, l.length] : [])),
      [
        ['M', 2, 3],
        ['M', 8, 4],
        ['M', 12, 1],
      ],
    );
  });
});

test('truncate: shrink, extend, same size is a no-op; T <name> <old> <new>', async () => {
  await withStore(async ({ store, binlog }) => {
    const name = await appender(store, 'x'.repeat(40));
    const path = store.layout.resolve(name).dataPath;
    await store.truncate({ logicName: name, newSize: 20 });
    assert.equal((await stat(path)).size, 20);
    await store.truncate({ logicName: name, newSize: 20 });
    await store.truncate({ logicName: name, newSize: 60 });
    const data = await readFile(path);
    assert.equal(data.length, 60);
    assert.ok(data.subarray(20).every((c) => c === 0));
    await assert.rejects(store.truncate({ logicName: name, newSize: -1 }), { errno: 22 });
    const ts = await mtimeOf(store, name);
    const lines = (await binlog()).slice(1);
    assert.deepEqual(
      lines.map(({ timestamp: _, ...rest }) => rest),
      [
        { op: 'T', filename: name, oldSize: 40, newSize: 20 },
        { op: 'T', filename: name, oldSize: 20, newSize: 60 },
      ],
    );
    // Stamped with the file's mtime after each change (§8.3).
    assert.equal(lines[1]!.timestamp, ts);
    assert.ok(lines[0]!.timestamp <= ts && lines[0]!.timestamp >= ts - 1);
  });
});

test('a failed append is cut back to the old size and logs nothing; concurrent appends stay whole', async () => {
  const faults: Faults = { calls: {} };
  await withStore(
    async ({ store, binlog }) => {
      const name = await appender(store, 'base');
      const path = store.layout.resolve(name).dataPath;
      const source = new PassThrough();
      // As the connection's content stream does (server-connection.ts): an error that comes
      // before the store listens (a loaded machine, 5 ms) is no uncaught exception.
      source.on('error', () => {});
      const pending = store.append({ logicName: name, size: 100, content: source });
      source.write(b('partial'));
      setTimeout(() => source.destroy(new FdfsError('ERR_CONNECTION_CLOSED', 'gone')), 5);
      await assert.rejects(pending, { code: 'ERR_CONNECTION_CLOSED' });
      assert.equal(await readFile(path, 'latin1'), 'base');
      faults.failWritesAfter = 0;
      await assert.rejects(
        store.append({ logicName: name, size: 3, content: contentOf(b('abc')) }),
        { errno: 28 },
      );
      faults.failWritesAfter = undefined;
      assert.equal(await readFile(path, 'latin1'), 'base');
      await Promise.all(
        ['1111', '2222', '3333', '4444'].map((s) =>
          store.append({ logicName: name, size: 4, content: contentOf(b(s)) }),
        ),
      );
      const text = await readFile(path, 'latin1');
      assert.equal(text.length, 20);
      const offsets = (await binlog()).slice(1).map((l) => ('offset' in l ? l.offset : -1));
      assert.deepEqual(offsets, [4, 8, 12, 16]);
    },
    { fs: faultyFs(faults) },
  );
});
