// The tracker changelog (77, §9.9) and the marks (§8.4): a deleted peer's mark is removed, a peer
// whose IP changed keeps its mark under the new name, other marks stay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StorageConfig } from '../../common/config/index.js';
import { silentLogger } from '../../common/logger.js';
import { StorageStatus as S } from '../../protocol/status.js';
import type { Store } from '../store/index.js';
import { autoLanes, PeerSyncTasks } from './peer-tasks.js';

const MARK = (offset: number): string =>
  `binlog_index=0\nbinlog_offset=${offset}\nneed_sync_old=0\nsync_old_done=0\n` +
  `until_timestamp=0\nscan_row_count=1\nsync_row_count=1\n`;

test('peer tasks: changelog DELETED removes the mark, IP_CHANGED renames it', async () => {
  const base = await mkdtemp(join(tmpdir(), 'fdfs-peer-tasks-'));
  try {
    const dir = join(base, 'data', 'sync');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, '127.0.0.5_23000.mark'), MARK(10));
    await writeFile(join(dir, '127.0.0.6_23000.mark'), MARK(20));
    await writeFile(join(dir, '127.0.0.8_23000.mark'), MARK(30));
    const tasks = new PeerSyncTasks({
      // Only base_path is read when no task runs.
      config: { basePath: base } as StorageConfig,
      store: {} as Store,
      groupName: () => 'group1',
      self: () => ({ id: '127.0.0.4', ips: ['127.0.0.4'], port: 23000 }),
      useStorageId: () => false,
      logger: silentLogger,
    });
    const entry = { timestamp: 1, groupName: 'group1', newId: '' };
    tasks.applyChangelog([
      { ...entry, oldId: '127.0.0.5', status: S.DELETED },
      { ...entry, oldId: '127.0.0.6', status: S.IP_CHANGED, newId: '127.0.0.7' },
    ]);
    await tasks.close();
    assert.deepEqual((await readdir(dir)).sort(), ['127.0.0.7_23000.mark', '127.0.0.8_23000.mark']);
    assert.equal(await readFile(join(dir, '127.0.0.7_23000.mark'), 'utf8'), MARK(20));
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});

test('auto lanes: 32 at most, a quarter of max_connections over the peers, 2 at least', () => {
  assert.equal(autoLanes(256, 1), 32);
  assert.equal(autoLanes(256, 3), 21);
  assert.equal(autoLanes(256, 8), 8);
  assert.equal(autoLanes(256, 100), 2);
  assert.equal(autoLanes(1024, 0), 32);
});
