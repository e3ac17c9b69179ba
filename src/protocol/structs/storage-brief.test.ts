import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeStorageBrief,
  decodeStorageBriefList,
  encodeStorageBrief,
  encodeStorageBriefList,
  storageBriefSize,
} from './storage-brief.js';
import {
  assertFdfsError,
  checkDecodeFuzz,
  checkRoundTrip,
  full,
  storageBrief,
} from './arbitraries.test.helper.js';

test('brief sizes: 67 bytes, 37 with 16-byte IPs (§4.1, §14.2)', () => {
  assert.equal(storageBriefSize(), 67);
  assert.equal(storageBriefSize(46), 67);
  assert.equal(storageBriefSize(16), 37);
});

test('brief layout: status, port i32 BE, id[16], ip[46]', () => {
  const bytes = encodeStorageBrief({ status: 7, port: 23000, id: '100001', ipAddr: '10.0.0.1' });
  assert.equal(bytes.length, 67);
  assert.equal(bytes[0], 7);
  assert.equal(bytes.readInt32BE(1), 23000);
  assert.equal(bytes.subarray(5, 21).toString('latin1'), '100001'.padEnd(16, '\0'));
  assert.equal(bytes.subarray(21).toString('latin1'), '10.0.0.1'.padEnd(46, '\0'));
});

test('brief round trip, both IP sizes', () => {
  for (const ipSize of [16, 46] as const) {
    checkRoundTrip(
      storageBrief(ipSize),
      (v) => encodeStorageBrief(v, { ipSize }),
      (b) => decodeStorageBrief(b, { ipSize }),
      () => 21 + ipSize,
    );
    checkRoundTrip(
      fc.array(storageBrief(ipSize), { maxLength: 5 }),
      (v) => encodeStorageBriefList(v, { ipSize }),
      (b) => decodeStorageBriefList(b, { ipSize }),
      (v) => v.length * (21 + ipSize),
    );
  }
});

test('strings that fill their field exactly have no NUL and come back whole', () => {
  const v = { status: 1, port: -1, id: full(16), ipAddr: full(46, '9') };
  const bytes = encodeStorageBrief(v);
  assert.equal(bytes.indexOf(0), -1);
  assert.deepEqual(decodeStorageBrief(bytes), v);
});

test('junk after the NUL is cut (§16 #5)', () => {
  const bytes = encodeStorageBrief({ status: 7, port: 1, id: 'ab', ipAddr: 'ip' });
  bytes.write('JUNK', 5 + 3, 'latin1');
  bytes.write('JUNK', 21 + 3, 'latin1');
  assert.deepEqual(decodeStorageBrief(bytes), { status: 7, port: 1, id: 'ab', ipAddr: 'ip' });
});

test('bad lengths are ERR_BAD_BODY', () => {
  assertFdfsError(() => decodeStorageBrief(Buffer.alloc(66)), 'ERR_BAD_BODY');
  assertFdfsError(() => decodeStorageBrief(Buffer.alloc(37)), 'ERR_BAD_BODY');
  assertFdfsError(() => decodeStorageBrief(Buffer.alloc(67), { ipSize: 16 }), 'ERR_BAD_BODY');
  assertFdfsError(() => decodeStorageBriefList(Buffer.alloc(68)), 'ERR_BAD_BODY', /multiple of 67/);
  assert.deepEqual(decodeStorageBriefList(Buffer.alloc(0)), []);
});

test('values that do not fit their field are ERR_INVALID_ARGUMENT', () => {
  const ok = { status: 0, port: 0, id: '', ipAddr: '' };
  assertFdfsError(() => encodeStorageBrief({ ...ok, status: 256 }), 'ERR_INVALID_ARGUMENT');
  assertFdfsError(() => encodeStorageBrief({ ...ok, port: 2 ** 31 }), 'ERR_INVALID_ARGUMENT');
  assertFdfsError(() => encodeStorageBrief({ ...ok, id: full(17) }), 'ERR_INVALID_ARGUMENT');
  assertFdfsError(
    () => encodeStorageBrief({ ...ok, ipAddr: full(17) }, { ipSize: 16 }),
    'ERR_INVALID_ARGUMENT',
  );
});

test('random bytes decode or fail with ERR_BAD_BODY', () => {
  checkDecodeFuzz((b) => decodeStorageBrief(b), [67]);
  checkDecodeFuzz((b) => decodeStorageBriefList(b), [0, 67, 134, 201]);
});
