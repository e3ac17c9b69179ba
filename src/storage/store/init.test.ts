import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeStoreFs } from './fs-layer.js';
import { initStoreFiles, type InitOptions } from './init.js';
import { StoreLayout } from './layout.js';
import { decodeStorePathMark, encodeStorePathMark } from './store-path-mark.js';
import { withTempDir } from './store.test.helper.js';
import { parseDataInitFlag } from './state-files.js';

function options(dir: string, over: Partial<InitOptions> = {}): InitOptions {
  return {
    basePath: join(dir, 'base'),
    layout: new StoreLayout(
      [0, 1].map((index) => ({ index, path: join(dir, `sp${index}`), readonly: false })),
      2,
      nodeStoreFs,
    ),
    checkStorePathMark: true,
    ownIp: '127.0.0.12',
    port: 23200,
    now: 1795262797,
    fs: nodeStoreFs,
    ...over,
  };
}

const text = (path: string) => readFile(path, 'latin1');

test('first start writes .data_init_flag, storage_stat.dat and .fastdfs_vars in the C formats', async () => {
  await withTempDir(async (dir) => {
    const result = await initStoreFiles(options(dir));
    assert.equal(result.firstStart, true);
    assert.deepEqual(result.needsRecovery, []);
    const mark0 = encodeStorePathMark({
      ipAddr: '127.0.0.12',
      port: 23200,
      storePathIndex: 0,
      createTime: 1795262797,
    });
    // Byte for byte the mark of disk/clusterA/storage-127.0.0.12/store_path0.
    assert.equal(
      mark0,
      'MTI3LjAuMC4xMgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAKBaAAAAAE2JAWs',
    );
    assert.equal(
      await text(join(dir, 'sp0', 'data', '.fastdfs_vars')),
      `store_path_mark=${mark0}\n`,
    );
    assert.equal(
      await text(join(dir, 'base', 'data', '.data_init_flag')),
      'storage_join_time=1795262797\nsync_old_done=0\nsync_src_server=\nsync_until_timestamp=0\n' +
        'last_ip_addr=127.0.0.12\nlast_server_port=23200\ncurrent_trunk_file_id=0\n' +
        'trunk_last_compress_time=0\ntrunk_binlog_compress_stage=0\n' +
        `store_path_mark0=${mark0}\nstore_path_mark1=${result.marks[1]}\n`,
    );
    assert.equal(decodeStorePathMark(result.marks[1]!).storePathIndex, 1);
    const statText = await text(join(dir, 'base', 'data', 'storage_stat.dat'));
    assert.equal(statText.split('\n').length, 44);
    assert.ok(statText.startsWith('total_upload_count=0\nsuccess_upload_count=0\n'));
    assert.ok(statText.endsWith('dist_path_index_low=0\ndist_write_file_count=0\n'));
    assert.ok((await stat(join(dir, 'sp1', 'data', '01', '01'))).isDirectory());
    assert.ok((await stat(join(dir, 'sp1', 'data', '.tmp'))).isDirectory());
  });
});

test('a later start loads the files and rewrites none of them', async () => {
  await withTempDir(async (dir) => {
    await initStoreFiles(options(dir));
    const files = [
      join(dir, 'base', 'data', '.data_init_flag'),
      join(dir, 'base', 'data', 'storage_stat.dat'),
      join(dir, 'sp0', 'data', '.fastdfs_vars'),
    ];
    const before = await Promise.all(files.map((f) => stat(f)));
    const again = await initStoreFiles(options(dir, { now: 1795262900, ownIp: '10.0.0.1' }));
    assert.equal(again.firstStart, false);
    assert.equal(again.initFlag.storageJoinTime, 1795262797);
    assert.equal(again.initFlag.lastIpAddr, '127.0.0.12');
    const after = await Promise.all(files.map((f) => stat(f)));
    after.forEach((s, i) => assert.equal(s.mtimeMs, before[i]!.mtimeMs, files[i]));
  });
});

