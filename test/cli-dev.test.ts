// `npm start` (`fdfs dev`) brought up as a child process on a temporary data folder: it prints the
// tracker and ready-to-paste commands, serves an upload and a download, lists both storages by
// their ip:port storage ids, stops cleanly on SIGINT, and keeps the data for the next start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastDfsClient } from '#src/index.js';
import { StorageStatus } from '#src/protocol/status.js';
import { CLI_PATH } from './support/paths.js';

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: '127.0.0.1', port, exclusive: true }, () =>
      probe.close(() => resolve(true)),
    );
  });
}

/** A tracker port and two consecutive storage ports, free a moment ago. */
async function freePorts(): Promise<{ tracker: number; storage: number }> {
  for (;;) {
    const base = 40_000 + Math.floor(Math.random() * 20_000);
    if ((await isFree(base)) && (await isFree(base + 1)) && (await isFree(base + 2))) {
      return { tracker: base, storage: base + 1 };
    }
  }
}

interface Dev {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startDev(dataDir: string, ports: { tracker: number; storage: number }): Dev {
  const child = spawn(
    process.execPath,
    [
      CLI_PATH,
      'dev',
      '--data-dir',
      dataDir,
      '--tracker-port',
      `${ports.tracker}`,
      '--storage-port',
      `${ports.storage}`,
      '--wait-active',
      '60',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, output: () => out, exited };
}

function fdfsIn(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI_PATH, ...args],
      { cwd, env: { ...process.env, FDFS_CLIENT_CONF: '' }, timeout: 30_000 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

async function untilReady(dev: Dev, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!dev.output().includes('Press Ctrl-C to stop')) {
    if (dev.child.exitCode !== null) throw new Error(`fdfs dev exited:\n${dev.output()}`);
    if (Date.now() > deadline) throw new Error(`fdfs dev not ready:\n${dev.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopDev(dev: Dev): Promise<number | null> {
  dev.child.kill('SIGINT');
  const timer = setTimeout(() => dev.child.kill('SIGKILL'), 20_000);
  const code = await dev.exited;
  clearTimeout(timer);
  return code;
}

test(
  'fdfs dev: up, upload and download, Ctrl-C, and the next start keeps the data',
  { timeout: 120_000 },
  async () => {
    const root = await mkdtemp(join(tmpdir(), 'fdfs-dev-'));
    // ./data under the working folder, as `npm start` uses it: `fdfs` then finds data/client.conf.
    const dataDir = join(root, 'data');
    const ports = await freePorts();
    let dev = startDev(dataDir, ports);
    try {
      await untilReady(dev);
      const out = dev.output();
      assert.match(out, new RegExp(`ready: tracker 127\\.0\\.0\\.1:${ports.tracker}`));
      const storageLine = (id: string, port: number): RegExp =>
        new RegExp(`storage ${id} +group1 +127\\.0\\.0\\.1:${port} +ACTIVE`);
      assert.match(out, storageLine('100001', ports.storage));
      assert.match(out, storageLine('100002', ports.storage + 1));
      assert.match(out, /npx fdfs upload/);
      const conf = join(dataDir, 'client.conf');
      assert.ok(existsSync(conf));
      const client = await FastDfsClient.create(conf);
      let id: string;
      try {
        id = await client.upload(Buffer.from('through npm start'), { ext: 'txt' });
        assert.equal((await client.download(id)).toString(), 'through npm start');
        // id_type_in_filename = id: the name carries the source's storage id (either storage:
        // both are ACTIVE and writable, uploads go round robin).
        const info = await client.fileInfo(id);
        assert.ok(['100001', '100002'].includes(info.sourceId ?? ''), info.sourceId);
        // Ready means both ACTIVE at the tracker (LIST_STORAGE): the second storage's full copy
        // from the first (§8.7) is done.
        const listed = await client.listStorages('group1');
        assert.deepEqual(listed.map((s) => [s.id, s.storagePort, s.status]).sort(), [
          ['100001', ports.storage, StorageStatus.ACTIVE],
          ['100002', ports.storage + 1, StorageStatus.ACTIVE],
        ]);
      } finally {
        await client.close();
      }
      // The fdfs command, run where `npm start` ran, without -c: it uses ./data/client.conf.
      await writeFile(join(root, 'cli.txt'), 'through the fdfs command');
      const cliId = (await fdfsIn(root, ['upload', 'cli.txt'])).trim();
      assert.match(cliId, /^group1\/M00\//);
      await fdfsIn(root, ['download', cliId, 'cli-back.txt']);
      assert.equal(await readFile(join(root, 'cli-back.txt'), 'utf8'), 'through the fdfs command');

      assert.equal(await stopDev(dev), 0, dev.output());
      assert.match(dev.output(), /stopped; the data is kept/);

      dev = startDev(dataDir, ports);
      await untilReady(dev);
      const again = await FastDfsClient.create(conf);
      try {
        assert.equal((await again.download(id)).toString(), 'through npm start');
      } finally {
        await again.close();
      }
      assert.equal(await stopDev(dev), 0, dev.output());
    } finally {
      if (dev.child.exitCode === null) dev.child.kill('SIGKILL');
      await rm(root, { recursive: true, force: true });
    }
  },
);
