import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeTrackerJoinLeaderBody,
  decodeTrackerPingLeaderBody,
  decodeTrackerPingLeaderReply,
  decodeTrackerStatus,
  encodeTrackerJoinLeaderBody,
  encodeTrackerPingLeaderBody,
  encodeTrackerPingLeaderReply,
  encodeTrackerStatus,
} from './tracker-cluster.js';
import {
  assertFdfsError,
  checkDecodeFuzz,
  checkRoundTrip,
  connectionCounters,
  fixedString,
  full,
  i64,
  u8,
} from './arbitraries.test.helper.js';

test('join leader body: up_time, version[8], server_port (§4.8)', () => {
  const v = { upTime: 1795263445, version: '6.16.1', serverPort: 22300 };
  const b = encodeTrackerJoinLeaderBody(v);
  assert.equal(b.length, 24);
  assert.equal(b.subarray(8, 16).toString('latin1'), '6.16.1\0\0');
  assert.equal(b.readBigInt64BE(16), 22300n);
  assert.deepEqual(decodeTrackerJoinLeaderBody(b), v);
});

test('ping leader body: three i32 counters', () => {
  const b = encodeTrackerPingLeaderBody({ allocCount: 256, currentCount: 3, maxCount: 5 });
  assert.equal(b.toString('hex'), '000001000000000300000005');
});

test('ping leader reply: N × (group[16] + trunk server id[16]); empty = nothing changed', () => {
  const list = [
    { groupName: 'group1', trunkServerId: '' },
    { groupName: full(16), trunkServerId: full(16) },
  ];
  const b = encodeTrackerPingLeaderReply(list);
  assert.equal(b.length, 64);
  assert.deepEqual(decodeTrackerPingLeaderReply(b), list);
  assert.deepEqual(decodeTrackerPingLeaderReply(Buffer.alloc(0)), []);
});

test('tracker status (64): if_leader u8, running_time, restart_interval', () => {
  const v = { ifLeader: 1, runningTime: 600, restartInterval: 300 };
  const b = encodeTrackerStatus(v);
  assert.equal(b.toString('hex'), '01' + '0000000000000258' + '000000000000012c');
  assert.deepEqual(decodeTrackerStatus(b), v);
});

test('round trips', () => {
  checkRoundTrip(
    fc.record({ upTime: i64, version: fixedString(8), serverPort: i64 }),
    encodeTrackerJoinLeaderBody,
    decodeTrackerJoinLeaderBody,
    () => 24,
  );
  checkRoundTrip(
    connectionCounters,
    encodeTrackerPingLeaderBody,
    decodeTrackerPingLeaderBody,
    () => 12,
  );
  checkRoundTrip(
    fc.array(fc.record({ groupName: fixedString(16), trunkServerId: fixedString(16) }), {
      maxLength: 5,
    }),
    encodeTrackerPingLeaderReply,
    decodeTrackerPingLeaderReply,
    (v) => v.length * 32,
  );
  checkRoundTrip(
    fc.record({ ifLeader: u8, runningTime: i64, restartInterval: i64 }),
    encodeTrackerStatus,
    decodeTrackerStatus,
    () => 17,
  );
});

test('bad lengths are ERR_BAD_BODY', () => {
  assertFdfsError(() => decodeTrackerJoinLeaderBody(Buffer.alloc(23)), 'ERR_BAD_BODY');
  assertFdfsError(() => decodeTrackerPingLeaderBody(Buffer.alloc(0)), 'ERR_BAD_BODY');
  assertFdfsError(() => decodeTrackerPingLeaderReply(Buffer.alloc(33)), 'ERR_BAD_BODY', /32/);
  assertFdfsError(() => decodeTrackerStatus(Buffer.alloc(16)), 'ERR_BAD_BODY');
  assertFdfsError(
    () => encodeTrackerPingLeaderReply([{ groupName: full(17), trunkServerId: '' }]),
    'ERR_INVALID_ARGUMENT',
  );
});

test('random bytes decode or fail with ERR_BAD_BODY', () => {
  checkDecodeFuzz(decodeTrackerJoinLeaderBody, [24]);
  checkDecodeFuzz(decodeTrackerPingLeaderBody, [12]);
  checkDecodeFuzz(decodeTrackerPingLeaderReply, [0, 32, 64]);
  checkDecodeFuzz(decodeTrackerStatus, [17]);
});