test('a mark that differs from .data_init_flag refuses to start, unless check_store_path_mark is off', async () => {
  await withTempDir(async (dir) => {
    await initStoreFiles(options(dir));
    const other = encodeStorePathMark({
      ipAddr: '10.9.9.9',
      port: 1,
      storePathIndex: 1,
      createTime: 1,
    });
    await writeFile(join(dir, 'sp1', 'data', '.fastdfs_vars'), `store_path_mark=${other}\n`);
    await assert.rejects(initStoreFiles(options(dir)), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_CONFIG');
      assert.match(err.message, /store path 1 .*right disk/);
      return true;
    });
    const started = await initStoreFiles(options(dir, { checkStorePathMark: false }));
    assert.equal(started.marks[1], other);
    // The kept mark is left as found.
    const flag = parseDataInitFlag(await text(join(dir, 'base', 'data', '.data_init_flag')));
    assert.notEqual(flag.storePathMarks[1], other);
  });
});

test('a missing mark file on a path that kept its data folder refuses to start', async () => {
  await withTempDir(async (dir) => {
    await initStoreFiles(options(dir));
    await rm(join(dir, 'sp0', 'data', '.fastdfs_vars'));
    await assert.rejects(initStoreFiles(options(dir)), { code: 'ERR_CONFIG' });
  });
});

test('a data folder re-created after the initial sync is reported as needing recovery, with a new mark', async () => {
  await withTempDir(async (dir) => {
    const first = await initStoreFiles(options(dir));
    const flagPath = join(dir, 'base', 'data', '.data_init_flag');
    await writeFile(flagPath, (await text(flagPath)).replace('sync_old_done=0', 'sync_old_done=1'));
    await rm(join(dir, 'sp1', 'data'), { recursive: true });
    const again = await initStoreFiles(options(dir, { now: 1795263000 }));
    assert.deepEqual(again.needsRecovery, [1]);
    assert.notEqual(again.marks[1], first.marks[1]);
    assert.equal(decodeStorePathMark(again.marks[1]!).createTime, 1795263000);
    const flag = parseDataInitFlag(await text(flagPath));
    assert.equal(flag.storePathMarks[1], again.marks[1]);
    assert.equal(flag.storePathMarks[0], first.marks[0]);
    // Before the initial sync is done, a new data folder is simply new.
    await writeFile(flagPath, (await text(flagPath)).replace('sync_old_done=1', 'sync_old_done=0'));
    await rm(join(dir, 'sp0', 'data'), { recursive: true });
    assert.deepEqual((await initStoreFiles(options(dir))).needsRecovery, []);
  });
});

test('with check_store_path_mark off a new .data_init_flag carries no marks (§8.10)', async () => {
  await withTempDir(async (dir) => {
    await initStoreFiles(options(dir, { checkStorePathMark: false }));
    const flag = await text(join(dir, 'base', 'data', '.data_init_flag'));
    assert.ok(!flag.includes('store_path_mark'));
    assert.ok(
      (await text(join(dir, 'sp0', 'data', '.fastdfs_vars'))).startsWith('store_path_mark='),
    );
  });
});

test('a restart removes the .tmp copies a kill left beside the init flag and the marks', async () => {
  await withTempDir(async (dir) => {
    await initStoreFiles(options(dir));
    const base = join(dir, 'base', 'data');
    await mkdir(join(base, 'sync'), { recursive: true });
    const mark = join(base, 'sync', '127.0.0.4_23000.mark');
    await writeFile(mark, 'binlog_index=0\n');
    await writeFile(`${mark}.tmp`, 'binlog_in');
    await writeFile(join(base, '.data_init_flag.tmp'), 'storage_jo');
    await mkdir(join(base, 'sync', 'keep.tmp')); // a folder is not ours to remove
    await initStoreFiles(options(dir));
    assert.deepEqual((await readdir(join(base, 'sync'))).sort(), [
      '127.0.0.4_23000.mark',
      'keep.tmp',
    ]);
    assert.equal(await text(mark), 'binlog_index=0\n');
    assert.ok(!(await readdir(base)).includes('.data_init_flag.tmp'));
  });
});
