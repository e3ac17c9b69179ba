// The crash-atomic split of the recovery records over threads (§8.8 step 5, split.ts): leftovers
// of a split cut short before its commit are ignored and the split redone from the old files; a
// split cut short after its commit is finished without losing or repeating a record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger } from '../../common/logger.js';
import { parseBinlogText } from '../binlog/record.js';
import { layoutFixture } from './recovery.test.helper.js';
import {
  formatRecoveryMark,
  recoveryBinlogPath,
  recoveryMarkPath,
  recoveryThreadOf,
} from './recovery-files.js';
import { finishSplit, splitRecoveryFiles, SPLIT_COMMIT_FILE } from './split.js';

const OLD = 2;
const NEW = 3;

function lines(count: number, from: number): string[] {
  return Array.from(
    { length: count },
    (_, i) =>
      `${1_795_000_000 + from + i} C M01/00/00/name${String(from + i).padStart(5, '0')}.bin\n`,
  );
}

/** Two old thread files, the first half done (its mark), the second untouched. */
async function oldState(dataDir: string): Promise<string[]> {
  const file0 = lines(20, 0);
  const file1 = lines(15, 100);
  await writeFile(recoveryBinlogPath(dataDir, 0), file0.join(''));
  await writeFile(recoveryBinlogPath(dataDir, 1), file1.join(''));
  await writeFile(
    recoveryMarkPath(dataDir, 0),
    formatRecoveryMark(file0.slice(0, 8).join('').length),
  );
  return [...file0.slice(8), ...file1];
}

/** The records of the new thread files, and each one's thread checked against Time33. */
async function newRecords(dataDir: string, threads: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < threads; i++) {
    const text = await readFile(recoveryBinlogPath(dataDir, i), 'latin1');
    for (const l of parseBinlogText(text).lines) {
      assert.ok(l.ok);
      assert.equal(recoveryThreadOf(l.record, threads), i);
    }
    out.push(...text.split(/(?<=\n)/).filter((s) => s !== ''));
  }
  return out;
}

test('leftovers of a split cut short before its commit are dropped and the split redone', async () => {
  const f = await layoutFixture();
  try {
    const dataDir = f.layout.storePath(1).dataDir;
    const left = await oldState(dataDir);
    await writeFile(`${recoveryBinlogPath(dataDir, 0)}.split`, lines(3, 500).join(''));
    await writeFile(`${recoveryBinlogPath(dataDir, 2)}.split.tmp`, 'half');
    const set: number[] = [];
    const kept = await splitRecoveryFiles(dataDir, OLD, NEW, silentLogger, async (n) => {
      set.push(n);
    });
    assert.equal(kept, left.length);
    assert.deepEqual(set, [NEW]);
    assert.deepEqual((await newRecords(dataDir, NEW)).sort(), [...left].sort());
    const names = (await readdir(dataDir)).filter((n) => n.includes('recovery'));
    assert.deepEqual(names.sort(), [
      '.binlog.recovery.0',
      '.binlog.recovery.1',
      '.binlog.recovery.2',
    ]);
  } finally {
    await f.cleanup();
  }
});

test('a split cut short after its commit is finished: no record lost, none repeated', async () => {
  const f = await layoutFixture();
  try {
    const dataDir = f.layout.storePath(1).dataDir;
    const left = await oldState(dataDir);
    // The crash: the flag could not be written, after the commit file.
    await assert.rejects(
      splitRecoveryFiles(dataDir, OLD, NEW, silentLogger, async () => {
        throw new Error('killed');
      }),
    );
    assert.ok((await readdir(dataDir)).includes(SPLIT_COMMIT_FILE));
    const set: number[] = [];
    assert.equal(await finishSplit(dataDir, async (n) => void set.push(n)), true);
    assert.deepEqual(set, [NEW]);
    assert.equal(await finishSplit(dataDir, async () => {}), false, 'nothing left to finish');
    assert.deepEqual((await newRecords(dataDir, NEW)).sort(), [...left].sort());
    const marks = (await readdir(dataDir)).filter((n) => n.startsWith('.recovery.mark'));
    assert.deepEqual(marks, [], 'the old marks are gone: the new files start at 0');
    await assert.rejects(readFile(join(dataDir, SPLIT_COMMIT_FILE)));
  } finally {
    await f.cleanup();
  }
});
