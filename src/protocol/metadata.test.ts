import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeMetadata,
  encodeMetadata,
  hasReservedMetadataByte,
  mergeMetadata,
  metadataFromRecord,
  metadataToRecord,
  MetadataOp,
  sortMetadata,
  type MetadataEntry,
} from './metadata.js';
import { FdfsError } from './errors.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

function refusesWith(code: string) {
  return (err: unknown): boolean => err instanceof FdfsError && err.code === code;
}

test('encode: name 0x02 value joined by 0x01, no trailing separator', () => {
  const out = encodeMetadata([
    { name: 'width', value: '160' },
    { name: 'height', value: '80' },
  ]);
  assert.equal(out.toString('latin1'), 'width\x02160\x01height\x0280');
});

test('empty list <-> 0 bytes', () => {
  assert.equal(encodeMetadata([]).length, 0);
  assert.equal(encodeMetadata({}).length, 0);
  assert.deepEqual(decodeMetadata(Buffer.alloc(0)), []);
});

test('a record object encodes in insertion order', () => {
  assert.equal(encodeMetadata({ b: '1', a: '2' }).toString('latin1'), 'b\x021\x01a\x022');
  assert.deepEqual(metadataFromRecord({ x: 'y' }), [{ name: 'x', value: 'y' }]);
  assert.deepEqual(
    metadataToRecord([
      { name: 'x', value: '1' },
      { name: 'x', value: '2' },
    ]),
    {
      x: '2',
    },
  );
});

test('empty values are allowed and survive', () => {
  const list = [{ name: 'a', value: '' }];
  assert.deepEqual(decodeMetadata(encodeMetadata(list)), list);
});

test('encode refuses separators, NUL, empty names and over-long fields', () => {
  const bad: MetadataEntry[][] = [
    [{ name: '', value: 'x' }],
    [{ name: 'a\x01b', value: 'x' }],
    [{ name: 'a', value: 'x\x02y' }],
    [{ name: 'a', value: 'x\x00' }],
    [{ name: 'n'.repeat(65), value: 'x' }],
    [{ name: 'é'.repeat(33), value: 'x' }], // 66 bytes
    [{ name: 'a', value: 'v'.repeat(257) }],
  ];
  for (const list of bad)
    assert.throws(() => encodeMetadata(list), refusesWith('ERR_BAD_METADATA'));
  // The limits themselves are accepted.
  encodeMetadata([{ name: 'n'.repeat(64), value: 'v'.repeat(256) }]);
});

test('decode skips records without 0x02 and splits at the first 0x02', () => {
  const out = decodeMetadata(bytes('junk\x01a\x02b\x02c\x01\x01d\x02'));
  assert.deepEqual(out, [
    { name: 'a', value: 'b\x02c' },
    { name: 'd', value: '' },
  ]);
});

test('decode cuts names to 64 and values to 256 bytes', () => {
  const out = decodeMetadata(bytes(`${'n'.repeat(70)}\x02${'v'.repeat(300)}`));
  assert.equal(out[0]!.name, 'n'.repeat(64));
  assert.equal(out[0]!.value, 'v'.repeat(256));
});

test('decode never cuts inside a UTF-8 character', () => {
  // 63 ASCII bytes + "é" (2 bytes) = 65: the é would straddle byte 64, so it is dropped whole.
  const name = `${'n'.repeat(63)}é`;
  const value = `${'v'.repeat(255)}€`; // 258 bytes, € starts at byte 255
  const out = decodeMetadata(Buffer.from(`${name}\x02${value}`, 'utf8'));
  assert.equal(out[0]!.name, 'n'.repeat(63));
  assert.equal(out[0]!.value, 'v'.repeat(255));
  // Exactly at the limit, a multi-byte character is kept.
  const exact = `${'n'.repeat(62)}é`;
  assert.equal(decodeMetadata(Buffer.from(`${exact}\x02x`, 'utf8'))[0]!.name, exact);
});

test('decode stops at a NUL, as the C parser does', () => {
  assert.deepEqual(decodeMetadata(bytes('a\x021\x01b\x022\x00\x01c\x023')), [
    { name: 'a', value: '1' },
    { name: 'b', value: '2' },
  ]);
});

test('sortMetadata orders names byte-wise (strcmp), not by locale', () => {
  const sorted = sortMetadata([
    { name: 'b', value: '1' },
    { name: 'B', value: '2' },
    { name: 'é', value: '3' },
    { name: 'a', value: '4' },
  ]);
  assert.deepEqual(
    sorted.map((e) => e.name),
    ['B', 'a', 'b', 'é'],
  );
});

test("mergeMetadata: new values win, new names join, result sorted ('M')", () => {
  const merged = mergeMetadata(
    [
      { name: 'color', value: 'red' },
      { name: 'size', value: 'big' },
    ],
    [
      { name: 'size', value: 'small' },
      { name: 'author', value: 'vec' },
    ],
  );
  // The same three items GET_METADATA returned after O then M (storage-15-get-metadata-after-merge).
  assert.equal(
    encodeMetadata(merged).toString('latin1'),
    'author\x02vec\x01color\x02red\x01size\x02small',
  );
});

test('op flags', () => {
  assert.equal(MetadataOp.OVERWRITE, 'O');
  assert.equal(MetadataOp.MERGE, 'M');
});

const metaName = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
  .filter((s) => !hasReservedMetadataByte(s) && Buffer.byteLength(s) <= 64);
const metaValue = fc
  .string({ unit: 'grapheme', maxLength: 60 })
  .filter((s) => !hasReservedMetadataByte(s) && Buffer.byteLength(s) <= 256);
const entry = fc
  .record({ name: metaName, value: metaValue })
  .map(({ name, value }) => ({ name, value }));

test('property: decode(encode(list)) === list', () => {
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 12 }), (list) => {
      assert.deepEqual(decodeMetadata(encodeMetadata(list)), list);
    }),
    { numRuns: 300 },
  );
});

test('property: decoding random bytes never throws and yields encodable-length fields', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (raw) => {
      for (const e of decodeMetadata(raw)) {
        assert.ok(Buffer.byteLength(e.name) <= 64 * 3); // replacement chars may widen invalid bytes
        assert.ok(!e.name.includes('\x01') && !e.value.includes('\x01'));
      }
    }),
    { numRuns: 300 },
  );
});

test('property: merge is sorted and holds every name once', () => {
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 8 }), fc.array(entry, { maxLength: 8 }), (a, b) => {
      const merged = mergeMetadata(a, b);
      assert.deepEqual(merged, sortMetadata(merged));
      assert.equal(new Set(merged.map((e) => e.name)).size, merged.length);
      for (const e of b.slice().reverse()) {
        if (b.filter((x) => x.name === e.name).at(-1) === e) {
          assert.equal(merged.find((m) => m.name === e.name)?.value, e.value);
        }
      }
    }),
    { numRuns: 200 },
  );
});
