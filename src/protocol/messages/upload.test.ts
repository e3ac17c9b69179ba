import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StorageCommand } from '../commands.js';
import { FdfsError } from '../errors.js';
import {
  decodeFileIdReply,
  decodeUploadPrefix,
  decodeUploadSlavePrefix,
  encodeFileIdReply,
  encodeUploadPrefix,
  encodeUploadSlavePrefix,
  STORE_PATH_ANY,
  UPLOAD_PREFIX_SIZE,
  UPLOAD_SLAVE_FIXED_SIZE,
} from './upload.js';

const hasCode = (code: string) => (err: unknown) => err instanceof FdfsError && err.code === code;
const badBody = hasCode('ERR_BAD_BODY');
const badArg = hasCode('ERR_INVALID_ARGUMENT');
const MASTER = 'M00/00/00/fwAADGsBidyANlV7AAAAKSd8hCE597.jpg';

test('upload prefix: 15 bytes, pkg_len = 15 + size (storage-11-upload-file)', () => {
  const { prefix, pkgLen } = encodeUploadPrefix({ storePathIndex: 0, fileSize: 29, ext: 'txt' });
  assert.equal(prefix.toString('hex'), '00000000000000001d747874000000');
  assert.equal(pkgLen, 44);
  assert.deepEqual(decodeUploadPrefix(prefix, pkgLen), {
    storePathIndex: 0,
    fileSize: 29,
    ext: 'txt',
    prefixLength: 15,
  });
});

test('upload prefix: store path -1 lets the storage choose, 0xFF on the wire', () => {
  const { prefix } = encodeUploadPrefix({ storePathIndex: STORE_PATH_ANY, fileSize: 0, ext: '' });
  assert.equal(prefix[0], 0xff);
  assert.equal(
    decodeUploadPrefix(prefix, 15, StorageCommand.UPLOAD_APPENDER_FILE).storePathIndex,
    -1,
  );
});

test('upload prefix: refused lengths and extensions, in the storage order', () => {
  const good = encodeUploadPrefix({ storePathIndex: 0, fileSize: 5, ext: 'txt' }).prefix;
  assert.throws(() => decodeUploadPrefix(good.subarray(0, 14), 14), badBody);
  assert.throws(
    () => decodeUploadPrefix(good, 21),
    (e: unknown) => badBody(e) && /UPLOAD_FILE\(11\).*file_size 5.*21/.test(String(e)),
  );
  // Bad size is reported before a bad extension (storage-11-upload-file-size-mismatch-einval).
  const both = Buffer.from(good);
  both.write('t*t\0\0\0', 9, 'latin1');
  assert.throws(() => decodeUploadPrefix(both, 99), badBody);
  assert.throws(() => decodeUploadPrefix(both, 20), badArg);
  // Junk after the NUL of the extension does not matter (the C code uses strlen).
  const junk = Buffer.from(good);
  junk.write('jpg\0x\x01', 9, 'latin1');
  assert.equal(decodeUploadPrefix(junk, 20).ext, 'jpg');
});

test('upload prefix: encoder refuses bad arguments', () => {
  for (const ext of ['t*t', 'abcdefg', 'a b', 'é']) {
    assert.throws(() => encodeUploadPrefix({ storePathIndex: 0, fileSize: 1, ext }), badArg);
  }
  for (const storePathIndex of [-2, 128, 1.5]) {
    assert.throws(() => encodeUploadPrefix({ storePathIndex, fileSize: 1, ext: '' }), badArg);
  }
  for (const fileSize of [-1, 2 ** 53, 0.5]) {
    assert.throws(() => encodeUploadPrefix({ storePathIndex: 0, fileSize, ext: '' }), badArg);
  }
  encodeUploadPrefix({ storePathIndex: 0, fileSize: 0, ext: 'Ab-_9.' });
});

test('slave prefix: 38 + master name, pkg_len adds the content', () => {
  const { prefix, pkgLen } = encodeUploadSlavePrefix({
    masterFilename: MASTER,
    fileSize: 41,
    prefixName: '_big',
    ext: 'jpg',
  });
  assert.equal(prefix.length, UPLOAD_SLAVE_FIXED_SIZE + 44);
  assert.equal(pkgLen, 38 + 44 + 41);
  assert.deepEqual(decodeUploadSlavePrefix(prefix, pkgLen), {
    masterFilename: MASTER,
    fileSize: 41,
    prefixName: '_big',
    ext: 'jpg',
    prefixLength: 82,
  });
});

