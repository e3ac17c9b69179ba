// System-file copy (§5.4 cmds 61/63/62, §9.1 step 1).
// Copying side against the recorded C trackers: our requests must be byte for byte the recorded
// ones (64, 61, 63 × 4, 62), and the files we install must be the recorded contents exactly.
// Served side: our tracker's 61/63/62 (ENOENT, EBUSY, the lock released on close, EINVAL for a
// bad index or offset, chunks of 8173 bytes), and a copy from it gives its files byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FramedConnection } from '#src/common/connection.js';
import { parseTrackerConfig } from '#src/common/config/index.js';
import { silentLogger } from '#src/common/logger.js';
import { TrackerCommand as C } from '#src/protocol/commands.js';
import { encodeSysFileRequest } from '#src/protocol/messages/tracker-sys-files.js';
import { SYS_FILES, TrackerStore } from '#src/tracker/persist/store.js';
import { peerCall, requestOn, type PeerCallOptions } from '#src/tracker/relation/peer-call.js';
import { copyFrom, fetchSysFiles, needsSysFileCopy } from '#src/tracker/relation/sys-file-copy.js';
import { SysFileSync } from '#src/tracker/relation/sys-file-sync.js';
import { TrackerServer } from '#src/tracker/index.js';
import { ClusterState } from '#src/tracker/state/index.js';
import { ReplayServer, exchangesOf } from './support/replay.js';
import { frameBody, vectorPath } from './support/vectors.js';

const COPY = 'tracker-61-63-62-get-sys-files.json';
const BOOT = 'tracker-61-63-62-get-sys-files-boot.json';

/** The four file contents a recording's 63 replies carry, index order. */
function recordedFiles(file: string): Buffer[] {
  return exchangesOf(file)
    .filter((e) => e.request.cmd === C.TRACKER_GET_ONE_SYS_FILE)
    .map((e) => frameBody(e.reply!).subarray(8));
}

const options = (signal: AbortSignal): PeerCallOptions => ({
  connectTimeoutMs: 2000,
  networkTimeoutMs: 5000,
  signal,
});

test('needsSysFileCopy: no groups, or stopped for more than 600 s', () => {
  assert.equal(needsSysFileCopy(false, 10_000, 0), true);
  assert.equal(needsSysFileCopy(true, 10_000, 0), false);
  assert.equal(needsSysFileCopy(true, 10_000, 9_400), false);
  assert.equal(needsSysFileCopy(true, 10_000, 9_399), true);
});

test(`copy: ${BOOT} requests byte for byte, the files as recorded`, async (t) => {
  const replay = await new ReplayServer(exchangesOf(BOOT)).start(t);
  const abort = new AbortController();
  const conn = await FramedConnection.connect({
    host: '127.0.0.1',
    port: replay.port,
    ...options(abort.signal),
  });
  try {
    const files = await fetchSysFiles(conn, abort.signal);
    replay.check();
    assert.deepEqual(files, recordedFiles(BOOT));
  } finally {
    conn.destroy();
  }
});

test(`copy at the first join: ${COPY} (64 ranks the peer best), installed and reloaded`, async (t) => {
  const script = exchangesOf(COPY).filter((e) => e.request.cmd !== C.TRACKER_JOIN_LEADER);
  const replay = await new ReplayServer(script).start(t);
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-sys-copy-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = new TrackerStore(dir, true);
  const state = new ClusterState();
  const abort = new AbortController();
  t.after(() => abort.abort());
  const peer = { hosts: ['127.0.0.1'], port: replay.port };
  const sync = new SysFileSync({
    needed: true,
    peers: () => [peer],
    call: peerCall(options(abort.signal)),
    // Ranks below the peer: same (0) times, smaller IP text.
    self: () => ({ ifLeader: false, runningTime: 0, restartInterval: 0, ip: '127.0.0.0', port: 1 }),
    peerOptions: options(abort.signal),
    install: async (files) => {
      await store.replaceSysFiles(files);
      const { snapshot } = await store.load();
      if (snapshot) state.restore(snapshot);
    },
    logger: silentLogger,
  });
  assert.equal(await sync.beforeJoin(), true);
  replay.check();
  const expected = recordedFiles(COPY);
  for (const [i, name] of SYS_FILES.entries()) {
    assert.deepEqual(await readFile(join(dir, name)), expected[i], name);
  }
  assert.deepEqual(
    state.groups().map((g) => g.name),
    ['group1', 'group2'],
  );
  assert.deepEqual(
    state
      .groups()
      .flatMap((g) => g.storages.map((s) => s.id))
      .sort(),
    ['100001', '100002'], // 100003 was deleted before the copy (its changelog line)
  );
  assert.equal(sync.beforeJoin(), true, 'done once');
});

test('copy refused (61 EBUSY): the join waits, gets false (EAGAIN), and the next join retries', async (t) => {
  const [status, start] = exchangesOf(COPY);
  const busy = {
    ...start!,
    reply: { ...start!.reply!, status: 16, headerHex: '00000000000000006410' },
  };
  const replay = await new ReplayServer([status!, busy, status!]).start(t);
  const abort = new AbortController();
  t.after(() => abort.abort());
  let installs = 0;
  const sync = new SysFileSync({
    needed: true,
    peers: () => [{ hosts: ['127.0.0.1'], port: replay.port }],
    call: peerCall(options(abort.signal)),
    self: () => ({ ifLeader: false, runningTime: 0, restartInterval: 0, ip: '127.0.0.0', port: 1 }),
    peerOptions: options(abort.signal),
    install: async () => void installs++,
    logger: silentLogger,
  });
  const [a, b] = await Promise.all([sync.beforeJoin(), sync.beforeJoin()]);
  assert.deepEqual([a, b], [false, false]);
  replay.checkRequests();
  // The next join asks again; this time the peer is gone from the script: it is not reached.
  assert.notEqual(sync.beforeJoin(), true);
  assert.equal(installs, 0);
});

