// The storage's files (§8.1, §8.3, §8.4, §8.10) parse and re-format byte for byte against the C storage's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatBinlogLine, parseBinlogText } from '#src/storage/binlog/record.js';
import {
  formatBinlogIndex,
  formatMarkFile,
  parseBinlogIndex,
  parseMarkFile,
} from '#src/storage/binlog/sync-files.js';
import {
  formatDataInitFlag,
  formatStorageStatFile,
  parseDataInitFlag,
  parseStorageStatFile,
} from '#src/storage/store/state-files.js';
import { vectorPath } from './support/vectors.js';

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const files = walk(vectorPath('disk')).filter((f) => f.includes('/storage-'));
const named = (pattern: RegExp): string[] => files.filter((f) => pattern.test(f));
const text = (f: string): string => readFileSync(f, 'latin1');

test('binlogs: every well-formed line re-formats exactly; the malformed C link lines are reported (§16 #2)', () => {
  const binlogs = named(/\/binlog\.\d{3}$|\.binlog\.recovery\.\d$/);
  assert.equal(binlogs.length, 9);
  let good = 0;
  const malformed: string[] = [];
  for (const f of binlogs) {
    const body = text(f);
    const { lines, completeBytes } = parseBinlogText(body);
    assert.equal(completeBytes, Buffer.byteLength(body), `${f} ends with a newline`);
    for (const line of lines) {
      if (line.ok) {
        good++;
        const original = body.split('\n').find((l) => formatBinlogLine(line.record) === `${l}\n`);
        assert.ok(original !== undefined, `re-format of ${JSON.stringify(line.record)}`);
      } else malformed.push(line.line);
    }
  }
  // 100001: 4 "L  <target>" lines, 100003: 1, 100002: 3 "l " lines.
  assert.equal(malformed.length, 8, malformed.join('\n'));
  assert.ok(malformed.every((l) => / L {2}M\d\d\//.test(l) || / l $/.test(l)));
  assert.ok(good > 250, `${good} good lines`);
});

test('mark files round-trip byte for byte', () => {
  const marks = named(/\.mark$/);
  assert.equal(marks.length, 4);
  for (const f of marks) assert.equal(formatMarkFile(parseMarkFile(text(f))), text(f), f);
  const a = parseMarkFile(text(marks.find((f) => f.endsWith('127.0.0.13_23200.mark'))!));
  assert.deepEqual(a, {
    binlogIndex: 0,
    binlogOffset: 5543,
    needSyncOld: true,
    syncOldDone: true,
    untilTimestamp: 1795263070,
    scanRowCount: 90,
    syncRowCount: 80,
  });
});

test('binlog_index.dat, .data_init_flag and storage_stat.dat round-trip byte for byte', () => {
  const indexes = named(/binlog_index\.dat$/);
  const flags = named(/\.data_init_flag$/);
  const stats = named(/storage_stat\.dat$/);
  assert.deepEqual([indexes.length, flags.length, stats.length], [5, 5, 5]);
  for (const f of indexes) assert.equal(formatBinlogIndex(parseBinlogIndex(text(f))), text(f), f);
  for (const f of flags) assert.equal(formatDataInitFlag(parseDataInitFlag(text(f))), text(f), f);
  for (const f of stats)
    assert.equal(formatStorageStatFile(parseStorageStatFile(text(f))), text(f), f);
  const second = parseDataInitFlag(text(flags.find((f) => f.includes('127.0.0.13'))!));
  assert.equal(second.syncSrcServer, '127.0.0.12');
  assert.equal(second.storePathMarks.length, 2);
});
