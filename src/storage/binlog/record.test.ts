import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatBinlogLine, parseBinlogLine, parseBinlogText, type BinlogRecord } from './record.js';

test('each op parses into its fields', () => {
  assert.deepEqual(parseBinlogLine('1795263070 A M00/00/00/x.txt 100 29'), {
    ok: true,
    record: {
      timestamp: 1795263070,
      op: 'A',
      filename: 'M00/00/00/x.txt',
      offset: 100,
      length: 29,
    },
  });
  assert.deepEqual(parseBinlogLine('5 t M00/00/00/x 10 20'), {
    ok: true,
    record: { timestamp: 5, op: 't', filename: 'M00/00/00/x', oldSize: 10, newSize: 20 },
  });
  assert.deepEqual(parseBinlogLine('5 R M00/00/00/new M00/00/00/old'), {
    ok: true,
    record: { timestamp: 5, op: 'R', filename: 'M00/00/00/new', srcFilename: 'M00/00/00/old' },
  });
});

test('malformed lines are reported with a reason, never thrown', () => {
  for (const line of [
    '',
    'x C a',
    '5',
    '5 Q M00/a',
    '5 C',
    '5 C a b',
    '5 A a 1',
    '5 L  M00/00/00/t',
    '5 l ',
    '-1 C a',
    '5 CC a',
  ]) {
    const parsed = parseBinlogLine(line);
    assert.equal(parsed.ok, false, line);
  }
});

test('an unterminated last line is not read (a writer may be mid-line)', () => {
  const { lines, completeBytes } = parseBinlogText('1 C a\n2 D a\n3 C b');
  assert.equal(lines.length, 2);
  assert.equal(completeBytes, 12);
});

test('property: format → parse gives the record back', () => {
  const name = fc.stringMatching(/^M[0-9A-F]{2}\/[0-9A-F]{2}\/[0-9A-F]{2}\/[A-Za-z0-9_.-]{1,40}$/);
  const ts = fc.integer({ min: 0, max: 2 ** 31 });
  const n = fc.integer({ min: 0, max: 2 ** 40 });
  const record: fc.Arbitrary<BinlogRecord> = fc.oneof(
    fc.record({
      timestamp: ts,
      op: fc.constantFrom('C', 'c', 'D', 'd', 'U', 'u' as const),
      filename: name,
    }),
    fc.record({
      timestamp: ts,
      op: fc.constantFrom('A', 'a', 'M', 'm' as const),
      filename: name,
      offset: n,
      length: n,
    }),
    fc.record({
      timestamp: ts,
      op: fc.constantFrom('T', 't' as const),
      filename: name,
      oldSize: n,
      newSize: n,
    }),
    fc.record({
      timestamp: ts,
      op: fc.constantFrom('L', 'l', 'R', 'r' as const),
      filename: name,
      srcFilename: name,
    }),
  );
  fc.assert(
    fc.property(record, (r) => {
      const line = formatBinlogLine(r);
      assert.deepEqual(parseBinlogLine(line.slice(0, -1)), { ok: true, record: { ...r } });
    }),
    { numRuns: 500 },
  );
});
