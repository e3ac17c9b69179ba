// `fdfs_storaged <conf> [start|stop|restart|status]` and `fdfs storage --config <conf>` as
// processes: the pid file, a refused second start, stop, status, the log, a start-up the trackers
// refuse for good, and the one-line answer to a bad configuration.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from './support/cluster.js';
import { configText } from './support/cluster-node.js';
import { STORAGED_MAIN, StorageNode, waitActive } from './support/cluster-storage.js';
import { FDFS_CLI, type TrackerNode } from './support/cluster-tracker.js';
import { ManagedProcess } from './support/managed-process.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const execFileAsync = promisify(execFile);

/** Run a command to its end (bounded), whatever its exit code. */
async function run(args: string[], timeoutMs = 60_000): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, args, { timeout: timeoutMs });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string; killed?: boolean };
    if (e.killed || typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('fdfs_storaged start / stop / status', { timeout: 120_000 }, () => {
  const cluster = new Cluster('storaged');
  let tracker: TrackerNode;
  before(async () => {
    tracker = await cluster.startTracker();
  });
  after(() => cluster.destroy());

  test('start writes the pid file and joins; a second start is refused; stop ends it', async () => {
    await cluster.withLogs(async () => {
      const [storage] = await cluster.startStorages(1, { trackers: [tracker] });
      assert.ok(storage);
      assert.equal(readFileSync(storage.pidFile, 'utf8'), String(storage.pid));
      assert.ok(existsSync(storage.logFile), 'logs go to <base_path>/logs/storaged.log');
      assert.ok(existsSync(join(storage.basePath, 'data', '.data_init_flag')));
      assert.ok(existsSync(join(storage.dataDir(), '03', '03')), 'the data tree (4 × 4 here)');

      const second = await run([STORAGED_MAIN, storage.configPath, 'start']);
      assert.equal(second.code, 17, second.stderr);
      assert.match(
        second.stderr,
        new RegExp(`^fdfs_storaged: .*already running, pid: ${storage.pid}`),
      );
      assert.equal(second.stderr.trim().split('\n').length, 1, second.stderr);
      assert.ok(storage.process!.running, 'the first one still runs');

      const status = await run([STORAGED_MAIN, storage.configPath, 'status']);
      assert.deepEqual([status.code, status.stdout], [0, `Running, pid: ${storage.pid}\n`]);

      const stop = await run([STORAGED_MAIN, storage.configPath, 'stop']);
      assert.equal(stop.code, 0, stop.stderr);
      assert.match(stop.stderr, new RegExp(`waiting for pid \\[${storage.pid}\\] exit \\.\\.\\.`));
      assert.deepEqual(await storage.process!.exited, { code: 0, signal: null });
      assert.ok(!existsSync(storage.pidFile), 'the pid file is removed');
      const log = readFileSync(storage.logFile, 'utf8');
      assert.match(log, /fastdfs-ts storage .* started/);
      assert.match(log, /caught SIGTERM/);
      assert.match(log, /exit normally/);

      const gone = await run([STORAGED_MAIN, storage.configPath, 'status']);
      assert.deepEqual([gone.code, gone.stdout], [2, 'NOT running\n']);
      const again = await run([STORAGED_MAIN, storage.configPath, 'stop']);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /pid file: .*fdfs_storaged\.pid not exist!/);
    });
  });

  test('restart on the same base path: the storage answers and is ACTIVE again', async () => {
    await cluster.withLogs(async () => {
      const [storage] = await cluster.startStorages(1, { trackers: [tracker], group: 'group2' });
      assert.ok(storage);
      const oldPid = storage.pid;
      const restarted = new ManagedProcess('restarted', {
        args: [STORAGED_MAIN, storage.configPath, 'restart'],
        logFiles: [storage.logFile],
      });
      try {
        assert.deepEqual(await storage.process!.exited, { code: 0, signal: null });
        for (const deadline = Date.now() + 20_000; ;) {
          const pid = existsSync(storage.pidFile) ? readFileSync(storage.pidFile, 'utf8') : '';
          if (pid === String(restarted.pid)) break;
          assert.ok(
            restarted.running && Date.now() < deadline,
            'the new process took the pid file',
          );
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        assert.notEqual(restarted.pid, oldPid);
        assert.match(restarted.stderrText(), /starting \.\.\./);
        await waitActive(tracker, [storage]);
        const stop = await run([STORAGED_MAIN, storage.configPath, 'stop']);
        assert.equal(stop.code, 0, stop.stderr);
        assert.deepEqual(await restarted.exited, { code: 0, signal: null });
      } catch (err) {
        if (err instanceof Error) err.message += `\n${restarted.logs()}`;
        throw err;
      } finally {
        await restarted.kill();
      }
    });
  });

  test('fdfs storage --config <conf> --foreground serves and logs to stderr', async () => {
    await cluster.withLogs(async () => {
      const storage = await cluster.startStorage({
        trackers: [tracker],
        group: 'group3',
        launcher: 'fdfs',
      });
      await waitActive(tracker, [storage]);
      assert.deepEqual(await storage.stop(), { code: 0, signal: null });
      assert.match(storage.process!.stderrText(), /"msg":"caught SIGTERM/);
      assert.ok(!existsSync(storage.logFile), 'nothing in the log file');
      assert.ok(!existsSync(storage.pidFile), 'the pid file is removed');
    });
  });

  test('a start-up the tracker refuses for good ends the process: exit 1, pid file removed', async () => {
    // No group_name, and the tracker has never heard of this storage: GET_GROUP_NAME (109) fails.
    // Spawned by hand: the process may end before a readiness probe would see it answer.
    const host = cluster.allocateHost();
    const storage = cluster.add(
      new StorageNode(cluster, {
        name: 'no-group',
        host,
        port: await cluster.freePort(host),
        trackers: [tracker],
        config: { group_name: '' },
      }),
    );
    storage.writeConfig();
    const proc = new ManagedProcess(storage.name, {
      args: [FDFS_CLI, 'storage', '--config', storage.configPath, '--foreground'],
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      const exit = await Promise.race([
        proc.exited,
        new Promise((resolve) => (timer = setTimeout(resolve, 30_000, 'still running'))),
      ]);
      assert.deepEqual(exit, { code: 1, signal: null }, proc.logs());
      assert.match(proc.stderrText(), /no tracker knows our group/);
      assert.ok(!existsSync(storage.pidFile), 'the pid file is removed');
    } finally {
      clearTimeout(timer);
      await proc.kill();
    }
  });
});

describe('fdfs_storaged refusals', { timeout: 60_000 }, () => {
  const cluster = new Cluster('storaged-bad');
  after(() => cluster.destroy());

  const write = (name: string, values: Record<string, string | number>): string => {
    const path = join(cluster.root, name);
    writeFileSync(path, configText(values));
    return path;
  };
  const valid = (): Record<string, string | number> => ({
    group_name: 'group1',
    base_path: cluster.root,
    port: 23000,
    tracker_server: '127.0.0.1:22122',
  });

  test('a bad value: one line naming file:line: key on stderr, non-zero exit, no stack', async () => {
    const conf = write('bad-port.conf', { ...valid(), port: 'abc' });
    for (const args of [
      [STORAGED_MAIN, conf, 'start'],
      [STORAGED_MAIN, conf],
      [FDFS_CLI, 'storage', '--config', conf, '--foreground'],
    ]) {
      const result = await run(args);
      assert.notEqual(result.code, 0, args.join(' '));
      const lines = result.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0]!, new RegExp(`${conf}:3: port = "abc"`));
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    }
  });

  test('missing keys, a missing file, a base_path or store path that cannot be used', async () => {
    const blocker = join(cluster.root, 'a-file');
    writeFileSync(blocker, 'not a folder');
    mkdirSync(join(cluster.root, 'base'), { recursive: true });
    const noTracker = valid();
    delete noTracker.tracker_server;
    const cases: [string, RegExp][] = [
      [write('no-tracker.conf', noTracker), /tracker_server/],
      [write('no-base.conf', { group_name: 'group1' }), /missing required key "base_path"/],
      [join(cluster.root, 'nosuch.conf'), /nosuch\.conf: cannot read \(ENOENT\)/],
      [
        write('gone.conf', { ...valid(), base_path: join(cluster.root, 'gone') }),
        /can't be accessed/,
      ],
      [
        write('store.conf', {
          ...valid(),
          base_path: join(cluster.root, 'base'),
          store_path0: join(blocker, 'store'),
        }),
        /a-file\/store/,
      ],
    ];
    for (const [conf, message] of cases) {
      const result = await run([STORAGED_MAIN, conf, 'start']);
      assert.notEqual(result.code, 0, `${conf}: ${result.stderr}`);
      assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /^fdfs_storaged: /);
      assert.match(result.stderr, message);
    }
  });

  test('no arguments or a bad action: the usage', async () => {
    const none = await run([STORAGED_MAIN]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /Usage: fdfs_storaged \[options\] <config_file> \[start \| stop/);
    const bad = await run([STORAGED_MAIN, 'x.conf', 'reload']);
    assert.equal(bad.code, 22);
    assert.match(bad.stderr, /^invalid action: reload\n/);
  });
});
