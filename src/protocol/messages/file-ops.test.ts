import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StorageCommand } from '../commands.js';
import { FdfsError } from '../errors.js';
import {
  decodeAppendPrefix,
  decodeDeleteFileRequest,
  decodeDownloadRequest,
  decodeGetMetadataRequest,
  decodeGroupFileRequest,
  decodeModifyPrefix,
  decodeQueryFileInfoRequest,
  decodeRegenerateRequest,
  decodeTruncateRequest,
  encodeAppendPrefix,
  encodeDeleteFileRequest,
  encodeDownloadRequest,
  encodeGetMetadataRequest,
  encodeGroupFileRequest,
  encodeModifyPrefix,
  encodeQueryFileInfoRequest,
  encodeRegenerateRequest,
  encodeTruncateRequest,
} from './file-ops.js';

const hasCode = (code: string) => (err: unknown) => err instanceof FdfsError && err.code === code;
const badBody = hasCode('ERR_BAD_BODY');
const badArg = hasCode('ERR_INVALID_ARGUMENT');
const APPENDER = 'M01/00/00/fwAADGsBideEXfvuAAAAAHBp7QQ708.log';

function withLength(prefix: Buffer, at: number, value: bigint): Buffer {
  const copy = Buffer.from(prefix);
  copy.writeBigInt64BE(value, at);
  return copy;
}

test('append prefix (storage-24-append-file)', () => {
  const { prefix, pkgLen } = encodeAppendPrefix({ filename: APPENDER, fileSize: 16 });
  assert.equal(
    prefix.toString('hex'),
    `000000000000002c0000000000000010${Buffer.from(APPENDER).toString('hex')}`,
  );
  assert.equal(pkgLen, 76);
  assert.deepEqual(decodeAppendPrefix(prefix, pkgLen), {
    filename: APPENDER,
    fileSize: 16,
    prefixLength: 60,
  });
});

test('append prefix: refused lengths', () => {
  const { prefix, pkgLen } = encodeAppendPrefix({ filename: APPENDER, fileSize: 16 });
  assert.throws(() => decodeAppendPrefix(prefix.subarray(0, 16), 16), badBody);
  assert.throws(() => decodeAppendPrefix(withLength(prefix, 0, 43n), pkgLen), badBody);
  assert.throws(() => decodeAppendPrefix(withLength(prefix, 0, 128n), pkgLen), badBody);
  assert.throws(() => decodeAppendPrefix(withLength(prefix, 8, -1n), pkgLen), badBody);
  assert.throws(
    () => decodeAppendPrefix(prefix, pkgLen - 1),
    (e: unknown) => badBody(e) && /APPEND_FILE\(24\)/.test(String(e)),
  );
  assert.throws(() => decodeAppendPrefix(prefix.subarray(0, 16), pkgLen), badBody);
  assert.throws(() => encodeAppendPrefix({ filename: 'M00/00/00/short', fileSize: 1 }), badArg);
  // An empty append is legal (the storage then does nothing).
  const empty = encodeAppendPrefix({ filename: APPENDER, fileSize: 0 });
  assert.equal(empty.pkgLen, 60);
  assert.equal(decodeAppendPrefix(empty.prefix, 60).fileSize, 0);
});

test('modify prefix (storage-34-modify-file)', () => {
  const fields = { filename: APPENDER, offset: 60, fileSize: 40 };
  const { prefix, pkgLen } = encodeModifyPrefix(fields);
  assert.equal(prefix.length, 24 + 44);
  assert.equal(pkgLen, 108);
  assert.deepEqual(decodeModifyPrefix(prefix, pkgLen), { ...fields, prefixLength: 68 });
  assert.throws(() => decodeModifyPrefix(prefix.subarray(0, 24), 24), badBody);
  assert.throws(
    () => decodeModifyPrefix(withLength(prefix, 8, -1n), pkgLen),
    (e: unknown) => badBody(e) && String(e).includes('file_offset -1'),
  );
  assert.throws(() => decodeModifyPrefix(prefix, pkgLen + 1), badBody);
  assert.throws(() => encodeModifyPrefix({ ...fields, offset: -1 }), badArg);
});

test('truncate request (storage-36-truncate-file)', () => {
  const body = encodeTruncateRequest({ filename: APPENDER, truncatedSize: 20 });
  assert.equal(body.length, 60);
  assert.deepEqual(decodeTruncateRequest(body), { filename: APPENDER, truncatedSize: 20 });
  assert.throws(() => decodeTruncateRequest(body.subarray(0, 16)), badBody);
  assert.throws(() => decodeTruncateRequest(withLength(body, 8, -5n)), badBody);
  assert.throws(() => decodeTruncateRequest(Buffer.concat([body, Buffer.from('x')])), badBody);
  assert.throws(() => decodeTruncateRequest(body.subarray(0, 59)), badBody);
});

