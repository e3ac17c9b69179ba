import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STORAGE_STAT_COUNTER_FIELDS } from '../../protocol/structs/storage-stat-block.js';
import { StoreStats } from './stats.js';
import { formatStorageStatFile, parseStorageStatFile } from './state-files.js';
import { emptyStorageStat } from './init.js';

test('operations bump total, success and bytes; a success of a change moves last_source_update', () => {
  const s = new StoreStats();
  s.record('upload', true, 100, 1000);
  s.record('upload', false, 0, 1001);
  s.record('download', true, 40);
  s.record('deleteLink', true, 0, 1002);
  const c = s.counters;
  assert.deepEqual(
    [c.totalUploadCount, c.successUploadCount, c.totalUploadBytes, c.successUploadBytes],
    [2, 1, 100, 100],
  );
  assert.deepEqual([c.totalDownloadCount, c.successDownloadBytes], [1, 40]);
  assert.deepEqual([c.totalDeleteLinkCount, c.successDeleteLinkCount], [1, 1]);
  assert.equal(c.lastSourceUpdate, 1002);
});

test('storage_stat.dat: counters and round-robin state round-trip in the C key order', () => {
  const file = emptyStorageStat();
  file.total_upload_count = 43;
  file.success_download_bytes = 151;
  file.last_sync_update = 1795263351;
  file.dist_write_file_count = 43;
  const s = new StoreStats(parseStorageStatFile(formatStorageStatFile(file)));
  assert.equal(s.counters.totalUploadCount, 43);
  assert.equal(s.counters.successDownloadBytes, 151);
  assert.equal(s.counters.lastSyncUpdate, 1795263351);
  assert.equal(s.dirty, false);
  const back = s.toFile({ high: 0, low: 0, count: 43 });
  assert.equal(formatStorageStatFile(back), formatStorageStatFile(file));
  s.add('totalSyncInBytes', 5);
  assert.equal(s.dirty, true);
  s.markSaved(s.changeCount);
  assert.equal(s.dirty, false);
});

test('the BEAT block has every §4.3 field, with the tracker-owned ones at 0', () => {
  const s = new StoreStats();
  s.set('lastSyncUpdate', 7);
  const block = s.block({ allocCount: 1, currentCount: 2, maxCount: 3 });
  for (const f of STORAGE_STAT_COUNTER_FIELDS) assert.equal(typeof block[f], 'number', f);
  assert.equal(block.lastSyncUpdate, 7);
  assert.equal(block.lastSyncedTimestamp, 0);
  assert.deepEqual(block.connection, { allocCount: 1, currentCount: 2, maxCount: 3 });
});
