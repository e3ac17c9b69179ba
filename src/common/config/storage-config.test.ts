import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FdfsError } from '../errors.js';
import { loadStorageConfig, parseStorageConfig } from './storage-config.js';

const source = { file: '/etc/fdfs/storage.conf' };
const MIN = 'base_path = /data/fdfs\ntracker_server = 192.168.0.196:22122\n';

function parse(text: string) {
  return parseStorageConfig(text, source);
}

function assertConfigError(text: string, message: string | RegExp): void {
  assert.throws(
    () => parse(text),
    (err: unknown) => {
      assert.ok(err instanceof FdfsError);
      assert.equal(err.code, 'ERR_CONFIG');
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      return true;
    },
  );
}

test('defaults of §10.2 for every key not in the file', () => {
  const c = parse(MIN);
  assert.equal(c.groupName, undefined);
  assert.equal(c.port, 23000);
  assert.equal(c.clientBind, true);
  assert.equal(c.serverId, undefined);
  assert.equal(c.connectTimeout, 10);
  assert.equal(c.networkTimeout, 60);
  assert.equal(c.heartBeatInterval, 30);
  assert.equal(c.statReportInterval, 300);
  assert.equal(c.buffSize, 256 * 1024);
  assert.equal(c.maxPacketSize, 256 * 1024);
  assert.equal(c.diskRwSeparated, true);
  assert.equal(c.diskReaderThreads, 1);
  assert.equal(c.diskWriterThreads, 1);
  assert.equal(c.syncMinThreads, 1);
  assert.equal(c.syncMaxThreads, 'auto');
  assert.equal(c.effectiveSyncMaxThreads, 2);
  assert.equal(c.syncWaitMsec, 100);
  assert.equal(c.syncInterval, 0);
  assert.deepEqual(c.syncStartTime, { hour: 0, minute: 0 });
  assert.deepEqual(c.syncEndTime, { hour: 23, minute: 59 });
  assert.equal(c.writeMarkFileFreq, 500);
  assert.equal(c.diskRecoveryThreads, 1);
  assert.equal(c.storePathCount, 1);
  assert.deepEqual(c.storePaths, [{ index: 0, path: '/data/fdfs', readonly: false }]);
  assert.equal(c.subdirCountPerPath, 256);
  assert.deepEqual(c.trackerServers, [{ hosts: ['192.168.0.196'], port: 22122 }]);
  assert.equal(c.fileDistributePathMode, 0);
  assert.equal(c.fileDistributeRotateCount, 100);
  assert.equal(c.fsyncAfterWrittenBytes, 0);
  assert.equal(c.syncBinlogBuffInterval, 60);
  assert.equal(c.syncStatFileInterval, 60);
  assert.equal(c.uploadPriority, 10);
  assert.equal(c.ifAliasPrefix, '');
  assert.equal(c.checkFileDuplicate, false);
  assert.equal(c.fileSignatureMethod, 'hash');
  assert.equal(c.fileSyncSkipInvalidRecord, false);
  assert.equal(c.compressBinlog, false);
  assert.deepEqual(c.compressBinlogTime, { hour: 1, minute: 30 });
  assert.equal(c.checkStorePathMark, true);
  assert.equal(c.threadStackSize, 512 * 1024);
  assert.equal(c.accessLog.enabled, false);
  assert.equal(c.accessLog.timePrecision, 'ms');
  assert.equal(c.fsyncBinlog, false);
  assert.deepEqual(c.warnings, []);
});

test('required keys: base_path and tracker_server', () => {
  assertConfigError(
    'tracker_server = 10.0.0.1:22122\n',
    '/etc/fdfs/storage.conf: missing required key "base_path"',
  );
  assertConfigError(
    'base_path = /x\n',
    '/etc/fdfs/storage.conf: missing required key "tracker_server"',
  );
  assertConfigError('base_path = /x\ntracker_server =\n', /missing required key "tracker_server"/);
});

