import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FdfsError } from '../errors.js';
import {
  CREATE_LINK_FIXED_SIZE,
  decodeCreateLinkRequest,
  encodeCreateLinkRequest,
} from './create-link.js';

const hasCode = (code: string) => (err: unknown) => err instanceof FdfsError && err.code === code;
const badBody = hasCode('ERR_BAD_BODY');
const SRC = 'M00/00/00/oYYBAGsBjEuAFS4jAAAAZBmMglE557.txt';

const base = {
  groupName: 'group1',
  masterFilename: '',
  srcFilename: SRC,
  signature: Buffer.from('sig12345'),
  prefixName: '',
  ext: 'txt',
};

test('create-link request without a master (storage-20-create-link)', () => {
  const body = encodeCreateLinkRequest(base);
  assert.equal(CREATE_LINK_FIXED_SIZE, 62);
  assert.equal(body.length, 62 + 44 + 8);
  assert.equal(
    body.subarray(0, 24).toString('hex'),
    '0000000000000000000000000000002c0000000000000008',
  );
  assert.deepEqual(decodeCreateLinkRequest(body), base);
});

test('create-link request with master and prefix', () => {
  const req = { ...base, masterFilename: SRC, prefixName: '_lnk' };
  assert.deepEqual(decodeCreateLinkRequest(encodeCreateLinkRequest(req)), req);
});

test('create-link: refused lengths', () => {
  const body = encodeCreateLinkRequest(base);
  const set = (at: number, v: bigint) => {
    const b = Buffer.from(body);
    b.writeBigInt64BE(v, at);
    return b;
  };
  assert.throws(() => decodeCreateLinkRequest(body.subarray(0, 62)), badBody);
  assert.throws(() => decodeCreateLinkRequest(set(0, -1n)), badBody);
  assert.throws(() => decodeCreateLinkRequest(set(0, 128n)), badBody);
  assert.throws(() => decodeCreateLinkRequest(set(8, 0n)), badBody);
  assert.throws(() => decodeCreateLinkRequest(set(16, 0n)), badBody);
  assert.throws(() => decodeCreateLinkRequest(set(16, 64n)), badBody);
  assert.throws(() => decodeCreateLinkRequest(Buffer.concat([body, Buffer.alloc(1)])), badBody);
  // 127 + 127 + 63 > 256 even when the body length matches.
  const huge = encodeCreateLinkRequest({
    ...base,
    masterFilename: 'm'.repeat(120),
    srcFilename: 's'.repeat(127),
    signature: Buffer.alloc(9),
  });
  const tooMuch = Buffer.concat([huge, Buffer.alloc(1)]);
  tooMuch.writeBigInt64BE(10n, 16);
  assert.throws(
    () => decodeCreateLinkRequest(tooMuch),
    (e: unknown) => badBody(e) && String(e).includes('over 256'),
  );
  assert.throws(
    () => encodeCreateLinkRequest({ ...base, signature: Buffer.alloc(0) }),
    hasCode('ERR_INVALID_ARGUMENT'),
  );
  assert.throws(
    () =>
      encodeCreateLinkRequest({
        ...base,
        masterFilename: 'm'.repeat(127),
        srcFilename: 's'.repeat(127),
        signature: Buffer.alloc(3),
      }),
    hasCode('ERR_INVALID_ARGUMENT'),
  );
});

test('property: create-link round-trips', () => {
  fc.assert(
    fc.property(
      fc.stringMatching(/^[A-Za-z0-9/._-]{0,100}$/),
      fc.stringMatching(/^[A-Za-z0-9/._-]{1,100}$/),
      fc.uint8Array({ minLength: 1, maxLength: 56 }),
      fc.stringMatching(/^[A-Za-z0-9_.-]{0,16}$/),
      fc.stringMatching(/^[A-Za-z0-9_.-]{0,6}$/),
      (masterFilename, srcFilename, sig, prefixName, ext) => {
        const req = {
          groupName: 'g1',
          masterFilename,
          srcFilename,
          signature: Buffer.from(sig),
          prefixName,
          ext,
        };
        assert.deepEqual(decodeCreateLinkRequest(encodeCreateLinkRequest(req)), req);
      },
    ),
    { numRuns: 200 },
  );
});
