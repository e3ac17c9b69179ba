import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FdfsError } from '../errors.js';
import { decodeFileInfoReply, encodeFileInfoReply } from './file-info.js';

const badBody = (err: unknown) => err instanceof FdfsError && err.code === 'ERR_BAD_BODY';

test('CRC32 ≥ 2^31 goes out sign-extended (storage-22-query-file-info-normal-negative-crc)', () => {
  const reply = {
    fileSize: 29,
    createTimestamp: 1795262931,
    crc32: 0xd9c6125a,
    sourceIp: '127.0.0.12',
  };
  const body = encodeFileInfoReply(reply, 16);
  assert.equal(
    body.toString('hex'),
    '000000000000001d000000006b0189d3ffffffffd9c6125a3132372e302e302e3132000000000000',
  );
  assert.deepEqual(decodeFileInfoReply(body), { ...reply, ipSize: 16 });
});

test('a zero-extended CRC decodes to the same unsigned value', () => {
  const body = encodeFileInfoReply(
    { fileSize: 1, createTimestamp: 2, crc32: 0xd9c6125a, sourceIp: '' },
    46,
  );
  assert.equal(body.length, 70);
  body.writeUInt32BE(0, 16);
  assert.equal(decodeFileInfoReply(body).crc32, 0xd9c6125a);
});

test('small CRCs are zero-extended', () => {
  const body = encodeFileInfoReply(
    { fileSize: 16, createTimestamp: 2, crc32: 0x7069ed04, sourceIp: 'x' },
    16,
  );
  assert.equal(body.toString('hex', 16, 24), '000000007069ed04');
});

test('refused: wrong lengths, a CRC field that is not 32-bit, bad arguments', () => {
  for (const len of [0, 39, 41, 69, 71])
    assert.throws(() => decodeFileInfoReply(Buffer.alloc(len)), badBody);
  const body = encodeFileInfoReply({ fileSize: 1, createTimestamp: 2, crc32: 5, sourceIp: '' }, 16);
  body.writeUInt32BE(1, 16);
  assert.throws(() => decodeFileInfoReply(body), badBody);
  body.writeUInt32BE(0xffffffff, 16); // sign bits set over a positive low half
  assert.throws(() => decodeFileInfoReply(body), badBody);
  assert.throws(() =>
    encodeFileInfoReply({ fileSize: 1, createTimestamp: 2, crc32: 2 ** 32, sourceIp: '' }, 16),
  );
  assert.throws(() =>
    encodeFileInfoReply(
      { fileSize: 1, createTimestamp: 2, crc32: 1, sourceIp: '1'.repeat(17) },
      16,
    ),
  );
});

test('property: file-info round-trips for both IP sizes', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(16 as const, 46 as const),
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      fc.nat({ max: 0xffffffff }),
      fc.ipV4(),
      (ipSize, fileSize, createTimestamp, crc32, sourceIp) => {
        const reply = { fileSize, createTimestamp, crc32, sourceIp };
        assert.deepEqual(decodeFileInfoReply(encodeFileInfoReply(reply, ipSize)), {
          ...reply,
          ipSize,
        });
      },
    ),
    { numRuns: 300 },
  );
});