test('a bad value names file, line, key, value and what was expected', () => {
  assertConfigError(
    `${MIN}subdir_count_per_path = 512\n`,
    '/etc/fdfs/storage.conf:3: subdir_count_per_path = "512": expected an integer from 1 to 256',
  );
  assertConfigError(
    `${MIN}tracker_server = 10.0.0.1:99999\n`,
    /^\/etc\/fdfs\/storage\.conf:3: tracker_server = "10\.0\.0\.1:99999": expected host:port/,
  );
  assertConfigError(
    `${MIN}group_name = group 1\n`,
    /:3: group_name = "group 1": expected a group name/,
  );
  assertConfigError(
    `${MIN}server_id = 0100001\n`,
    /:3: server_id = "0100001": expected a number from 1/,
  );
  assertConfigError(
    `${MIN}sync_start_time = 7am\n`,
    /:3: sync_start_time = "7am": expected a time of day/,
  );
  assertConfigError(
    `${MIN}sync_max_threads = 0\n`,
    /:3: sync_max_threads = "0": expected an integer >= 1/,
  );
  assertConfigError(`${MIN}buff_size = 1KB\n`, /:3: buff_size = "1KB": expected a byte size/);
  assertConfigError(
    `${MIN}file_distribute_path_mode = 2\n`,
    /:3: file_distribute_path_mode = "2": expected one of 0, 1/,
  );
  assertConfigError(
    `${MIN}[access-log]\ntime_precision = ns\n`,
    /:4: access-log\.time_precision = "ns": expected one of ms, millisecond, us, microsecond/,
  );
});

test('store paths: store_path0 defaults to base_path, order and read-only flags kept', () => {
  const c = parse(
    `${MIN}store_path_count = 3\nstore_path2 = /disk2/\nstore_path1 = /disk1\nstore_path1_readonly = true\n`,
  );
  assert.deepEqual(c.storePaths, [
    { index: 0, path: '/data/fdfs', readonly: false },
    { index: 1, path: '/disk1', readonly: true },
    { index: 2, path: '/disk2', readonly: false },
  ]);
  assert.equal(c.effectiveSyncMaxThreads, 6);
  assertConfigError(
    `${MIN}store_path_count = 2\n`,
    '/etc/fdfs/storage.conf: missing required key "store_path1"',
  );
  const beyond = parse(`${MIN}store_path0 = /d0\nstore_path1 = /d1\n`);
  assert.deepEqual(beyond.storePaths, [{ index: 0, path: '/d0', readonly: false }]);
  assert.deepEqual(beyond.warnings, [
    '/etc/fdfs/storage.conf:4: store_path1 is beyond store_path_count = 1 (ignored)',
  ]);
  assertConfigError(
    `${MIN}store_path0_readonly = perhaps\n`,
    /:3: store_path0_readonly = "perhaps": expected a boolean/,
  );
});

test('several trackers, dual addresses and IPv6', () => {
  const c = parse(
    'base_path = /x\ntracker_server = 122.244.141.46,192.168.2.100:22122\ntracker_server = [fe80::1]:22122\n',
  );
  assert.deepEqual(c.trackerServers, [
    { hosts: ['192.168.2.100', '122.244.141.46'], port: 22122 },
    { hosts: ['fe80::1'], port: 22122 },
  ]);
});

test('[access-log] and [error-log] sections, our fsync_binlog, unknown keys warn', () => {
  const c = parse(
    `${MIN}fsync_binlog = on\nlog_file_keep_days = 5\nmystery = 1\n[access-log]\nenabled = true\ntime_precision = microsecond\nlog_file_keep_days = 2\n[error-log]\nlog_file_rotate_on_size = 100MB\n`,
  );
  assert.equal(c.fsyncBinlog, true);
  assert.equal(c.accessLog.enabled, true);
  assert.equal(c.accessLog.timePrecision, 'us');
  assert.equal(c.accessLog.keepDays, 2);
  assert.equal(c.errorLog.keepDays, 5);
  assert.equal(c.errorLog.rotateOnSize, 100 * 1024 * 1024);
  assert.deepEqual(c.warnings, ['/etc/fdfs/storage.conf:5: unknown key "mystery"']);
});

test('keys of older samples are known; FastDHT de-duplication warns', () => {
  const old = parse(
    `${MIN}use_access_log = false\nrotate_access_log = false\nhttp.domain_name =\nhttp.server_port = 8888\n`,
  );
  assert.deepEqual(old.warnings, []);
  const dht = parse(`${MIN}check_file_duplicate = 1\nkey_namespace = FastDFS\n`);
  assert.equal(dht.checkFileDuplicate, true);
  assert.match(dht.warnings[0]!, /check_file_duplicate \(FastDHT\) is not supported/);
});

test('an empty value means the default (server_id = )', () => {
  const c = parse(`${MIN}server_id = \nport =\n`);
  assert.equal(c.serverId, undefined);
  assert.equal(c.port, 23000);
});

test('loadStorageConfig reads the file from disk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-storage-'));
  try {
    await writeFile(join(dir, 'storage.conf'), `${MIN}group_name = group7\n`);
    const c = await loadStorageConfig(join(dir, 'storage.conf'));
    assert.equal(c.groupName, 'group7');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
