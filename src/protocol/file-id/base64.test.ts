import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  fdfsBase64Decode,
  fdfsBase64Encode,
  fdfsBase64Length,
  isFdfsBase64Text,
} from './base64.js';
import { FdfsError } from './../errors.js';

// A real name block (file-ids.json entry 1) and a real store_path_mark (§8.1, 56 bytes → 75 chars).
const RAW = '7f00000c6b018a45806ccf150000000000000000';
const B27 = 'fwAADGsBikWAbM8VAAAAAAAAAAA';
const MARK = 'MTI3LjAuMC4xMgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAKBaAQAAAE2JAWs';

test('20 bytes encode to the 27-character unpadded block, 28 with the "." pad', () => {
  const raw = Buffer.from(RAW, 'hex');
  assert.equal(fdfsBase64Encode(raw), B27);
  assert.equal(fdfsBase64Encode(raw, true), `${B27}.`);
  assert.equal(fdfsBase64Length(20), 27);
});

test('decode accepts the unpadded form and either pad character', () => {
  for (const text of [B27, `${B27}.`, `${B27}=`]) {
    assert.equal(fdfsBase64Decode(text).toString('hex'), RAW);
  }
});

test('a store_path_mark decodes to its 56-byte record', () => {
  const rec = fdfsBase64Decode(MARK);
  assert.equal(rec.length, 56);
  assert.equal(rec.toString('utf8', 0, 10), '127.0.0.12');
  assert.equal(rec.readUInt16LE(46), 23200);
  assert.equal(rec[48], 1);
  assert.equal(rec.readUInt32LE(52), 1795262797);
  assert.equal(fdfsBase64Encode(rec), MARK);
});

test('the URL-safe characters are used for 62 and 63', () => {
  assert.equal(fdfsBase64Encode(Buffer.from([0xfb, 0xff])), '-_8');
  assert.deepEqual([...fdfsBase64Decode('-_8')], [0xfb, 0xff]);
});

test('characters outside the alphabet and impossible lengths are refused', () => {
  for (const text of ['ab+c', 'ab/c', 'ab*c', 'ab c', 'a.bc', 'abcde', 'ab=c', 'ab\u0000c']) {
    assert.throws(
      () => fdfsBase64Decode(text, 'block', 'ERR_BAD_FILE_ID'),
      (e: unknown) =>
        e instanceof FdfsError &&
        e.code === 'ERR_BAD_FILE_ID' &&
        /outside|length/.test(e.message) &&
        e.message.includes('block'),
      text,
    );
  }
  assert.equal(isFdfsBase64Text('Az09-_'), true);
  assert.equal(isFdfsBase64Text('Az09-_.'), false);
});

test('property: encode then decode gives the bytes back, padded or not', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), (bytes, pad) => {
      const text = fdfsBase64Encode(bytes, pad);
      assert.equal(
        text.length,
        pad ? Math.ceil(bytes.length / 3) * 4 : fdfsBase64Length(bytes.length),
      );
      assert.deepEqual([...fdfsBase64Decode(text)], [...bytes]);
    }),
    { numRuns: 300 },
  );
});
