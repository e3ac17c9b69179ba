// The tracker's store: the C tracker's files load and save back byte for byte, and a state change
// survives a save, a restart (load) and a restore.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRACKER_FILES, TrackerStore } from '#src/tracker/persist/store.js';
import { ClusterState } from '#src/tracker/state/cluster-state.js';
import { makePolicy } from '#src/tracker/state/policy.js';
import { StorageStatus } from '#src/protocol/status.js';
import { vectorPath } from './support/vectors.js';

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-tracker-store-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const recorded = [
  { dir: vectorPath('disk', 'clusterA', 'tracker-127.0.0.11', 'data'), ids: false },
  { dir: vectorPath('disk', 'clusterB', 'tracker-127.0.0.21', 'data'), ids: true },
  { dir: vectorPath('disk', 'clusterB', 'tracker-127.0.0.24-after-delete', 'data'), ids: true },
];

for (const { dir, ids } of recorded) {
  test(`a C tracker's files load and save back identical: ${dir.split('/disk/')[1]}`, async () => {
    await withTemp(async (tmp) => {
      await cp(dir, tmp, { recursive: true });
      const store = new TrackerStore(tmp, ids);
      const { snapshot, status } = await store.load();
      assert.ok(snapshot && snapshot.groups.length > 0);
      assert.ok(status && status.upTime > 0);
      const before = await Promise.all(
        [TRACKER_FILES.groups, TRACKER_FILES.storages, TRACKER_FILES.syncTimestamps].map((f) =>
          readFile(join(dir, f), 'latin1'),
        ),
      );
      await store.saveAll(snapshot);
      const after = await Promise.all(
        [TRACKER_FILES.groups, TRACKER_FILES.storages, TRACKER_FILES.syncTimestamps].map((f) =>
          readFile(join(tmp, f), 'latin1'),
        ),
      );
      assert.deepEqual(after, before);
    });
  });
}

test('a join saved at once survives a restart; statuses come back OFFLINE', async () => {
  await withTemp(async (tmp) => {
    const state = new ClusterState(makePolicy({}));
    const joined = state.join({
      groupName: 'group1',
      peerIp: '127.0.0.12',
      port: 23000,
      storePathCount: 2,
      subdirCountPerPath: 256,
      uploadPriority: 10,
      joinTime: 1795262797,
      upTime: 1795262797,
      version: '6.16.1',
      initFlag: true,
      status: 0,
      storageId: '',
    });
    assert.ok(joined.ok);
    assert.ok(state.hasPendingSaves);
    const store = new TrackerStore(tmp, false);
    await store.save(state.snapshot(), state.takePendingSaves());
    assert.match(
      await readFile(join(tmp, TRACKER_FILES.storages), 'latin1'),
      /\tip_addr=127\.0\.0\.12\n/,
    );

    const { snapshot } = await new TrackerStore(tmp, false).load();
    const restarted = new ClusterState(makePolicy({}));
    restarted.restore(snapshot!);
    const group = restarted.snapshot().groups.find((g) => g.name === 'group1');
    assert.ok(group);
    assert.equal(group.storages[0]!.id, '127.0.0.12');
    assert.ok(
      [
        StorageStatus.ONLINE,
        StorageStatus.OFFLINE,
        StorageStatus.INIT,
        StorageStatus.WAIT_SYNC,
      ].includes(group.storages[0]!.status as 0),
    );
  });
});