test('copy skipped when this tracker ranks best, or no peer answers', async () => {
  const abort = new AbortController();
  const sync = new SysFileSync({
    needed: true,
    peers: () => [{ hosts: ['127.0.0.1'], port: 1 }], // nothing listens on port 1
    call: peerCall(options(abort.signal)),
    self: () => ({ ifLeader: false, runningTime: 0, restartInterval: 0, ip: '127.0.0.9', port: 1 }),
    peerOptions: options(abort.signal),
    install: () => Promise.reject(new Error('must not install')),
    logger: silentLogger,
  });
  assert.equal(await sync.beforeJoin(), true);
  assert.equal(sync.beforeJoin(), true);
});

/** Our tracker on 127.0.0.1 with cluster B's saved files (storage ids on). */
async function trackerWithFiles(t: import('node:test').TestContext, changelog?: string) {
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-sys-serve-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await cp(vectorPath('disk', 'clusterB', 'tracker-127.0.0.24', 'data'), join(dir, 'data'), {
    recursive: true,
  });
  if (changelog !== undefined) await writeFile(join(dir, 'data', SYS_FILES[3]!), changelog);
  await writeFile(
    join(dir, 'storage_ids.conf'),
    await readFile(vectorPath('tools', 'conf', 'B-storage_ids.conf')),
  );
  const config = parseTrackerConfig(
    `base_path = ${dir}\nport = 22122\nbind_addr = 127.0.0.1\nuse_storage_id = true\n` +
      `storage_ids_filename = ${join(dir, 'storage_ids.conf')}\n`,
    { file: join(dir, 'tracker.conf') },
  );
  const server = new TrackerServer({ ...config, port: 0 });
  const { port } = await server.listen();
  t.after(() => server.close());
  return { dir, port };
}

test('served: a copy from our tracker gives its files byte for byte, in 8173-byte chunks', async (t) => {
  // A changelog of 20000 bytes takes three 63 requests.
  const line = '1795264166 group2 100003 4 \n';
  const changelog = line.repeat(Math.ceil(20_000 / line.length));
  const { dir, port } = await trackerWithFiles(t, changelog);
  const abort = new AbortController();
  t.after(() => abort.abort());
  const files = await copyFrom({ hosts: ['127.0.0.1'], port }, options(abort.signal));
  for (const [i, name] of SYS_FILES.entries()) {
    assert.deepEqual(files[i], await readFile(join(dir, 'data', name)), name);
  }
  assert.equal(files[3]!.toString(), changelog);
  assert.match(files[1]!.toString(), /\[Storage001\]\n\tid=100001\n/);
});

test('served: ENOENT without groups; EBUSY while locked; the lock goes with 62 or the connection', async (t) => {
  const empty = await mkdtemp(join(tmpdir(), 'fdfs-sys-empty-'));
  t.after(() => rm(empty, { recursive: true, force: true }));
  const lone = new TrackerServer({
    ...parseTrackerConfig(`base_path = ${empty}\nbind_addr = 127.0.0.1\n`, {
      file: join(empty, 'tracker.conf'),
    }),
    port: 0,
  });
  const { port: lonePort } = await lone.listen();
  t.after(() => lone.close());
  const { port } = await trackerWithFiles(t);
  const abort = new AbortController();
  t.after(() => abort.abort());
  const open = () =>
    FramedConnection.connect({ host: '127.0.0.1', port, ...options(abort.signal) });
  /** The answer's status. Our client closes a connection after an error answer: the errno is
   * then the cause of the "closed" error. */
  const ask = async (conn: FramedConnection, cmd: number, body?: Buffer): Promise<number> => {
    try {
      return (await requestOn(conn, cmd, body, 16_384, abort.signal)).status;
    } catch (err) {
      return ((err as Error).cause as { errno: number }).errno;
    }
  };

  const none = await FramedConnection.connect({
    host: '127.0.0.1',
    port: lonePort,
    ...options(abort.signal),
  });
  assert.equal(await ask(none, C.TRACKER_GET_SYS_FILES_START), 2, 'ENOENT: no groups');
  none.destroy();

  const a = await open();
  assert.equal(await ask(a, C.TRACKER_GET_SYS_FILES_START), 0);
  const once = async (cmd: number, body?: Buffer): Promise<number> => {
    const conn = await open();
    try {
      return await ask(conn, cmd, body);
    } finally {
      conn.destroy();
    }
  };
  assert.equal(await once(C.TRACKER_GET_SYS_FILES_START), 16, 'EBUSY');
  const index4 = Buffer.from('040000000000000000', 'hex');
  assert.equal(await once(C.TRACKER_GET_ONE_SYS_FILE, index4), 22, 'EINVAL: index 4');
  const past = encodeSysFileRequest({ index: 0, offset: 1_000_000 });
  assert.equal(await once(C.TRACKER_GET_ONE_SYS_FILE, past), 22, 'EINVAL: offset past the end');
  assert.equal(await ask(a, C.TRACKER_GET_SYS_FILES_END), 0);
  const b = await open();
  assert.equal(await ask(b, C.TRACKER_GET_SYS_FILES_START), 0, 'released by 62');
  b.destroy(); // closes without 62
  let c: FramedConnection | undefined;
  for (let i = 0; i < 50; i++) {
    c = await open();
    if ((await ask(c, C.TRACKER_GET_SYS_FILES_START)) === 0) break;
    c.destroy();
    c = undefined;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(c, 'released when the holder closed');
  a.destroy();
  c.destroy();
});
