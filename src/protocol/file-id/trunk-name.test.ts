import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeTrunkBlock, encodeTrunkBlock, trunkFileName } from './trunk-name.js';
import { FdfsError } from '../errors.js';

test('T16: three big-endian i32 in 16 characters (§7.6)', () => {
  assert.equal(encodeTrunkBlock({ trunkFileId: 1, offset: 0, slotSize: 1024 }), 'AAAAAQAAAAAAAAQA');
  assert.deepEqual(decodeTrunkBlock('AAHiQAABAAAAABAA'), {
    trunkFileId: 123456,
    offset: 65536,
    slotSize: 4096,
  });
  assert.equal(trunkFileName(1), '000001');
  assert.equal(trunkFileName(123456), '123456');
});

test('T16: bad blocks and fields are refused', () => {
  const bad = (code: string, pattern: RegExp) => (e: unknown) =>
    e instanceof FdfsError && e.code === code && pattern.test(e.message);
  assert.throws(() => decodeTrunkBlock('AAAAAQAAAAAAAAQ'), bad('ERR_BAD_FILE_ID', /16 chars/));
  assert.throws(() => decodeTrunkBlock('AAAAAQAAAAAAAA*A'), bad('ERR_BAD_FILE_ID', /outside/));
  assert.throws(() => decodeTrunkBlock('_____wAAAAAAAAQA'), bad('ERR_BAD_FILE_ID', /negative/));
  assert.throws(
    () => encodeTrunkBlock({ trunkFileId: -1, offset: 0, slotSize: 1 }),
    bad('ERR_INVALID_ARGUMENT', /trunkFileId/),
  );
  assert.throws(
    () => encodeTrunkBlock({ trunkFileId: 1, offset: 2 ** 31, slotSize: 1 }),
    bad('ERR_INVALID_ARGUMENT', /offset/),
  );
});

test('property: T16 round trip', () => {
  const i31 = fc.integer({ min: 0, max: 0x7fffffff });
  fc.assert(
    fc.property(i31, i31, i31, (trunkFileId, offset, slotSize) => {
      const loc = { trunkFileId, offset, slotSize };
      const t16 = encodeTrunkBlock(loc);
      assert.match(t16, /^[A-Za-z0-9_-]{16}$/);
      assert.deepEqual(decodeTrunkBlock(t16), loc);
    }),
    { numRuns: 300 },
  );
});
