// `fdfs_trackerd <conf> [start|stop|restart|status]` and `fdfs tracker --config <conf>` as
// processes: the pid file, a refused second start, stop, status, the usage, and the one-line
// answer to a bad configuration.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from './support/cluster.js';
import { FDFS_CLI, TRACKERD_MAIN, trackerConfigText } from './support/cluster-tracker.js';
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

function readPid(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Poll `ok` every 50 ms for up to 20 s; fail early if `proc` exits. */
async function waitFor(ok: () => boolean, proc: ManagedProcess): Promise<void> {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
    if (ok()) return;
    if (!proc.running) throw new Error(`${proc.name} exited`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out');
}

describe('fdfs_trackerd start / stop / status', { timeout: 120_000 }, () => {
  const cluster = new Cluster('trackerd');
  after(() => cluster.destroy());

  test('start writes the pid file; a second start is refused; stop ends it', async () => {
    await cluster.withLogs(async () => {
      const tracker = await cluster.startTracker();
      assert.equal(readFileSync(tracker.pidFile, 'utf8'), String(tracker.pid));
      assert.ok(existsSync(tracker.logFile), 'logs go to <base_path>/logs/trackerd.log');

      const second = await run([TRACKERD_MAIN, tracker.configPath, 'start']);
      assert.equal(second.code, 17, second.stderr);
      assert.match(second.stderr, new RegExp(`already running, pid: ${tracker.pid}`));
      assert.equal(second.stderr.trim().split('\n').length, 1, second.stderr);
      assert.ok(tracker.process!.running, 'the first one still runs');

      const status = await run([TRACKERD_MAIN, tracker.configPath, 'status']);
      assert.deepEqual([status.code, status.stdout], [0, `Running, pid: ${tracker.pid}\n`]);

      const stop = await run([TRACKERD_MAIN, tracker.configPath, 'stop']);
      assert.equal(stop.code, 0, stop.stderr);
      assert.match(stop.stderr, new RegExp(`waiting for pid \\[${tracker.pid}\\] exit \\.\\.\\.`));
      assert.match(stop.stderr, new RegExp(`pid \\[${tracker.pid}\\] exit\\.`));
      assert.deepEqual(await tracker.process!.exited, { code: 0, signal: null });
      assert.ok(!existsSync(tracker.pidFile), 'the pid file is removed');
      assert.match(readFileSync(tracker.logFile, 'utf8'), /exit normally/);

      const after = await run([TRACKERD_MAIN, tracker.configPath, 'status']);
      assert.deepEqual([after.code, after.stdout], [2, 'NOT running\n']);
      const again = await run([TRACKERD_MAIN, tracker.configPath, 'stop']);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /pid file: .*fdfs_trackerd\.pid not exist!/);
    });
  });

  test('restart stops the running tracker and serves in its place', async () => {
    await cluster.withLogs(async () => {
      const tracker = await cluster.startTracker();
      const oldPid = tracker.pid;
      const restarted = new ManagedProcess('restarted', {
        args: [TRACKERD_MAIN, tracker.configPath, 'restart'],
        logFiles: [tracker.logFile],
      });
      try {
        assert.deepEqual(await tracker.process!.exited, { code: 0, signal: null });
        // The new one answers and owns the pid file.
        await waitFor(() => readPid(tracker.pidFile) === restarted.pid, restarted);
        assert.notEqual(restarted.pid, oldPid);
        assert.match(restarted.stderrText(), new RegExp(`waiting for pid \\[${oldPid}\\] exit`));
        assert.match(restarted.stderrText(), /starting \.\.\./);
        const stop = await run([TRACKERD_MAIN, tracker.configPath, 'stop']);
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

  test('a stale pid file (SIGKILL) does not block the next start', async () => {
    await cluster.withLogs(async () => {
      const tracker = await cluster.startTracker();
      await tracker.kill();
      assert.ok(existsSync(tracker.pidFile), 'SIGKILL leaves the pid file');
      await tracker.start();
      assert.equal(readFileSync(tracker.pidFile, 'utf8'), String(tracker.pid));
      await tracker.stop();
    });
  });

  test('fdfs tracker --config <conf> --foreground serves and logs to stderr', async () => {
    await cluster.withLogs(async () => {
      const tracker = await cluster.startTracker({ launcher: 'fdfs' });
      const exit = await tracker.stop();
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.match(tracker.process!.stderrText(), /"msg":"caught SIGTERM/);
      assert.ok(!existsSync(tracker.logFile), 'nothing in the log file');
    });
  });
});

describe('fdfs_trackerd refusals', { timeout: 60_000 }, () => {
  const cluster = new Cluster('trackerd-bad');
  after(() => cluster.destroy());

  const write = (name: string, values: Record<string, string | number>): string => {
    const path = join(cluster.root, name);
    writeFileSync(path, trackerConfigText(values));
    return path;
  };

  test('a bad value: one line naming file:line: key on stderr, non-zero exit, no stack', async () => {
    const conf = write('bad-port.conf', { base_path: cluster.root, port: 'abc' });
    for (const args of [
      [TRACKERD_MAIN, conf, 'start'],
      [TRACKERD_MAIN, conf],
      [FDFS_CLI, 'tracker', '--config', conf, '--foreground'],
    ]) {
      const result = await run(args);
      assert.notEqual(result.code, 0, args.join(' '));
      const lines = result.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0]!, new RegExp(`${conf}:2: port = "abc"`));
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    }
  });

  test('a missing base_path, a missing file, a base_path that does not exist', async () => {
    const cases: [string, RegExp][] = [
      [write('no-base.conf', { port: 22122 }), /missing required key "base_path"/],
      [join(cluster.root, 'nosuch.conf'), /nosuch\.conf: cannot read \(ENOENT\)/],
      [write('gone.conf', { base_path: join(cluster.root, 'gone') }), /can't be accessed/],
    ];
    for (const [conf, message] of cases) {
      const result = await run([TRACKERD_MAIN, conf, 'start']);
      assert.notEqual(result.code, 0);
      assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, message);
    }
  });

  test('no arguments or a bad action: the usage', async () => {
    const none = await run([TRACKERD_MAIN]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /Usage: fdfs_trackerd \[options\] <config_file> \[start \| stop/);
    const bad = await run([TRACKERD_MAIN, 'x.conf', 'reload']);
    assert.equal(bad.code, 22);
    assert.match(bad.stderr, /^invalid action: reload\n/);
  });
});
