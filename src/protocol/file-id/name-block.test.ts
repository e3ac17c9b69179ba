import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeNameBlock,
  decodeSource,
  encodeNameBlock,
  encodeNameBlockBytes,
  encodeSource,
  isAppenderSizeField,
  isTrunkSizeField,
  makeSizeField,
  sizeFromSizeField,
  type NameBlock,
} from './name-block.js';
import { FdfsError } from '../errors.js';

function isCode(code: string, pattern: RegExp) {
  return (e: unknown) => e instanceof FdfsError && e.code === code && pattern.test(e.message);
}

test('real blocks decode (file-ids.json): IP source, server-id source, appender, slave master', () => {
  assert.deepEqual(decodeNameBlock('fwAADGsBikWAbM8VAAAAAAAAAAA'), {
    sourceIdOrIp: '127.0.0.12',
    timestamp: 1795263045,
    sizeField: 0x806ccf1500000000n,
    crc32: 0,
  });
  assert.deepEqual(decodeNameBlock('oYYBAGsBjEuAFS4jAAAAZBmMglE'), {
    sourceIdOrIp: '100001',
    timestamp: 1795263563,
    sizeField: 0x80152e2300000064n,
    crc32: 0x198c8251,
  });
  const appender = decodeNameBlock('fwAADGsBikmEHzB3AAAAANyw0mY');
  assert.equal(appender.sizeField, 0x841f307700000000n);
  assert.equal(isAppenderSizeField(appender.sizeField), true);
  assert.equal(appender.crc32, 0xdcb0d266); // -592391578 signed
});

test('encoding reproduces the real blocks', () => {
  for (const b27 of [
    'fwAADGsBikWAbM8VAAAAAAAAAAA',
    'oYYBAGsBjEuAFS4jAAAAZBmMglE',
    'o4YBAGsBjE6EHbBHAAAAAPO2Gzg',
  ]) {
    assert.equal(encodeNameBlock(decodeNameBlock(b27)), b27);
  }
});

test('sources: ids little-endian, IPv4 in dotted byte order, ".0" addresses read back as ids', () => {
  assert.equal(encodeSource('100001').toString('hex'), 'a1860100');
  assert.equal(encodeSource('127.0.0.12').toString('hex'), '7f00000c');
  assert.equal(encodeSource('16777215').toString('hex'), 'ffffff00');
  assert.equal(decodeSource(Buffer.from('a1860100', 'hex')), '100001');
  assert.equal(decodeSource(Buffer.from('7f00000c', 'hex')), '127.0.0.12');
  assert.equal(decodeSource(Buffer.from('00000000', 'hex')), '0.0.0.0');
  // §15 #3: 10.1.2.0 is indistinguishable from server id 131338.
  assert.equal(decodeSource(encodeSource('10.1.2.0')), '131338');
});

test('bad sources are refused, naming the source', () => {
  for (const s of [
    '0',
    '16777216',
    '0100001',
    '1.2.3',
    '256.0.0.1',
    '01.2.3.4',
    '::1',
    '',
    'host',
  ]) {
    assert.throws(() => encodeSource(s), isCode('ERR_INVALID_ARGUMENT', /server id|IPv4/), s);
  }
});

test('size field per kind (§7.2 table)', () => {
  const r = 0x7fffffff; // only the low 23 bits are used: R = 0x807FFFFF
  assert.equal(makeSizeField('normal', 100n, r), 0x807fffff00000064n);
  assert.equal(makeSizeField('normal', 0n, 0), 0x8000000000000000n);
  assert.equal(makeSizeField('normal', 0xffffffffn, 5), 0x80000005ffffffffn);
  assert.equal(makeSizeField('normal', 0x100000000n, r), 0x100000000n);
  assert.equal(makeSizeField('appender', 4096n, 0x123456), 0x8412345600000000n);
  assert.equal(makeSizeField('trunk', 4096n, 1), 0x8800000100001000n);
  assert.throws(() => makeSizeField('normal', -1n, 0), isCode('ERR_INVALID_ARGUMENT', /negative/));
  assert.throws(
    () => makeSizeField('trunk', 1n << 32n, 0),
    isCode('ERR_INVALID_ARGUMENT', /32 bits/),
  );
  assert.throws(
    () => makeSizeField('normal', 1n << 58n, 0),
    isCode('ERR_INVALID_ARGUMENT', /too large/),
  );
});

test('flags and the size a field states (§7.8 step 6)', () => {
  assert.equal(isTrunkSizeField(0x8800000100001000n), true);
  assert.equal(isAppenderSizeField(0x8800000100001000n), false);
  assert.equal(sizeFromSizeField(0x8800000100001000n), 4096n);
  assert.equal(sizeFromSizeField(0x807fffff00000064n), 100n);
  assert.equal(sizeFromSizeField(0x100000000n), 0x100000000n);
  assert.equal(sizeFromSizeField(0x0800000000000010n), 16n); // trunk bit without bit 63
});

test('out-of-range fields and malformed blocks are refused', () => {
  const ok: NameBlock = { sourceIdOrIp: '1.2.3.4', timestamp: 0, sizeField: 0n, crc32: 0 };
  assert.throws(
    () => encodeNameBlockBytes({ ...ok, timestamp: -1 }),
    isCode('ERR_INVALID_ARGUMENT', /timestamp/),
  );
  assert.throws(
    () => encodeNameBlockBytes({ ...ok, timestamp: 2 ** 32 }),
    isCode('ERR_INVALID_ARGUMENT', /timestamp/),
  );
  assert.throws(
    () => encodeNameBlockBytes({ ...ok, crc32: 2 ** 32 }),
    isCode('ERR_INVALID_ARGUMENT', /crc32/),
  );
  assert.throws(
    () => encodeNameBlockBytes({ ...ok, sizeField: 1n << 64n }),
    isCode('ERR_INVALID_ARGUMENT', /size field/),
  );
  assert.equal(encodeNameBlockBytes({ ...ok, crc32: -1 }).readUInt32BE(16), 0xffffffff);
  assert.throws(
    () => decodeNameBlock('fwAADGsBikWAbM8VAAAAAAAAAA'),
    isCode('ERR_BAD_FILE_ID', /27/),
  );
  assert.throws(
    () => decodeNameBlock('fwAADGsBikWAbM8VAAAAAAAAA*A'),
    isCode('ERR_BAD_FILE_ID', /outside/),
  );
});

const sourceArb = fc.oneof(
  fc.integer({ min: 1, max: 16777215 }).map(String),
  fc
    .tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 255 }))
    .map((p) => p.join('.')),
  fc.constant('0.0.0.0'),
);

test('property: a name block survives encode and decode', () => {
  fc.assert(
    fc.property(
      sourceArb,
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      fc.integer({ min: 0, max: 0xffffffff }),
      (sourceIdOrIp, timestamp, sizeField, crc32) => {
        const block = { sourceIdOrIp, timestamp, sizeField, crc32 };
        const b27 = encodeNameBlock(block);
        assert.match(b27, /^[A-Za-z0-9_-]{27}$/);
        assert.deepEqual(decodeNameBlock(b27), block);
      },
    ),
    { numRuns: 500 },
  );
});