test('slave prefix: refused in the storage order', () => {
  const enc = (over: object) =>
    encodeUploadSlavePrefix({
      masterFilename: MASTER,
      fileSize: 3,
      prefixName: '_s',
      ext: '',
      ...over,
    });
  const { prefix, pkgLen } = enc({});
  assert.throws(() => decodeUploadSlavePrefix(prefix.subarray(0, 38), 38), badBody);
  const shortName = Buffer.from(prefix);
  shortName.writeBigInt64BE(10n, 0);
  assert.throws(
    () => decodeUploadSlavePrefix(shortName, pkgLen),
    (e: unknown) => badBody(e) && String(e).includes('master_filename_len 10'),
  );
  const longName = Buffer.from(prefix);
  longName.writeBigInt64BE(128n, 0);
  assert.throws(() => decodeUploadSlavePrefix(longName, pkgLen), badBody);
  assert.throws(() => decodeUploadSlavePrefix(prefix, pkgLen + 1), badBody);
  const noPrefix = Buffer.from(prefix);
  noPrefix.fill(0, 16, 32);
  assert.throws(
    () => decodeUploadSlavePrefix(noPrefix, pkgLen),
    (e: unknown) => badArg(e) && String(e).includes('empty'),
  );
  const badPrefix = Buffer.from(prefix);
  badPrefix.write('a/b', 16, 'latin1');
  assert.throws(() => decodeUploadSlavePrefix(badPrefix, pkgLen), badArg);
  // A prefix cut to the fixed part (the frame decoder refused the name length) is refused too.
  assert.throws(() => decodeUploadSlavePrefix(prefix.subarray(0, 38), pkgLen), badBody);
  assert.throws(() => enc({ prefixName: '' }), badArg);
  assert.throws(() => enc({ prefixName: 'x'.repeat(17) }), badArg);
  assert.throws(() => enc({ masterFilename: 'M00/00/00/' }), badArg);
  assert.throws(() => enc({ ext: 'a.b.c.d' }), badArg);
});

test('file-id reply: group[16] + name, 17..143 bytes', () => {
  const body = encodeFileIdReply({ groupName: 'group1', filename: MASTER });
  assert.equal(body.length, 60);
  assert.deepEqual(decodeFileIdReply(body), { groupName: 'group1', filename: MASTER });
  for (const len of [0, 16, 144]) {
    assert.throws(() => decodeFileIdReply(Buffer.alloc(len), StorageCommand.CREATE_LINK), badBody);
  }
  assert.throws(() => encodeFileIdReply({ groupName: 'g', filename: '' }), badArg);
});

const ext = fc.stringMatching(/^[A-Za-z0-9_.-]{0,6}$/);
const name = fc.stringMatching(/^M[0-9A-F]{2}\/[0-9A-F]{2}\/[0-9A-F]{2}\/[A-Za-z0-9_-]{1,117}$/);

test('property: upload and slave prefixes round-trip', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: -1, max: 127 }),
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER - 200 }),
      ext,
      name,
      fc.stringMatching(/^[A-Za-z0-9_.-]{1,16}$/),
      (storePathIndex, fileSize, e, masterFilename, prefixName) => {
        const up = encodeUploadPrefix({ storePathIndex, fileSize, ext: e });
        assert.equal(up.prefix.length, UPLOAD_PREFIX_SIZE);
        assert.deepEqual(decodeUploadPrefix(up.prefix, up.pkgLen), {
          storePathIndex,
          fileSize,
          ext: e,
          prefixLength: UPLOAD_PREFIX_SIZE,
        });
        const slave = { masterFilename, fileSize, prefixName, ext: e };
        const sp = encodeUploadSlavePrefix(slave);
        assert.deepEqual(decodeUploadSlavePrefix(sp.prefix, sp.pkgLen), {
          ...slave,
          prefixLength: sp.prefix.length,
        });
      },
    ),
    { numRuns: 300 },
  );
});

test('property: random prefixes never crash the decoders, only FdfsError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat({ max: 1000 }), (raw, pkgLen) => {
      const buf = Buffer.from(raw);
      for (const decode of [decodeUploadPrefix, decodeUploadSlavePrefix]) {
        try {
          decode(buf, pkgLen);
        } catch (err) {
          assert.ok(err instanceof FdfsError, String(err));
        }
      }
    }),
    { numRuns: 300 },
  );
});
