// The recorded admin runs of cluster B, run again against a live cluster of ours of that shape
// and compared through the mask of docs/CLI.md: fdfs_monitor and the stat tools on both trackers
// (`b-*`); 100002 joins, 100003 is stopped and deleted with fdfs_monitor (`bd-*`); both trackers
// restarted (`bt-*`); then restarted with id_type_in_filename = ip (`c-*`).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { StorageStatus } from '#src/protocol/status.js';
import { Cluster } from './support/cluster.js';
import { waitActive, waitListed, type StorageNode } from './support/cluster-storage.js';
import type { TrackerNode } from './support/cluster-tracker.js';
import { startClusterB } from './support/tool-live-clusters.js';
import { LiveComparison, runIn } from './support/tool-live.js';
import type { RunResult } from './support/tool-runs.js';

const live = new LiveComparison('tools-live-b-admin');
let cluster: Cluster;
let trackers: TrackerNode[] = [];
let storages: StorageNode[] = [];
let remove = (): void => {};
let joinSecond: () => Promise<StorageNode> = () => Promise.reject(new Error('no cluster'));
let ours: (tool: string, ...args: string[]) => Promise<RunResult> = () => {
  throw new Error('no cluster');
};

before(async () => {
  cluster = new Cluster('tools-live-b-admin');
  let dir: string;
  ({ trackers, storages, dir, remove, joinSecond } = await startClusterB(cluster));
  ours = runIn(dir);
});
after(async () => {
  remove();
  await cluster?.destroy();
});

/** fdfs_monitor client.conf -h <tracker> <args> (client.conf lists both trackers). */
const monitor = (tracker: TrackerNode, ...args: string[]): Promise<RunResult> =>
  ours('fdfs_monitor', 'client.conf', '-h', tracker.address, ...args);

test('fdfs_monitor on either tracker, the stat tools (b-monitor-*, b-*-stat*)', async () => {
  const [t1, t2] = trackers as [TrackerNode, TrackerNode];
  // Read-only runs: side by side.
  const [list, leader, group, stat, statD, volumn, volumnD] = await Promise.all([
    monitor(t1, 'list'),
    monitor(t2, 'list'),
    monitor(t1, 'list', 'group2'),
    ours('fdfs_storage_stat', '-c', 'client.conf'),
    ours('fdfs_storage_stat', '-c', 'client.conf', '-d'),
    ours('fdfs_volumn_stat', '-c', 'client.conf'),
    ours('fdfs_volumn_stat', '-c', 'client.conf', '-d'),
  ]);
  live.sameAs('b-monitor-list', list);
  live.sameAs('b-monitor-list-leader', leader);
  live.sameAs('b-monitor-group', group);
  live.sameAs('b-storage-stat', stat);
  live.sameAs('b-storage-stat-d', statD);
  live.sameAs('b-volumn-stat', volumn);
  live.sameAs('b-volumn-stat-d', volumnD);
  // docs/CLI.md #6: a tracker the config does not list — the C text, on stderr, exit 2.
  const bad = await ours('fdfs_monitor', 'client.conf', '-h', '127.0.0.99:22300', 'list');
  live.documented('b-monitor-bad-tracker', 6, (run) => {
    assert.equal(bad.stdout, '');
    assert.equal(bad.stderr, run.stdout);
    assert.equal(bad.code, run.exitCode);
  });
});

test('100003 stopped, then deleted: EBUSY, success, EALREADY (bd-*)', async () => {
  await joinSecond();
  const [t1, t2] = trackers as [TrackerNode, TrackerNode];
  const s3 = storages[1]!;
  await s3.stop();
  for (const t of trackers) await waitListed(t, [s3], [StorageStatus.OFFLINE]);
  live.sameAs('bd-monitor-list-group2-offline', await monitor(t1, 'list', 'group2'));
  live.sameFailure(
    'bd-monitor-delete-storage-active',
    await monitor(t1, 'delete', 'group1', '100001'),
  );
  live.sameFailure('bd-monitor-delete-group', await monitor(t1, 'delete', 'group2'));
  live.sameFailure('bd-monitor-delete-group-again', await monitor(t1, 'delete', 'group2'));
  live.sameAs('bd-monitor-delete-storage', await monitor(t1, 'delete', 'group2', '100003'));
  live.sameFailure(
    'bd-monitor-delete-storage-again',
    await monitor(t1, 'delete', 'group2', '100003'),
  );
  live.sameAs('bd-monitor-list-after', await monitor(t2, 'list'));
});

async function restartTrackers(): Promise<void> {
  for (const t of trackers) await t.stop();
  await Promise.all(trackers.map((t) => t.start()));
  const group1 = [storages[0]!, storages[2]!];
  for (const t of trackers) await waitActive(t, group1);
}

test('both trackers restarted: group2 deleted, one group left (bt-*)', async () => {
  await restartTrackers();
  const t1 = trackers[0]!;
  live.sameAs('bt-monitor-delete-group', await monitor(t1, 'delete', 'group2'));
  live.sameAs('bt-monitor-list', await monitor(t1, 'list'));
});

test('restarted with id_type_in_filename = ip (c-monitor-list)', async () => {
  for (const t of trackers) t.configure({ id_type_in_filename: 'ip' });
  await restartTrackers();
  live.sameAs('c-monitor-list', await monitor(trackers[0]!, 'list'));
});

test('every run listed for tools-live-b-admin was compared', () => live.assertAllCompared());
