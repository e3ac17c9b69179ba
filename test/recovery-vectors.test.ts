// Disk recovery against the recordings of the real 6.16.1 (§8.8, §16 #16): the cmd-26 request
// bytes, the stream's text and trailer, its split over 4 threads by Time33 (the four
// `.binlog.recovery.<i>` files C wrote), and the flag and mark files, byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  decodeFetchOnePathBinlogRequest,
  encodeFetchOnePathBinlogRequest,
} from '#src/protocol/messages/recovery.js';
import { formatBinlogLine, parseBinlogText } from '#src/storage/binlog/record.js';
import {
  formatRecoveryFlag,
  formatRecoveryMark,
  parseRecoveryFlag,
  parseRecoveryMark,
  recoveryThreadOf,
} from '#src/storage/recovery/recovery-files.js';
import { frameBody, loadPacket, vectorPath } from './support/vectors.js';

const DURING = 'disk/clusterA/storage-127.0.0.13/store_path1-during-recovery/data';
const FAILED = 'disk/clusterB/storage-100002/store_path0-failed-recovery/data';

test('cmd 26 request: group + store path index, 17 bytes', () => {
  for (const file of [
    'storage-26-fetch-one-path-binlog.json',
    'storage-26-fetch-one-path-binlog-aborted.json',
  ]) {
    const request = frameBody(loadPacket(file).frames[0]!);
    const decoded = decodeFetchOnePathBinlogRequest(request);
    assert.equal(decoded.groupName, 'group1');
    assert.ok(encodeFetchOnePathBinlogRequest(decoded).equals(request), file);
  }
  assert.deepEqual(
    decodeFetchOnePathBinlogRequest(
      frameBody(loadPacket('storage-26-fetch-one-path-binlog.json').frames[0]!),
    ),
    { groupName: 'group1', storePathIndex: 1 },
  );
});

test('cmd 26 stream: text lines + trailer; split over 4 threads exactly as C split it', () => {
  const reply = frameBody(loadPacket('storage-26-fetch-one-path-binlog.json').frames[1]!);
  const text = reply.subarray(0, reply.length - 8).toString('latin1');
  assert.equal(Number(reply.readBigInt64BE(reply.length - 8)), text.length, 'trailer = text bytes');
  const parsed = parseBinlogText(text);
  assert.equal(parsed.completeBytes, text.length);
  const split = ['', '', '', ''];
  for (const line of parsed.lines) {
    assert.ok(line.ok);
    assert.ok('CcLl'.includes(line.record.op), 'only creates and links are sent');
    split[recoveryThreadOf(line.record, 4)] += formatBinlogLine(line.record);
  }
  for (let i = 0; i < 4; i++) {
    const c = readFileSync(vectorPath(`${DURING}/.binlog.recovery.${i}`), 'latin1');
    assert.equal(split[i], c, `.binlog.recovery.${i}`);
  }
});

test('.recovery.flag and .recovery.mark.<i> parse and format byte for byte', () => {
  for (const dir of [DURING, FAILED]) {
    const text = readFileSync(vectorPath(`${dir}/.recovery.flag`), 'latin1');
    assert.equal(formatRecoveryFlag(parseRecoveryFlag(text)), text);
  }
  assert.deepEqual(
    parseRecoveryFlag(readFileSync(vectorPath(`${DURING}/.recovery.flag`), 'latin1')),
    { savedStorageStatus: 5, fetchBinlogDone: true, recoveryThreads: 4 },
  );
  assert.deepEqual(
    parseRecoveryFlag(readFileSync(vectorPath(`${FAILED}/.recovery.flag`), 'latin1')),
    { savedStorageStatus: 99, fetchBinlogDone: false, recoveryThreads: -1 },
  );
  for (let i = 0; i < 4; i++) {
    const text = readFileSync(vectorPath(`${DURING}/.recovery.mark.${i}`), 'latin1');
    assert.equal(formatRecoveryMark(parseRecoveryMark(text)), text);
  }
});
