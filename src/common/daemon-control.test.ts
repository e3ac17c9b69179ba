import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alreadyRunning, daemonStatus, stopDaemon } from './daemon-control.js';
import { writePidFile } from './pid-file.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-daemon-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A node child; `onTerm` is what it does on SIGTERM. Killed at the end whatever happens. */
async function withDaemon(
  onTerm: 'exit' | 'ignore',
  fn: (pid: number, exited: Promise<unknown>) => Promise<void>,
): Promise<void> {
  const script =
    onTerm === 'exit'
      ? "process.on('SIGTERM', () => setTimeout(() => process.exit(0), 150)); setInterval(() => {}, 1000); process.send('up')"
      : "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); process.send('up')";
  const child = spawn(process.execPath, ['-e', script], {
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await new Promise((resolve) => child.once('message', resolve));
    await fn(child.pid!, exited);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

test('stop: SIGTERM, wait for the exit, C messages, the pid file is gone', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'd.pid');
    await withDaemon('exit', async (pid, exited) => {
      await writePidFile(file, pid);
      const lines: string[] = [];
      assert.equal(await stopDaemon(file, { print: (l) => lines.push(l) }), 0);
      await exited;
      assert.deepEqual(lines, [`waiting for pid [${pid}] exit ...`, `pid [${pid}] exit.\n`]);
      assert.ok(!existsSync(file));
    });
  });
});

test('stop: a daemon that ignores SIGTERM is SIGKILLed after the timeout', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'd.pid');
    await withDaemon('ignore', async (pid, exited) => {
      await writePidFile(file, pid);
      const lines: string[] = [];
      const code = await stopDaemon(file, { print: (l) => lines.push(l), timeoutMs: 400 });
      assert.equal(code, 0);
      await exited;
      assert.ok(
        lines.includes(`waiting for pid [${pid}] exit timeout, force kill!`),
        lines.join('|'),
      );
      assert.ok(!existsSync(file));
    });
  });
});

test('stop without a pid file: ENOENT (2); with a dead pid: ESRCH (3), the stale file removed', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'd.pid');
    const lines: string[] = [];
    assert.equal(await stopDaemon(file, { print: (l) => lines.push(l) }), 2);
    assert.deepEqual(lines, [`pid file: ${file} not exist!`]);
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => dead.once('exit', resolve));
    await writePidFile(file, dead.pid!);
    lines.length = 0;
    assert.equal(await stopDaemon(file, { print: (l) => lines.push(l) }), 3);
    assert.match(lines[0]!, /^kill pid: \d+ fail, errno: 3/);
    assert.ok(!existsSync(file));
    lines.length = 0;
    assert.equal(await stopDaemon(file, { print: (l) => lines.push(l), quiet: true }), 2);
    assert.deepEqual(lines, [], 'quiet (restart) says nothing when nothing runs');
  });
});

test('status and the start check', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'd.pid');
    const out: string[] = [];
    assert.equal(await daemonStatus(file, (l) => out.push(l)), 2);
    assert.equal(await alreadyRunning(file, 'fdfs_trackerd'), undefined);
    await withDaemon('exit', async (pid) => {
      await writePidFile(file, pid);
      assert.equal(await daemonStatus(file, (l) => out.push(l)), 0);
      assert.deepEqual(out, ['NOT running', `Running, pid: ${pid}`]);
      const running = await alreadyRunning(file, 'fdfs_trackerd');
      assert.equal(running?.exitCode, 17);
      assert.match(running!.message, new RegExp(`already running, pid: ${pid}`));
    });
  });
});
