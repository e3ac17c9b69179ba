import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FdfsError } from '../errors.js';
import { decodeSetMetadataRequest, encodeSetMetadataRequest } from './set-metadata.js';

const hasCode = (code: string) => (err: unknown) => err instanceof FdfsError && err.code === code;
const badBody = hasCode('ERR_BAD_BODY');
const FILE = 'M00/00/00/fwAADGsBidyANlV7AAAAKSd8hCE597.jpg';

test('set-metadata request (storage-13-set-metadata-overwrite)', () => {
  const body = encodeSetMetadataRequest({
    groupName: 'group1',
    filename: FILE,
    op: 'O',
    metadata: { color: 'red', size: 'big' },
  });
  const meta = Buffer.from('color\x02red\x01size\x02big', 'latin1');
  assert.equal(body.length, 33 + 44 + meta.length);
  assert.equal(body.subarray(0, 17).toString('hex'), '000000000000002c00000000000000124f');
  const out = decodeSetMetadataRequest(body);
  assert.equal(out.op, 'O');
  assert.equal(out.groupName, 'group1');
  assert.equal(out.filename, FILE);
  assert.deepEqual(out.metadata, [
    { name: 'color', value: 'red' },
    { name: 'size', value: 'big' },
  ]);
  assert.deepEqual(out.metadataBytes, meta);
});

test("set-metadata with an empty list ('O' deletes)", () => {
  const body = encodeSetMetadataRequest({ groupName: 'g', filename: FILE, op: 'O', metadata: [] });
  assert.equal(body.length, 77);
  assert.deepEqual(decodeSetMetadataRequest(body).metadata, []);
});

test('set-metadata: refused in the storage order', () => {
  const body = encodeSetMetadataRequest({
    groupName: 'g',
    filename: FILE,
    op: 'M',
    metadata: { a: 'b' },
  });
  assert.throws(() => decodeSetMetadataRequest(body.subarray(0, 33)), badBody);
  const zeroName = Buffer.from(body);
  zeroName.writeBigInt64BE(0n, 0);
  assert.throws(() => decodeSetMetadataRequest(zeroName), badBody);
  const longName = Buffer.from(body);
  longName.writeBigInt64BE(128n, 0);
  assert.throws(() => decodeSetMetadataRequest(longName), badBody);
  // The flag is checked before meta_size (storage-13-set-metadata-bad-flag-einval).
  const badFlag = Buffer.from(body);
  badFlag[16] = 0x58;
  badFlag.writeBigInt64BE(999n, 8);
  assert.throws(
    () => decodeSetMetadataRequest(badFlag),
    (e: unknown) => badBody(e) && String(e).includes('op flag 0x58'),
  );
  const badSize = Buffer.from(body);
  badSize.writeBigInt64BE(2n, 8);
  assert.throws(
    () => decodeSetMetadataRequest(badSize),
    (e: unknown) => badBody(e) && String(e).includes('meta_size 2'),
  );
  assert.throws(
    () =>
      encodeSetMetadataRequest({ groupName: 'g', filename: FILE, op: 'X' as 'O', metadata: [] }),
    hasCode('ERR_INVALID_ARGUMENT'),
  );
  assert.throws(
    () =>
      encodeSetMetadataRequest({
        groupName: 'g',
        filename: FILE,
        op: 'O',
        metadata: [{ name: '', value: '' }],
      }),
    hasCode('ERR_BAD_METADATA'),
  );
});

test('property: set-metadata round-trips', () => {
  const item = fc
    .record({
      name: fc.stringMatching(/^[A-Za-z0-9_]{1,64}$/),
      value: fc.stringMatching(/^[ -~]{0,100}$/),
    })
    .map(({ name, value }) => ({ name, value }));
  fc.assert(
    fc.property(
      fc.stringMatching(/^[a-z0-9]{1,16}$/),
      fc.stringMatching(/^M00\/[0-9A-F]{2}\/[0-9A-F]{2}\/[A-Za-z0-9]{1,117}$/),
      fc.constantFrom('O' as const, 'M' as const),
      fc.array(item, { maxLength: 10 }),
      (groupName, filename, op, metadata) => {
        const out = decodeSetMetadataRequest(
          encodeSetMetadataRequest({ groupName, filename, op, metadata }),
        );
        assert.deepEqual(
          { groupName: out.groupName, filename: out.filename, op: out.op, metadata: out.metadata },
          { groupName, filename, op, metadata },
        );
      },
    ),
    { numRuns: 200 },
  );
});
