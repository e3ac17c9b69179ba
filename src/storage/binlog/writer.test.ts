import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BinlogWriter } from './writer.js';
import { parseBinlogText } from './record.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-binlog-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('an append resolves after its line is in the file, and the index file exists', async () => {
  await withDir(async (dir) => {
    const w = await BinlogWriter.open({ dir });
    const end = await w.append({ timestamp: 1795263070, op: 'C', filename: 'M00/00/00/a.txt' });
    assert.deepEqual(end, { index: 0, offset: 29 });
    assert.equal(await readFile(join(dir, 'binlog.000'), 'utf8'), '1795263070 C M00/00/00/a.txt\n');
    assert.equal(
      await readFile(join(dir, 'binlog_index.dat'), 'utf8'),
      'current_write=0\ncurrent_compress=0\n',
    );
    await w.close();
  });
});

test('concurrent appends share writes and fsyncs (group commit), and keep every line', async () => {
  await withDir(async (dir) => {
    const w = await BinlogWriter.open({ dir, fsync: true });
    const seen: number[] = [];
    w.onAppend((end) => seen.push(end.offset));
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        w.append({ timestamp: i, op: 'C', filename: `M00/00/00/f${i}` }),
      ),
    );
    assert.equal(w.stats.lines, 200);
    assert.ok(w.stats.syncs < 200, `${w.stats.syncs} fsyncs for 200 appends`);
    assert.equal(w.stats.syncs, w.stats.writes);
    const { lines } = parseBinlogText(await readFile(join(dir, 'binlog.000'), 'utf8'));
    assert.equal(lines.length, 200);
    assert.deepEqual(
      lines.map((l) => (l.ok ? l.record.timestamp : -1)),
      Array.from({ length: 200 }, (_, i) => i),
      'lines are in append order',
    );
    assert.ok(seen.length >= 1 && seen.at(-1) === w.position.offset, 'listeners see the end');
    await w.close();
  });
});

test('rotation opens binlog.001 and records it in binlog_index.dat; reopening continues there', async () => {
  await withDir(async (dir) => {
    const w = await BinlogWriter.open({ dir, rotateSize: 100 });
    for (let i = 0; i < 10; i++)
      await w.append({ timestamp: i, op: 'D', filename: `M00/00/00/file-${i}` });
    await w.close();
    const index = w.position.index;
    assert.equal(index, 2, 'two rotations of 5 lines (105 bytes) each');
    assert.equal(
      await readFile(join(dir, 'binlog_index.dat'), 'utf8'),
      `current_write=${index}\ncurrent_compress=0\n`,
    );
    const again = await BinlogWriter.open({ dir, rotateSize: 100 });
    assert.equal(again.position.index, index);
    await again.close();
    let total = 0;
    for (let i = 0; i <= index; i++) {
      total += parseBinlogText(
        await readFile(join(dir, `binlog.${String(i).padStart(3, '0')}`), 'utf8'),
      ).lines.length;
    }
    assert.equal(total, 10, 'no line lost across rotation');
  });
});

test('a torn last line (no newline: a SIGKILL inside write) is cut off at open', async () => {
  await withDir(async (dir) => {
    const whole = '1795263070 C M00/00/00/a.txt\n';
    const torn = '1795263071 C M00/00/00/b.t';
    await writeFile(join(dir, 'binlog.000'), whole + torn);
    const w = await BinlogWriter.open({ dir });
    assert.equal(w.tornBytes, torn.length);
    assert.deepEqual(w.position, { index: 0, offset: whole.length });
    await w.append({ timestamp: 1795263072, op: 'C', filename: 'M00/00/00/c.txt' });
    await w.close();
    const text = await readFile(join(dir, 'binlog.000'), 'utf8');
    assert.equal(text, `${whole}1795263072 C M00/00/00/c.txt\n`);
    assert.ok(parseBinlogText(text).lines.every((l) => l.ok));
  });
});

test('a file without any newline is emptied; a whole file is kept as it is', async () => {
  await withDir(async (dir) => {
    await writeFile(join(dir, 'binlog.000'), 'x'.repeat(10_000));
    const w = await BinlogWriter.open({ dir });
    assert.equal(w.tornBytes, 10_000);
    assert.equal(w.position.offset, 0);
    await w.close();
  });
  await withDir(async (dir) => {
    // Longer than one read chunk, so that the newline is found in an earlier chunk.
    const text = `1795263070 C M00/00/00/${'a'.repeat(9000)}\n`;
    await writeFile(join(dir, 'binlog.000'), text);
    const w = await BinlogWriter.open({ dir });
    assert.equal(w.tornBytes, 0);
    assert.equal(w.position.offset, text.length);
    await w.close();
    assert.equal(await readFile(join(dir, 'binlog.000'), 'utf8'), text);
  });
});
