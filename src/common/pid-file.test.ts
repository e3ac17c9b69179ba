import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  isProcessAlive,
  readPidFile,
  removePidFile,
  removePidFileSync,
  runningPid,
  writePidFile,
} from './pid-file.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-pid-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A child that lives until killed; the test kills it. */
async function withChild(
  command: string,
  args: string[],
  fn: (child: ChildProcess) => Promise<void>,
): Promise<void> {
  const child = spawn(command, args, { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await new Promise((resolve) => child.once('spawn', resolve));
    await fn(child);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

test('the pid file holds the decimal pid and nothing else (process_ctrl.c)', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'x.pid');
    await writePidFile(file, 4242);
    assert.equal(await readFile(file, 'utf8'), '4242');
    assert.equal(await readPidFile(file), 4242);
  });
});

test('no file, or no number in it, reads as no pid', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'x.pid');
    assert.equal(await readPidFile(file), undefined);
    await writeFile(file, '');
    assert.equal(await readPidFile(file), undefined);
    await writeFile(file, 'abc');
    assert.equal(await readPidFile(file), undefined);
    await writeFile(file, '0');
    assert.equal(await readPidFile(file), undefined);
    await writeFile(file, '123\n');
    assert.equal(await readPidFile(file), 123);
  });
});

test('removePidFile removes only a file that names the pid', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'x.pid');
    await writePidFile(file, 77);
    assert.equal(await removePidFile(file, 78), false);
    assert.ok(existsSync(file));
    assert.equal(await removePidFile(file, 77), true);
    assert.ok(!existsSync(file));
    assert.equal(await removePidFile(file, 77), false, 'a missing file is no error');
    await writePidFile(file);
    removePidFileSync(file, process.pid + 1);
    assert.ok(existsSync(file));
    removePidFileSync(file);
    assert.ok(!existsSync(file));
  });
});

test('isProcessAlive: this process yes, a reaped child no', async () => {
  assert.equal(isProcessAlive(process.pid), true);
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(isProcessAlive(child.pid!), false);
});

test('runningPid: a live process of the same program runs', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'x.pid');
    await withChild(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], async (child) => {
      await writePidFile(file, child.pid!);
      assert.equal(await runningPid(file), child.pid);
    });
  });
});

test('runningPid: stale files do not block a start', async (t) => {
  await withDir(async (dir) => {
    const file = join(dir, 'x.pid');
    assert.equal(await runningPid(file), undefined, 'no file');
    await writePidFile(file, process.pid);
    assert.equal(await runningPid(file), undefined, 'our own pid (a restarted container)');
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => dead.once('exit', resolve));
    await writePidFile(file, dead.pid!);
    assert.equal(await runningPid(file), undefined, 'a process that is gone');
    if (!existsSync('/proc/self/cmdline')) {
      t.diagnostic('no /proc: the other-program check is not available here');
      return;
    }
    await withChild('sleep', ['30'], async (child) => {
      await writePidFile(file, child.pid!);
      assert.equal(await runningPid(file), undefined, 'a pid reused by another program');
    });
  });
});
