import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FdfsError } from '../errors.js';
import { loadTrackerConfig, parseTrackerConfig, responseIpSize } from './tracker-config.js';
import type { StorageIdConfigEntry } from './storage-ids.js';

const source = { file: '/etc/fdfs/tracker.conf' };

function parse(text: string) {
  return parseTrackerConfig(text, source);
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

test('defaults of §10.1 for every key not in the file', () => {
  const c = parse('base_path = /var/fdfs/\n');
  assert.equal(c.basePath, '/var/fdfs');
  assert.equal(c.port, 22122);
  assert.deepEqual(c.bindAddr, []);
  assert.equal(c.addressFamily, 'auto');
  assert.equal(c.responseIpAddrSize, 'auto');
  assert.equal(c.connectTimeout, 10);
  assert.equal(c.networkTimeout, 60);
  assert.equal(c.maxConnections, 256);
  assert.equal(c.workThreads, 4);
  assert.equal(c.maxPacketSize, 256 * 1024);
  assert.equal(c.storeLookup, 0);
  assert.equal(c.storeGroup, undefined);
  assert.equal(c.storeServer, 0);
  assert.equal(c.storePath, 0);
  assert.equal(c.downloadServer, 0);
  assert.deepEqual(c.reservedStorageSpace, { kind: 'mb', mb: 1024 });
  assert.deepEqual(c.allowHosts, ['*']);
  assert.equal(c.checkActiveInterval, 100);
  assert.equal(c.storageIpChangedAutoAdjust, true);
  assert.equal(c.storageSyncFileMaxDelay, 86400);
  assert.equal(c.storageSyncFileMaxTime, 300);
  assert.equal(c.useTrunkFile, false);
  assert.equal(c.slotMinSize, 256);
  assert.equal(c.trunkFileSize, 64 * 1024 * 1024);
  assert.equal(c.slotMaxSize, 8 * 1024 * 1024);
  assert.deepEqual(c.trunkCreateFileTimeBase, { hour: 2, minute: 0 });
  assert.deepEqual(c.trunkCompressBinlogTimeBase, { hour: 3, minute: 0 });
  assert.equal(c.useStorageId, false);
  assert.equal(c.storageIdsFilename, undefined);
  assert.equal(c.idTypeInFilename, 'ip');
  assert.equal(c.trustStorageServerId, true);
  assert.equal(c.storeSlaveFileUseLink, false);
  assert.equal(c.useConnectionPool, false);
  assert.equal(c.connectionPoolMaxIdleTime, 3600);
  assert.equal(c.logLevel, 'info');
  assert.equal(c.threadStackSize, 256 * 1024);
  assert.equal(c.errorLog.keepDays, 15);
  assert.equal(c.wireCompat, '6.16');
  assert.deepEqual(c.trackerServers, []);
  assert.deepEqual(c.warnings, []);
});

test('required keys: base_path, store_group with store_lookup = 1, storage_ids_filename with ids', () => {
  assertConfigError('port = 22122\n', '/etc/fdfs/tracker.conf: missing required key "base_path"');
  assertConfigError('base_path =\n', '/etc/fdfs/tracker.conf: missing required key "base_path"');
  assertConfigError(
    'base_path = /x\nstore_lookup = 1\n',
    '/etc/fdfs/tracker.conf: missing required key "store_group"',
  );
  assert.equal(parse('base_path = /x\nstore_lookup = 1\nstore_group = g2\n').storeGroup, 'g2');
  assertConfigError(
    'base_path = /x\nuse_storage_id = true\n',
    '/etc/fdfs/tracker.conf: missing required key "storage_ids_filename"',
  );
});

test('a bad value names file, line, key, value and what was expected', () => {
  assertConfigError(
    'base_path = /x\n\nport = 22x\n',
    '/etc/fdfs/tracker.conf:3: port = "22x": expected an integer from 1 to 65535',
  );
  assertConfigError(
    'base_path = /x\nuse_trunk_file = maybe\n',
    /^\/etc\/fdfs\/tracker\.conf:2: use_trunk_file = "maybe": expected a boolean/,
  );
  assertConfigError(
    'base_path = /x\nreserved_storage_space = 120%\n',
    /^\/etc\/fdfs\/tracker\.conf:2: reserved_storage_space = "120%": expected a size/,
  );
  assertConfigError(
    'base_path = /x\nstore_path = 1\n',
    /:2: store_path = "1": expected one of 0, 2$/,
  );
  assertConfigError(
    'base_path = /x\nwire_compat = 6.12\n',
    /:2: wire_compat = "6\.12": expected one of 6\.16, 6\.15, 6\.10$/,
  );
  assertConfigError(
    'base_path = /x\nbind_addr = localhost\n',
    /:2: bind_addr = "localhost": expected IP addresses/,
  );
  assertConfigError(
    'base_path = /x\nstore_group = group-2\n',
    /:2: store_group = "group-2": expected a group name/,
  );
  assertConfigError(
    'base_path = /x\nslot_max_size = 64MB\n',
    /:2: slot_max_size = "64MB": expected a byte size .* from 257 to 33554432/,
  );
  assertConfigError(
    'base_path = /x\ntrunk_file_size = 1MB\n',
    /:2: trunk_file_size = "1MB": expected .*>= 4194304/,
  );
  assertConfigError(
    'base_path = /x\n[error-log]\nlog_file_rotate_time = 25:00\n',
    /:3: error-log\.log_file_rotate_time = "25:00": expected a time/,
  );
  assertConfigError(
    'base_path = /x\nallow_hosts = 10.0.0.0/40\n',
    /:2: allow_hosts = "10\.0\.0\.0\/40": expected an IP address/,
  );
});

test('unknown keys and repeated single keys are warnings, never errors', () => {
  const c = parse('base_path = /x\nfrobnicate = 1\nport = 1\nport = 2\n[other]\nk = v\n');
  assert.equal(c.port, 2);
  assert.deepEqual(c.warnings, [
    'port is set 2 times (/etc/fdfs/tracker.conf:3, /etc/fdfs/tracker.conf:4); the last value is used',
    '/etc/fdfs/tracker.conf:2: unknown key "frobnicate"',
    '/etc/fdfs/tracker.conf:6: unknown key "other.k"',
  ]);
});

test('keys of older FastDFS samples are known and ignored', () => {
  const text =
    'base_path = /x\nhttp.server_port = 8080\nrotate_error_log = false\nerror_log_rotate_time = 00:00\n';
  assert.deepEqual(parse(text).warnings, []);
});

test('the effective packet size follows §1.3', () => {
  const size = (text: string) => parse(`base_path = /x\n${text}`).maxPacketSize;
  assert.equal(size('min_buff_size = 8KB\nmax_buff_size = 128KB\n'), 256 * 1024);
  assert.equal(size('min_buff_size = 8KB\nmax_buff_size = 1MB\n'), 1024 * 1024);
  assert.equal(size('max_buff_size = 1MB\n'), 256 * 1024);
  assert.equal(size('buff_size = 512KB\n'), 512 * 1024);
  assert.equal(size('buff_size = 512KB\nmin_buff_size = 8KB\nmax_buff_size = 128KB\n'), 512 * 1024);
});

test('response_ip_addr_size modes and the responseIpSize helper', () => {
  const mode = (v: string) =>
    parse(`base_path = /x\nresponse_ip_addr_size = ${v}\n`).responseIpAddrSize;
  assert.equal(mode('auto'), 'auto');
  assert.equal(mode('IPv6'), 46);
  assert.equal(mode('ipv6'), 46);
  assert.equal(mode('46'), 46);
  assert.equal(mode('IPv4'), 16);
  assert.equal(mode('16'), 16);
  assertConfigError(
    'base_path = /x\nresponse_ip_addr_size = 32\n',
    /response_ip_addr_size = "32": expected one of 16, 46, auto, IPv4, IPv6$/,
  );

  const v4: StorageIdConfigEntry[] = [
    {
      id: '1',
      groupName: 'g',
      ips: ['10.0.0.1'],
      port: 23000,
      portGiven: false,
      rwMode: 6,
      line: 1,
    },
  ];
  const v6: StorageIdConfigEntry[] = [...v4, { ...v4[0]!, id: '2', ips: ['fe80::1'] }];
  const base = { wireCompat: '6.16', responseIpAddrSize: 'auto', useStorageId: true } as const;
  assert.equal(responseIpSize(base, v4), 16);
  assert.equal(responseIpSize(base, v6), 46);
  assert.equal(responseIpSize(base, undefined), 16);
  assert.equal(responseIpSize({ ...base, useStorageId: false }, v6), 16);
  assert.equal(responseIpSize({ ...base, responseIpAddrSize: 46 }, v4), 46);
  assert.equal(responseIpSize({ ...base, responseIpAddrSize: 16 }, v6), 16);
  assert.equal(responseIpSize({ ...base, wireCompat: '6.15', responseIpAddrSize: 46 }, v4), 46);
  assert.equal(responseIpSize({ ...base, wireCompat: '6.10', responseIpAddrSize: 46 }, v6), 16);
});

test('storage_ids_filename is resolved against the config directory', () => {
  const rel = parse(
    'base_path = /x\nuse_storage_id = yes\nstorage_ids_filename = storage_ids.conf\n',
  );
  assert.equal(rel.storageIdsFilename, '/etc/fdfs/storage_ids.conf');
  const abs = parse('base_path = /x\nuse_storage_id = 1\nstorage_ids_filename = /opt/ids.conf\n');
  assert.equal(abs.storageIdsFilename, '/opt/ids.conf');
  const other = parseTrackerConfig('base_path = /x\nstorage_ids_filename = ids.conf\n', {
    file: 'tracker.conf',
    baseDir: '/srv/conf',
  });
  assert.equal(other.storageIdsFilename, '/srv/conf/ids.conf');
});

test('derived values: effective store_server and id type', () => {
  const trunk = parse('base_path = /x\nuse_trunk_file = true\nstore_server = 0\n');
  assert.equal(trunk.storeServer, 0);
  assert.equal(trunk.effectiveStoreServer, 1);
  assert.equal(
    parse('base_path = /x\nuse_trunk_file = true\nstore_server = 2\n').effectiveStoreServer,
    2,
  );
  const noIds = parse('base_path = /x\nid_type_in_filename = id\n');
  assert.equal(noIds.idTypeInFilename, 'id');
  assert.equal(noIds.effectiveIdType, 'ip');
  const ids = parse(
    'base_path = /x\nuse_storage_id = true\nstorage_ids_filename = a\nid_type_in_filename = id\n',
  );
  assert.equal(ids.effectiveIdType, 'id');
});

test('our keys: wire_compat and the repeatable tracker_server', () => {
  const c = parse(
    'base_path = /x\nwire_compat = 6.10\ntracker_server = 10.0.0.1:22122\ntracker_server = 10.0.0.2\ntracker_server = 10.0.0.1:22122\n',
  );
  assert.equal(c.wireCompat, '6.10');
  assert.deepEqual(c.trackerServers, [
    { hosts: ['10.0.0.1'], port: 22122 },
    { hosts: ['10.0.0.2'], port: 22122 },
  ]);
  assert.deepEqual(c.warnings, [
    '/etc/fdfs/tracker.conf:5: tracker_server 10.0.0.1:22122 is listed twice (ignored)',
  ]);
  const many = Array.from({ length: 17 }, (_, i) => `tracker_server = 10.0.0.${i + 1}:22122`).join(
    '\n',
  );
  assertConfigError(`base_path = /x\n${many}\n`, /:18: tracker_server: 17 trackers, at most 16/);
});

test('allow_hosts: raw patterns kept, matcher built', () => {
  const c = parse(
    'base_path = /x\nallow_hosts = 10.0.1.[1-15,20]\nallow_hosts = 192.168.5.64/26\n',
  );
  assert.deepEqual(c.allowHosts, ['10.0.1.[1-15,20]', '192.168.5.64/26']);
  assert.equal(c.isHostAllowed('10.0.1.20'), true);
  assert.equal(c.isHostAllowed('192.168.5.100'), true);
  assert.equal(c.isHostAllowed('10.0.1.16'), false);
});

test('[error-log] overrides the global log keys', () => {
  const c = parse(
    'base_path = /x\nlog_file_keep_days = 7\nlog_level = WARNING\n[error-log]\nlog_file_keep_days = 3\n',
  );
  assert.equal(c.log.keepDays, 7);
  assert.equal(c.errorLog.keepDays, 3);
  assert.equal(c.logLevel, 'warn');
});

test('address_family IPv6 without storage ids is a warning', () => {
  const c = parse('base_path = /x\naddress_family = IPv6\n');
  assert.equal(c.addressFamily, 'IPv6');
  assert.match(c.warnings[0]!, /address_family = IPv6 needs use_storage_id/);
});

test('loadTrackerConfig reads the file from disk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-tracker-'));
  try {
    await writeFile(join(dir, 'tracker.conf'), 'base_path = /x\n#include more.conf\n');
    await writeFile(join(dir, 'more.conf'), 'port = 22300\n');
    const c = await loadTrackerConfig(join(dir, 'tracker.conf'));
    assert.equal(c.port, 22300);
    assert.equal(c.file, join(dir, 'tracker.conf'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
