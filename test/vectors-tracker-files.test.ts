// The tracker's data files (§9.9) parse and re-format byte for byte against the C tracker's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatChangelogLine,
  formatGroupsFile,
  formatServersFile,
  formatSyncTimestampFile,
  formatTrackerStatus,
  parseChangelog,
  parseGroupsFile,
  parseServersFile,
  parseSyncTimestampFile,
  parseTrackerStatus,
} from '#src/tracker/persist/formats.js';
import { vectorPath } from './support/vectors.js';

const trackerDirs = ['clusterA', 'clusterB'].flatMap((cluster) =>
  readdirSync(vectorPath('disk', cluster))
    .filter((d) => d.startsWith('tracker-'))
    .map((d) => vectorPath('disk', cluster, d, 'data')),
);

test('there are four recorded tracker data folders', () => {
  assert.equal(trackerDirs.length, 4);
});

for (const dir of trackerDirs) {
  const read = (f: string): string => readFileSync(join(dir, f), 'latin1');
  const label = dir.split('/disk/')[1];

  test(`storage_groups_new.dat round-trips byte for byte: ${label}`, () => {
    const text = read('storage_groups_new.dat');
    const groups = parseGroupsFile(text);
    assert.ok(groups.length > 0);
    assert.equal(formatGroupsFile(groups), text);
  });

  test(`storage_servers_new.dat round-trips byte for byte: ${label}`, () => {
    const text = read('storage_servers_new.dat');
    const storages = parseServersFile(text);
    assert.ok(storages.length > 0);
    assert.equal(formatServersFile(storages), text);
    const withIds = label!.startsWith('clusterB');
    assert.equal(
      storages.every((s) => (s.id !== undefined) === withIds),
      true,
      'id= only with storage ids',
    );
  });

  test(`storage_sync_timestamp.dat, .tracker_status and the changelog round-trip: ${label}`, () => {
    const sync = read('storage_sync_timestamp.dat');
    assert.equal(formatSyncTimestampFile(parseSyncTimestampFile(sync)), sync);
    const status = read('.tracker_status');
    const parsed = parseTrackerStatus(status);
    assert.equal(parsed.lastCheckTime % 300, 0, 'last_check_time is a multiple of 300');
    assert.equal(formatTrackerStatus(parsed), status);
    const changelog = read('storage_changelog.dat');
    assert.equal(parseChangelog(changelog).map(formatChangelogLine).join(''), changelog);
  });
}

test('known values: cluster B groups, a storage record, and the DELETED changelog line', () => {
  const dir = vectorPath('disk', 'clusterB', 'tracker-127.0.0.21', 'data');
  const storages = parseServersFile(readFileSync(join(dir, 'storage_servers_new.dat'), 'latin1'));
  const s1 = storages.find((s) => s.id === '100001')!;
  assert.equal(s1.ipAddr, '127.0.0.22');
  assert.equal(s1.status, 7);
  assert.equal(s1.counters.total_upload_count, 14n);
  const s2 = storages.find((s) => s.id === '100002')!;
  assert.equal(s2.syncSrcServer, '100001');
  assert.equal(s2.status, 1, 'the ACTIVE transition was not saved by C (§16 #11)');
  const after = vectorPath(
    'disk',
    'clusterB',
    'tracker-127.0.0.24-after-delete',
    'data',
    'storage_changelog.dat',
  );
  assert.deepEqual(parseChangelog(readFileSync(after, 'latin1')), [
    { time: 1795264166, groupName: 'group2', storageId: '100003', status: 4, newId: '' },
  ]);
});
