import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeBeatResponse, encodeBeatResponse, type BeatResponse } from './beat-response.js';
import type { StorageBrief } from './storage-brief.js';
import {
  assertFdfsError,
  checkDecodeFuzz,
  checkRoundTrip,
  storageBrief,
  u8,
} from './arbitraries.test.helper.js';

const leader: StorageBrief = { status: 0, port: 22200, id: '127.0.0.11', ipAddr: '127.0.0.11' };
const s1: StorageBrief = { status: 7, port: 23200, id: '127.0.0.12', ipAddr: '127.0.0.12' };
const s2: StorageBrief = { status: 1, port: 23200, id: '127.0.0.13', ipAddr: '127.0.0.13' };

function beatResponse(ipSize: 16 | 46): fc.Arbitrary<BeatResponse> {
  return fc
    .record(
      {
        extra: u8.map((f) => f & ~7),
        leader: storageBrief(ipSize),
        trunkServer: storageBrief(ipSize),
        groupServers: fc.array(storageBrief(ipSize), { maxLength: 4 }),
      },
      { requiredKeys: ['extra'] },
    )
    .map(({ extra, ...parts }) => {
      const flags =
        extra | (parts.leader ? 1 : 0) | (parts.trunkServer ? 2 : 0) | (parts.groupServers ? 4 : 0);
      return { flags, ...parts };
    });
}

test('a follower answers one 0x00 byte', () => {
  assert.deepEqual(encodeBeatResponse({}), Buffer.from([0]));
  assert.deepEqual(decodeBeatResponse(Buffer.from([0])), { flags: 0 });
});

test('briefs come in the order leader, trunk server, group members; flags follow the parts', () => {
  const b = encodeBeatResponse({ groupServers: [s1, s2], leader });
  assert.equal(b.length, 1 + 3 * 67);
  assert.equal(b[0], 5);
  assert.equal(b.readInt32BE(2), 22200);
  assert.deepEqual(decodeBeatResponse(b), { flags: 5, leader, groupServers: [s1, s2] });
  const t = encodeBeatResponse({ trunkServer: s1, groupServers: [] });
  assert.equal(t[0], 6);
  assert.deepEqual(decodeBeatResponse(t), { flags: 6, trunkServer: s1, groupServers: [] });
});

test('bits other than 0..2 are kept; bits 0..2 given in flags but without parts are dropped', () => {
  assert.equal(encodeBeatResponse({ flags: 0x80 | 7 })[0], 0x80);
  assertFdfsError(() => encodeBeatResponse({ flags: 0x100 }), 'ERR_INVALID_ARGUMENT');
});

test('beat response round trip, both brief sizes', () => {
  for (const ipSize of [16, 46] as const) {
    checkRoundTrip(
      beatResponse(ipSize),
      (v) => encodeBeatResponse(v, { ipSize }),
      (b) => decodeBeatResponse(b, { ipSize }),
    );
  }
});

test('(len − 1) % 67 ≠ 0, missing or unannounced briefs are ERR_BAD_BODY', () => {
  assertFdfsError(() => decodeBeatResponse(Buffer.alloc(0)), 'ERR_BAD_BODY', /1 \+ N × 67/);
  assertFdfsError(() => decodeBeatResponse(Buffer.alloc(67)), 'ERR_BAD_BODY', /1 \+ N × 67/);
  assertFdfsError(() => decodeBeatResponse(Buffer.from([1])), 'ERR_BAD_BODY', /leader/);
  assertFdfsError(
    () => decodeBeatResponse(encodeBeatResponse({ leader }).fill(3, 0, 1)),
    'ERR_BAD_BODY',
    /trunk server/,
  );
  const unannounced = encodeBeatResponse({ groupServers: [s1] });
  unannounced[0] = 0;
  assertFdfsError(() => decodeBeatResponse(unannounced), 'ERR_BAD_BODY', /do not announce/);
  assertFdfsError(() => decodeBeatResponse(Buffer.alloc(38), { ipSize: 16 }), 'ERR_BAD_BODY');
});

test('random bytes decode or fail with ERR_BAD_BODY', () => {
  checkDecodeFuzz((b) => decodeBeatResponse(b), [1, 68, 135, 202]);
});
