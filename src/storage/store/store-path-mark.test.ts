import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeStorePathMark,
  encodeStorePathMark,
  formatFastdfsVars,
  parseFastdfsVars,
  STORE_PATH_MARK_LENGTH,
} from './store-path-mark.js';

// The marks of disk/clusterA/storage-127.0.0.12 (store paths 0 and 1) and clusterB/storage-100001.
const RECORDED = [
  {
    text: 'MTI3LjAuMC4xMgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAKBaAAAAAE2JAWs',
    mark: { ipAddr: '127.0.0.12', port: 23200, storePathIndex: 0, createTime: 1795262797 },
  },
  {
    text: 'MTI3LjAuMC4xMgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAKBaAQAAAE2JAWs',
    mark: { ipAddr: '127.0.0.12', port: 23200, storePathIndex: 1, createTime: 1795262797 },
  },
  {
    text: 'MTI3LjAuMC4yMgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAARbAAAAAIaLAWs',
    mark: { ipAddr: '127.0.0.22', port: 23300, storePathIndex: 0, createTime: 1795263366 },
  },
];

test('the recorded C marks decode to ip, port, index and time, and re-encode byte for byte', () => {
  for (const { text, mark } of RECORDED) {
    assert.equal(text.length, STORE_PATH_MARK_LENGTH);
    assert.deepEqual(decodeStorePathMark(text), mark);
    assert.equal(encodeStorePathMark(mark), text);
  }
});

test('.fastdfs_vars is one store_path_mark line', () => {
  const text = formatFastdfsVars(RECORDED[0]!.text);
  assert.equal(text, `store_path_mark=${RECORDED[0]!.text}\n`);
  assert.equal(parseFastdfsVars(text), RECORDED[0]!.text);
  assert.equal(parseFastdfsVars(''), '');
});

test('a mark of the wrong size or alphabet is refused', () => {
  assert.throws(() => decodeStorePathMark('AAAA'), { code: 'ERR_BAD_BODY' });
  assert.throws(() => decodeStorePathMark('!'.repeat(75)), { code: 'ERR_BAD_BODY' });
  assert.throws(
    () =>
      encodeStorePathMark({ ipAddr: 'x'.repeat(46), port: 1, storePathIndex: 0, createTime: 0 }),
    { code: 'ERR_INVALID_ARGUMENT' },
  );
});
