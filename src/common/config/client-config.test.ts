import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FdfsError } from '../errors.js';
import { loadClientConfig, parseClientConfig } from './client-config.js';

const source = { file: '/etc/fdfs/client.conf' };

function parse(text: string) {
  return parseClientConfig(text, source);
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

test('defaults of §10.3; only tracker_server is required', () => {
  const c = parse('tracker_server = 192.168.0.196:22122\ntracker_server = 192.168.0.197\n');
  assert.equal(c.connectTimeout, 10);
  assert.equal(c.networkTimeout, 30);
  assert.equal(c.basePath, '/tmp');
  assert.deepEqual(c.trackerServers, [
    { hosts: ['192.168.0.196'], port: 22122 },
    { hosts: ['192.168.0.197'], port: 22122 },
  ]);
  assert.equal(c.logLevel, 'info');
  assert.equal(c.connectFirstBy, 'tracker');
  assert.equal(c.useConnectionPool, false);
  assert.equal(c.connectionPoolMaxIdleTime, 3600);
  assert.equal(c.loadFdfsParametersFromTracker, false);
  assert.equal(c.useStorageId, false);
  assert.equal(c.storageIdsFilename, undefined);
  assert.equal(c.httpTrackerServerPort, 80);
  assert.equal(c.http.antiSteal.checkToken, false);
  assert.deepEqual(c.warnings, []);
  assertConfigError(
    'base_path = /tmp\n',
    '/etc/fdfs/client.conf: missing required key "tracker_server"',
  );
});

test('storage ids: the file is required only when not loading parameters from the tracker', () => {
  assertConfigError(
    'tracker_server = 10.0.0.1:22122\nuse_storage_id = true\n',
    '/etc/fdfs/client.conf: missing required key "storage_ids_filename" (use_storage_id is true)',
  );
  const fromTracker = parse(
    'tracker_server = 10.0.0.1:22122\nuse_storage_id = true\nload_fdfs_parameters_from_tracker = true\n',
  );
  assert.equal(fromTracker.storageIdsFilename, undefined);
  const local = parse(
    'tracker_server = 10.0.0.1:22122\nuse_storage_id = true\nstorage_ids_filename = ids.conf\n',
  );
  assert.equal(local.storageIdsFilename, '/etc/fdfs/ids.conf');
});

test('bad values name file, line and key', () => {
  assertConfigError(
    'tracker_server = 10.0.0.1:22122\nconnect_first_by = random\n',
    '/etc/fdfs/client.conf:2: connect_first_by = "random": expected one of tracker, last-connected',
  );
  assertConfigError(
    'tracker_server = 10.0.0.1:22122\nnetwork_timeout = -1\n',
    /:2: network_timeout = "-1": expected an integer >= 1/,
  );
  assertConfigError(
    'tracker_server = tracker one\n',
    /:1: tracker_server = "tracker one": expected host:port/,
  );
  assertConfigError(
    'tracker_server = 10.0.0.1\nlog_level = loud\n',
    /:2: log_level = "loud": expected one of emerg/,
  );
});

test('#include http.conf brings the http.* keys; unknown keys warn with file:line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-client-'));
  try {
    await writeFile(
      join(dir, 'client.conf'),
      'tracker_server = 10.0.0.1:22122\nhttp.tracker_server_port = 8080\n#include http.conf\nwhat = 1\n',
    );
    await writeFile(
      join(dir, 'http.conf'),
      'http.anti_steal.check_token = true\nhttp.anti_steal.secret_key = FastDFS1234567890\nhttp.mime_types_filename = mime.types\nhttp.odd = 2\n',
    );
    const c = await loadClientConfig(join(dir, 'client.conf'));
    assert.equal(c.httpTrackerServerPort, 8080);
    assert.equal(c.http.antiSteal.checkToken, true);
    assert.equal(c.http.antiSteal.secretKey, 'FastDFS1234567890');
    assert.equal(c.http.mimeTypesFilename, join(dir, 'mime.types'));
    assert.deepEqual(c.warnings, [
      `${join(dir, 'http.conf')}:4: unknown key "http.odd"`,
      `${join(dir, 'client.conf')}:4: unknown key "what"`,
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
