// The configuration files the real FastDFS 6.16.1 ran with (test/vectors/tools/conf/) and our own
// conf/ examples: every one loads with no error and no warning, and the values are what the files
// say. The tracker values are also checked against what that tracker sent in PARAMETER_REQ (75).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadClientConfig,
  loadHttpConfig,
  loadStorageConfig,
  loadStorageIds,
  loadTrackerConfig,
  responseIpSize,
  type StorageIdConfigEntry,
  type TrackerConfig,
} from '#src/common/config/index.js';
import { encodeParameterReply } from '#src/protocol/messages/tracker-parameters.js';
import { parametersOf } from '#src/tracker/service/identity.js';
import { REPO_ROOT, VECTORS_DIR } from './support/paths.js';
import { frameBody, loadPacket } from './support/vectors.js';
import { CoverageRecorder, coverageTest } from './support/coverage.js';

const SAMPLES = join(VECTORS_DIR, 'tools', 'conf');
let dir = '';

function copyPath(name: string): string {
  return join(dir, name);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fdfs-conf-samples-'));
  for (const name of await readdir(SAMPLES)) {
    const text = (await readFile(join(SAMPLES, name), 'utf8'))
      .replaceAll('<base_path>', join(dir, 'base'))
      .replaceAll('<store_path0>', join(dir, 'store0'))
      .replaceAll('<store_path1>', join(dir, 'store1'))
      .replaceAll('<conf_dir>', dir);
    await writeFile(copyPath(name), text);
  }
  // The B configurations name storage_ids.conf; the recording keeps it as B-storage_ids.conf.
  await writeFile(
    copyPath('storage_ids.conf'),
    await readFile(join(SAMPLES, 'B-storage_ids.conf')),
  );
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function loadAny(name: string): Promise<{ warnings: readonly string[] }> {
  const path = copyPath(name);
  if (name.includes('tracker')) return loadTrackerConfig(path);
  if (name.includes('storage_ids')) {
    assert.ok((await loadStorageIds(path)).length > 0, name);
    return { warnings: [] };
  }
  if (name.includes('storage')) return loadStorageConfig(path);
  if (name.includes('client')) return loadClientConfig(path);
  throw new Error(`no loader for ${name}`);
}

test('every recorded FastDFS 6.16.1 configuration loads with no error and no warning', async () => {
  const names = (await readdir(SAMPLES)).sort();
  assert.equal(names.length, 14);
  for (const name of names) {
    const loaded = await loadAny(name);
    assert.deepEqual(loaded.warnings, [], name);
  }
});

test('cluster A tracker.conf values', async () => {
  const c = await loadTrackerConfig(copyPath('A-tracker.conf'));
  assert.deepEqual(c.bindAddr, ['127.0.0.11']);
  assert.equal(c.port, 22200);
  assert.equal(c.basePath, join(dir, 'base'));
  assert.equal(c.storeLookup, 2);
  assert.equal(c.storeGroup, 'group2');
  assert.equal(c.storePath, 0);
  assert.deepEqual(c.reservedStorageSpace, { kind: 'ratio', ratio: 0.1 });
  assert.equal(c.responseIpAddrSize, 46);
  assert.equal(c.useStorageId, false);
  assert.equal(c.idTypeInFilename, 'id');
  assert.equal(c.effectiveIdType, 'ip');
  assert.equal(c.storageIdsFilename, copyPath('storage_ids.conf'));
  assert.equal(c.checkActiveInterval, 120);
  assert.equal(c.connectTimeout, 5);
  assert.equal(c.minBuffSize, 8 * 1024);
  assert.equal(c.maxBuffSize, 128 * 1024);
  assert.equal(c.maxPacketSize, 256 * 1024); // §1.3: the sample's min/max give 256 KB
  assert.deepEqual(c.allowHosts, ['*']);
  assert.equal(c.isHostAllowed('127.0.0.99'), true);
  assert.equal(c.wireCompat, '6.16');
});

test('cluster B tracker.conf values and its storage_ids.conf', async () => {
  for (const name of ['B-tracker1.conf', 'B-tracker2.conf']) {
    const c = await loadTrackerConfig(copyPath(name));
    assert.equal(c.port, 22300);
    assert.equal(c.storeLookup, 0);
    assert.deepEqual(c.reservedStorageSpace, { kind: 'mb', mb: 100 });
    assert.equal(c.useStorageId, true);
    assert.equal(c.idTypeInFilename, 'ip'); // configuration c (see the note at the top of the file)
    assert.equal(c.storeSlaveFileUseLink, true);
    assert.equal(c.responseIpAddrSize, 'auto');
    assert.equal(c.storageIdsFilename, copyPath('storage_ids.conf'));
    const ids = await loadStorageIds(c.storageIdsFilename!);
    assert.equal(responseIpSize(c, ids), 16);
  }
  assert.deepEqual((await loadTrackerConfig(copyPath('B-tracker2.conf'))).bindAddr, ['127.0.0.24']);
});

test('storage_ids.conf entries, with the dual address and rw modes', async () => {
  const ids = await loadStorageIds(copyPath('storage_ids.conf'));
  const brief = (e: StorageIdConfigEntry) => [e.id, e.groupName, e.ips.join(','), e.port, e.rwMode];
  assert.deepEqual(ids.map(brief), [
    ['100001', 'group1', '127.0.0.22', 23300, 6],
    ['100002', 'group1', '127.0.0.23', 23300, 6],
    ['100003', 'group2', '127.0.0.25', 23300, 6],
    ['100004', 'group2', '10.0.0.26,192.168.0.26', 23300, 4],
    ['100005', 'group2', '127.0.0.27', 23300, 0],
  ]);
});

test('storage.conf values: ports, store paths, trackers, intervals, sections', async () => {
  const a1 = await loadStorageConfig(copyPath('A-storage1.conf'));
  assert.equal(a1.groupName, 'group1');
  assert.deepEqual(a1.bindAddr, ['127.0.0.12']);
  assert.equal(a1.clientBind, true);
  assert.equal(a1.port, 23200);
  assert.equal(a1.serverId, undefined);
  assert.equal(a1.heartBeatInterval, 10);
  assert.equal(a1.statReportInterval, 20);
  assert.equal(a1.syncStatFileInterval, 10);
  assert.equal(a1.storePathCount, 2);
  assert.deepEqual(a1.storePaths, [
    { index: 0, path: join(dir, 'store0'), readonly: false },
    { index: 1, path: join(dir, 'store1'), readonly: false },
  ]);
  assert.deepEqual(a1.trackerServers, [{ hosts: ['127.0.0.11'], port: 22200 }]);
  assert.equal(a1.buffSize, 256 * 1024);
  assert.equal(a1.maxPacketSize, 256 * 1024);
  assert.equal(a1.diskReaderThreads, 2);
  assert.equal(a1.syncMaxThreads, 'auto');
  assert.equal(a1.effectiveSyncMaxThreads, 4);
  assert.equal(a1.syncWaitMsec, 10);
  assert.equal(a1.diskRecoveryThreads, 4);
  assert.equal(a1.compressBinlog, true);
  assert.equal(a1.accessLog.enabled, false);
  assert.equal(a1.accessLog.timePrecision, 'us');
  assert.equal(a1.errorLog.compressDaysBefore, 7);
  assert.deepEqual((await loadStorageConfig(copyPath('A-storage2.conf'))).bindAddr, ['127.0.0.13']);

  const b1 = await loadStorageConfig(copyPath('B-storage1.conf'));
  assert.equal(b1.port, 23300);
  assert.equal(b1.serverId, '100001');
  assert.equal(b1.fileSyncSkipInvalidRecord, true);
  assert.deepEqual(b1.storePaths, [{ index: 0, path: join(dir, 'store0'), readonly: false }]);
  assert.deepEqual(b1.trackerServers, [
    { hosts: ['127.0.0.21'], port: 22300 },
    { hosts: ['127.0.0.24'], port: 22300 },
  ]);
  const b2 = await loadStorageConfig(copyPath('B-storage2.conf'));
  assert.equal(b2.serverId, undefined); // `server_id =` present but empty
  assert.equal(b2.groupName, 'group1');
  const b3 = await loadStorageConfig(copyPath('B-storage3.conf'));
  assert.equal(b3.groupName, 'group2');
  assert.equal(b3.serverId, '100003');
});

test('client.conf values', async () => {
  const a = await loadClientConfig(copyPath('A-client.conf'));
  assert.deepEqual(a.trackerServers, [{ hosts: ['127.0.0.11'], port: 22200 }]);
  assert.equal(a.useStorageId, false);
  assert.equal(a.connectTimeout, 5);
  assert.equal(a.networkTimeout, 60);
  const b = await loadClientConfig(copyPath('B-client.conf'));
  assert.deepEqual(
    b.trackerServers.map((t) => `${t.hosts.join(',')}:${t.port}`),
    ['127.0.0.21:22300', '127.0.0.24:22300'],
  );
  assert.equal(b.useStorageId, true);
  assert.equal(b.storageIdsFilename, copyPath('storage_ids.conf'));
  assert.equal(b.connectFirstBy, 'tracker');
  const t1 = await loadClientConfig(copyPath('B-client_t1.conf'));
  assert.deepEqual(t1.trackerServers, [{ hosts: ['127.0.0.21'], port: 22300 }]);
  assert.equal((await loadClientConfig(copyPath('B-client_noids.conf'))).useStorageId, false);
  const lp = await loadClientConfig(copyPath('B-client_loadparams.conf'));
  assert.equal(lp.loadFdfsParametersFromTracker, true);
});

/** The STORAGE_PARAMETER_REQ (75) answer a tracker with this configuration gives (§5.2). */
function parameterText(c: TrackerConfig, ipSize: number): string {
  return encodeParameterReply(parametersOf(c, ipSize)).toString('utf8');
}

function parameterReply(file: string): string {
  const reply = loadPacket(file).frames.find((f) => f.from === 'server')!;
  return frameBody(reply).toString('utf8');
}

const coverage = new CoverageRecorder();

/** The PARAMETER_REQ answer of `file` is the one a tracker with `c` gives. */
function checkParameters(c: TrackerConfig, ipSize: number, file: string): void {
  assert.equal(parameterText(c, ipSize), parameterReply(file), file);
  coverage.record('trackerParameters', file);
}

test('the parsed tracker values are those the real tracker sent in PARAMETER_REQ (75)', async () => {
  // Cluster A ran with response_ip_addr_size = IPv6 in the ip46 phases, auto otherwise.
  const a46 = await loadTrackerConfig(copyPath('A-tracker.conf'));
  checkParameters(a46, responseIpSize(a46, undefined), 'tracker-75-parameter-req-ip46.json');
  const autoText = (await readFile(copyPath('A-tracker.conf'), 'utf8')).replace(
    'response_ip_addr_size = IPv6',
    'response_ip_addr_size = auto',
  );
  await writeFile(copyPath('A-tracker-auto.conf'), autoText);
  const aAuto = await loadTrackerConfig(copyPath('A-tracker-auto.conf'));
  checkParameters(aAuto, responseIpSize(aAuto, undefined), 'tracker-75-parameter-req.json');
  // Cluster B was captured before configuration c: id_type_in_filename was still id.
  const bText = (await readFile(copyPath('B-tracker1.conf'), 'utf8')).replace(
    'id_type_in_filename = ip',
    'id_type_in_filename = id',
  );
  await writeFile(copyPath('B-tracker-id.conf'), bText);
  const b = await loadTrackerConfig(copyPath('B-tracker-id.conf'));
  const ids = await loadStorageIds(b.storageIdsFilename!);
  checkParameters(b, responseIpSize(b, ids), 'tracker-75-parameter-req-storage-ids.json');
});

test('our conf/ examples load with no error and no warning', async () => {
  const conf = join(REPO_ROOT, 'conf');
  const tracker = await loadTrackerConfig(join(conf, 'tracker.conf'));
  assert.deepEqual(tracker.warnings, []);
  assert.equal(tracker.wireCompat, '6.16');
  const storage = await loadStorageConfig(join(conf, 'storage.conf'));
  assert.deepEqual(storage.warnings, []);
  assert.equal(storage.fsyncBinlog, false);
  const client = await loadClientConfig(join(conf, 'client.conf'));
  assert.deepEqual(client.warnings, []);
  assert.equal(client.http.defaultContentType, 'application/octet-stream'); // from #include http.conf
  const http = await loadHttpConfig(join(conf, 'http.conf'));
  assert.deepEqual(http.warnings, []);
  const ids = await loadStorageIds(join(conf, 'storage_ids.conf'));
  assert.equal(ids.length, 4);
  assert.equal(responseIpSize(tracker, ids), 16);
});

coverageTest('config', coverage);