test('regenerate request: the name alone, 44..127 bytes', () => {
  assert.deepEqual(decodeRegenerateRequest(encodeRegenerateRequest(APPENDER)), {
    filename: APPENDER,
  });
  for (const len of [0, 43, 128]) {
    assert.throws(() => decodeRegenerateRequest(Buffer.alloc(len, 0x41)), badBody);
  }
  assert.throws(() => encodeRegenerateRequest('short'), badArg);
});

test('12 / 15 / 22 requests: group + name', () => {
  const req = { groupName: 'group1', filename: APPENDER };
  for (const [enc, dec] of [
    [encodeDeleteFileRequest, decodeDeleteFileRequest],
    [encodeGetMetadataRequest, decodeGetMetadataRequest],
    [encodeQueryFileInfoRequest, decodeQueryFileInfoRequest],
  ] as const) {
    const body = enc(req);
    assert.equal(body.length, 60);
    assert.deepEqual(dec(body), req);
    assert.throws(() => dec(Buffer.alloc(16)), badBody);
  }
  // 22 accepts names up to 131 bytes, the others up to 127.
  const long = { groupName: 'g', filename: 'x'.repeat(131) };
  assert.deepEqual(
    decodeGroupFileRequest(StorageCommand.QUERY_FILE_INFO, encodeQueryFileInfoRequest(long)),
    long,
  );
  assert.throws(() => encodeDeleteFileRequest(long), badArg);
  assert.throws(
    () => decodeGroupFileRequest(StorageCommand.QUERY_FILE_INFO, Buffer.alloc(16 + 132)),
    badBody,
  );
  assert.throws(
    () => decodeGroupFileRequest(StorageCommand.GET_METADATA, Buffer.alloc(16 + 128)),
    (e: unknown) => badBody(e) && /GET_METADATA\(15\).*144/.test(String(e)),
  );
  assert.throws(
    () => encodeGroupFileRequest(StorageCommand.DELETE_FILE, { groupName: 'g', filename: '' }),
    badArg,
  );
});

test('download request (storage-14-download-file-range)', () => {
  const req = { offset: 6, length: 7, groupName: 'group1', filename: APPENDER };
  const body = encodeDownloadRequest(req);
  assert.equal(body.length, 76);
  assert.equal(body.subarray(0, 16).toString('hex'), '00000000000000060000000000000007');
  assert.deepEqual(decodeDownloadRequest(body), req);
  assert.throws(() => decodeDownloadRequest(body.subarray(0, 32)), badBody);
  assert.throws(() => decodeDownloadRequest(withLength(body, 0, -1n)), badBody);
  assert.throws(() => decodeDownloadRequest(withLength(body, 8, -1n)), badBody);
  assert.throws(() => decodeDownloadRequest(withLength(body, 8, 1n << 60n)), badBody);
  assert.throws(() => decodeDownloadRequest(Buffer.alloc(32 + 128)), badBody);
  assert.throws(() => encodeDownloadRequest({ ...req, length: -1 }), badArg);
});

const appenderName = fc.stringMatching(
  /^M[0-9A-F]{2}\/[0-9A-F]{2}\/[0-9A-F]{2}\/[A-Za-z0-9_.-]{34,117}$/,
);
const size = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER - 300 });

test('property: appender operations round-trip', () => {
  fc.assert(
    fc.property(appenderName, size, size, (filename, fileSize, offset) => {
      const a = encodeAppendPrefix({ filename, fileSize });
      assert.deepEqual(decodeAppendPrefix(a.prefix, a.pkgLen), {
        filename,
        fileSize,
        prefixLength: a.prefix.length,
      });
      const m = encodeModifyPrefix({ filename, offset, fileSize });
      assert.deepEqual(decodeModifyPrefix(m.prefix, m.pkgLen), {
        filename,
        offset,
        fileSize,
        prefixLength: m.prefix.length,
      });
      assert.deepEqual(
        decodeTruncateRequest(encodeTruncateRequest({ filename, truncatedSize: offset })),
        {
          filename,
          truncatedSize: offset,
        },
      );
      assert.deepEqual(decodeRegenerateRequest(encodeRegenerateRequest(filename)), { filename });
      const d = { offset, length: fileSize, groupName: 'group1', filename };
      assert.deepEqual(decodeDownloadRequest(encodeDownloadRequest(d)), d);
    }),
    { numRuns: 300 },
  );
});

test('property: random bodies only ever raise FdfsError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (raw) => {
      const buf = Buffer.from(raw);
      const attempts = [
        () => decodeAppendPrefix(buf, buf.length),
        () => decodeModifyPrefix(buf, buf.length),
        () => decodeTruncateRequest(buf),
        () => decodeRegenerateRequest(buf),
        () => decodeDownloadRequest(buf),
        () => decodeDeleteFileRequest(buf),
      ];
      for (const attempt of attempts) {
        try {
          attempt();
        } catch (err) {
          assert.ok(err instanceof FdfsError, String(err));
        }
      }
    }),
    { numRuns: 300 },
  );
});
