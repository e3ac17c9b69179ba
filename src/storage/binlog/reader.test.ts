import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BinlogReader } from './reader.js';
import { BinlogWriter } from './writer.js';
import { MarkStore, EMPTY_MARK } from './mark-store.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'binlog-reader-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const N = 'M00/00/00/fwAADWsBiq2ASPZaAAAAIOe9Ofk966.log';

test('reads from a mark, rolls over to the next file, skips C link lines (§16 #2)', () =>
  withDir(async (dir) => {
    const warnings: unknown[] = [];
    const logger = { warn: (o: unknown) => warnings.push(o) } as never;
    await writeFile(join(dir, 'binlog.000'), `1 C ${N}\n2 L  ${N}\n3 l \n4 D ${N}\n`);
    await writeFile(join(dir, 'binlog.001'), `5 c ${N}\n6 A ${N} 0 10\n7 C partial`);
    const reader = new BinlogReader({ dir, from: { index: 0, offset: 0 }, logger });
    const got = await reader.read();
    assert.deepEqual(
      got.map((r) => `${r.record.timestamp}${r.record.op}`),
      ['1C', '4D', '5c', '6A'],
    );
    assert.equal(reader.skipped, 2);
    assert.equal(warnings.length, 2);
    assert.deepEqual(got[1]!.end, {
      index: 0,
      offset: Buffer.byteLength(`1 C ${N}\n2 L  ${N}\n3 l \n4 D ${N}\n`),
    });
    assert.deepEqual(got[2]!.start, { index: 1, offset: 0 });
    // The partial last line is not returned, and the position stays at its start.
    const pos = reader.position;
    assert.deepEqual(await reader.read(), []);
    assert.deepEqual(reader.position, pos);
    // Resuming from a saved mark reads only what follows it.
    const resumed = new BinlogReader({ dir, from: got[2]!.end });
    assert.deepEqual(
      (await resumed.read()).map((r) => r.record.op),
      ['A'],
    );
  }));

test('a long line beyond one chunk is still read', () =>
  withDir(async (dir) => {
    const lines = Array.from({ length: 50 }, (_, i) => `${i} C ${N}\n`).join('');
    await writeFile(join(dir, 'binlog.000'), lines);
    const reader = new BinlogReader({ dir, from: { index: 0, offset: 0 }, chunkSize: 16 });
    assert.equal((await reader.read(1000)).length, 50);
  }));

test('the writer wakes a waiting reader at once (no poll)', () =>
  withDir(async (dir) => {
    const writer = await BinlogWriter.open({ dir });
    const reader = new BinlogReader({ dir, from: writer.position, source: writer });
    const t0 = Date.now();
    const waited = reader.waitForData(10_000);
    setTimeout(() => void writer.append({ timestamp: 9, op: 'C', filename: N }), 20);
    await waited;
    assert.ok(Date.now() - t0 < 5_000);
    assert.deepEqual(
      (await reader.read()).map((r) => r.record.timestamp),
      [9],
    );
    await writer.close();
  }));

test('lines of the live writer come from memory; positions outside the window from the file', () =>
  withDir(async (dir) => {
    const writer = await BinlogWriter.open({ dir });
    await writer.append({ timestamp: 1, op: 'C', filename: N });
    // The bytes held in memory are what the reader takes: a file that says otherwise is not read.
    let asked = 0;
    const source = {
      onAppend: writer.onAppend.bind(writer),
      get position() {
        return writer.position;
      },
      recent: (from: { index: number; offset: number }, max: number) => {
        asked++;
        return writer.recent(from, max);
      },
    };
    const reader = new BinlogReader({ dir, from: { index: 0, offset: 0 }, source });
    await writer.append({ timestamp: 2, op: 'D', filename: N });
    await writeFile(join(dir, 'binlog.000'), 'not what the writer wrote\n');
    const got = await reader.read();
    assert.deepEqual(
      got.map((r) => `${r.record.timestamp}${r.record.op}`),
      ['1C', '2D'],
    );
    assert.ok(asked > 0);
    assert.equal(reader.position.offset, writer.position.offset);
    // Another file's position is not served from memory.
    assert.equal(writer.recent({ index: 0, offset: 0 }, 10)?.length, 10);
    assert.equal(writer.recent({ index: 1, offset: 0 }, 10), undefined);
    await writer.close();
  }));

test('after a rotation only the new file is served from memory, from its start', () =>
  withDir(async (dir) => {
    const writer = await BinlogWriter.open({ dir, rotateSize: 60 });
    await writer.append({ timestamp: 1, op: 'C', filename: N });
    await writer.append({ timestamp: 2, op: 'C', filename: N });
    // (the rotation runs after the second line's append resolved; the third waits for it)
    await writer.append({ timestamp: 3, op: 'D', filename: N });
    assert.equal(writer.position.index, 1);
    assert.equal(writer.recent({ index: 0, offset: 0 }, 100), undefined);
    assert.equal(writer.recent({ index: 1, offset: 0 }, 100)?.toString(), `3 D ${N}\n`);
    const reader = new BinlogReader({ dir, from: { index: 0, offset: 0 }, source: writer });
    assert.deepEqual(
      (await reader.read()).map((r) => r.record.timestamp),
      [1, 2, 3],
    );
    await writer.close();
  }));

test('mark files: atomic write, read back in the §8.4 order, rename and remove', () =>
  withDir(async (dir) => {
    const marks = new MarkStore(dir);
    assert.equal(await marks.read('127.0.0.13_23000.mark'), undefined);
    const mark = { ...EMPTY_MARK, binlogOffset: 5543, needSyncOld: true, untilTimestamp: 17 };
    await marks.write('127.0.0.13_23000.mark', mark);
    assert.deepEqual(await marks.read('127.0.0.13_23000.mark'), mark);
    const text = await readFile(join(dir, '127.0.0.13_23000.mark'), 'utf8');
    assert.match(text, /^binlog_index=0\nbinlog_offset=5543\nneed_sync_old=1\nsync_old_done=0\n/);
    await marks.rename('127.0.0.13_23000.mark', '127.0.0.14_23000.mark');
    assert.deepEqual(await marks.read('127.0.0.14_23000.mark'), mark);
    await marks.remove('127.0.0.14_23000.mark');
    assert.equal(await marks.read('127.0.0.14_23000.mark'), undefined);
  }));
