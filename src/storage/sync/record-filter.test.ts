// The record-selection rule of §8.6/§8.7: what the designated full-copy source, a non-source
// storage and a plain peer send, and when a task may push to a peer in its full copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StorageStatus as S } from '../../protocol/status.js';
import { EMPTY_MARK } from '../binlog/mark-store.js';
import type { BinlogRecord } from '../binlog/record.js';
import {
  copyingOldData,
  firstMark,
  FULL_COPY_OVERLAP_S,
  isNewSourceFor,
  mayPush,
  owesOfflineReport,
  shouldSend,
} from './record-filter.js';

const UNTIL = 1_800_000_000;
const F = 'M00/00/00/x.txt';

function rec(op: string, timestamp: number): BinlogRecord {
  switch (op) {
    case 'A':
    case 'a':
    case 'M':
    case 'm':
      return { op, timestamp, filename: F, offset: 0, length: 1 };
    case 'T':
    case 't':
      return { op, timestamp, filename: F, oldSize: 2, newSize: 1 };
    case 'L':
    case 'l':
    case 'R':
    case 'r':
      return { op, timestamp, filename: F, srcFilename: 'M00/00/00/y.txt' };
    default:
      return { op: op as 'C', timestamp, filename: F };
  }
}

const UPPER = ['C', 'D', 'U', 'A', 'M', 'T', 'L', 'R'];
const LOWER_SENT = ['c', 'd', 'u', 'l', 'r'];
const LOWER_NEVER = ['a', 'm', 't'];

test('record filter: the designated source sends upper case always, c d u l r up to until', () => {
  const mark = { ...EMPTY_MARK, needSyncOld: true, untilTimestamp: UNTIL };
  for (const op of UPPER) {
    assert.equal(shouldSend(rec(op, 1), mark), true, op);
    assert.equal(shouldSend(rec(op, UNTIL + 100), mark), true, op);
  }
  for (const op of LOWER_SENT) {
    assert.equal(shouldSend(rec(op, UNTIL), mark), true, `${op} at until`);
    assert.equal(shouldSend(rec(op, UNTIL - 1000), mark), true, `${op} before until`);
    assert.equal(shouldSend(rec(op, UNTIL + 1), mark), false, `${op} after until`);
  }
  for (const op of LOWER_NEVER) assert.equal(shouldSend(rec(op, 1), mark), false, op);
});

test('record filter: once sync_old_done the source sends upper case only', () => {
  const mark = { ...EMPTY_MARK, needSyncOld: true, syncOldDone: true, untilTimestamp: UNTIL };
  assert.equal(copyingOldData(mark), false);
  for (const op of UPPER) assert.equal(shouldSend(rec(op, 5), mark), true, op);
  for (const op of [...LOWER_SENT, ...LOWER_NEVER]) {
    assert.equal(shouldSend(rec(op, 5), mark), false, op);
  }
});

test('record filter: a non-source skips records older than until (minus the overlap)', () => {
  const mark = { ...EMPTY_MARK, untilTimestamp: UNTIL };
  const edge = UNTIL - FULL_COPY_OVERLAP_S;
  for (const op of UPPER) {
    assert.equal(shouldSend(rec(op, edge - 1), mark), false, `${op} long before until`);
    assert.equal(shouldSend(rec(op, edge), mark), true, `${op} within the overlap`);
    assert.equal(shouldSend(rec(op, UNTIL + 1), mark), true, `${op} after until`);
  }
  for (const op of [...LOWER_SENT, ...LOWER_NEVER]) {
    assert.equal(shouldSend(rec(op, UNTIL + 1), mark), false, op);
  }
});

test('record filter: a peer without a full copy gets every upper-case record', () => {
  for (const op of UPPER) assert.equal(shouldSend(rec(op, 1), EMPTY_MARK), true, op);
  for (const op of [...LOWER_SENT, ...LOWER_NEVER]) {
    assert.equal(shouldSend(rec(op, 1), EMPTY_MARK), false, op);
  }
});

test('record filter: only the source pushes to a peer in WAIT_SYNC or SYNCING', () => {
  const source = { ...EMPTY_MARK, needSyncOld: true, untilTimestamp: UNTIL };
  const other = { ...EMPTY_MARK, untilTimestamp: UNTIL };
  for (const status of [S.INIT, S.WAIT_SYNC, S.SYNCING]) {
    assert.equal(mayPush(status, source), true);
    assert.equal(mayPush(status, other), false);
    assert.equal(mayPush(status, EMPTY_MARK), false);
  }
  for (const status of [S.OFFLINE, S.ONLINE, S.ACTIVE]) {
    assert.equal(mayPush(status, other), true);
    assert.equal(mayPush(status, { ...source, syncOldDone: true }), true);
  }
});

test('record filter: the first mark from SYNC_SRC_REQ, and an OFFLINE report still owed', () => {
  assert.deepEqual(firstMark(null, 'me'), EMPTY_MARK);
  assert.deepEqual(firstMark({ srcId: '', untilTimestamp: 9 }, 'me'), EMPTY_MARK);
  const mine = firstMark({ srcId: 'me', untilTimestamp: UNTIL }, 'me');
  assert.deepEqual(mine, { ...EMPTY_MARK, needSyncOld: true, untilTimestamp: UNTIL });
  const theirs = firstMark({ srcId: 'other', untilTimestamp: UNTIL }, 'me');
  assert.deepEqual(theirs, { ...EMPTY_MARK, untilTimestamp: UNTIL });
  const done = { ...mine, syncOldDone: true };
  assert.equal(owesOfflineReport(S.SYNCING, done), true);
  assert.equal(owesOfflineReport(S.WAIT_SYNC, done), true);
  assert.equal(owesOfflineReport(S.ACTIVE, done), false);
  assert.equal(owesOfflineReport(S.SYNCING, mine), false);
  assert.equal(owesOfflineReport(S.SYNCING, { ...theirs, syncOldDone: true }), false);
});

test('record filter: 86 naming us the source of a restarted copy restarts the task', () => {
  const source = { ...EMPTY_MARK, needSyncOld: true, untilTimestamp: UNTIL };
  const answer = { srcId: 'me', untilTimestamp: UNTIL };
  assert.equal(isNewSourceFor(answer, 'me', source), false, 'the copy we run');
  assert.equal(isNewSourceFor(answer, 'me', { ...source, syncOldDone: true }), false, 'done');
  assert.equal(isNewSourceFor({ ...answer, untilTimestamp: UNTIL + 60 }, 'me', source), true);
  assert.equal(isNewSourceFor(answer, 'me', { ...EMPTY_MARK, untilTimestamp: UNTIL }), true);
  assert.equal(isNewSourceFor({ ...answer, srcId: 'other' }, 'me', EMPTY_MARK), false);
  assert.equal(isNewSourceFor(null, 'me', EMPTY_MARK), false);
  assert.equal(isNewSourceFor(answer, undefined, EMPTY_MARK), false);
});
