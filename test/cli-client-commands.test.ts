// The `fdfs` client subcommands against a live tracker and storage (in this process), run as
// child processes: output, --json shapes, and exit codes (0, the errno, EINVAL for bad input).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Errno } from '#src/protocol/errno.js';
import { CLI_PATH } from './support/paths.js';
import { HOST, startNodes, type LiveNodes } from './support/storage-node.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function fdfs(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_PATH, ...args],
      {
        env: { ...process.env, FDFS_CLIENT_CONF: '', ...env },
        timeout: 30_000,
        ...(cwd ? { cwd } : {}),
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('fdfs client subcommands', { timeout: 120_000 }, () => {
  let nodes: LiveNodes;
  let dir: string;
  let t: string[];

  before(async () => {
    nodes = await startNodes();
    dir = await mkdtemp(join(tmpdir(), 'fdfs-cli-client-'));
    t = ['--tracker', `${HOST}:${nodes.trackerPort}`];
  });
  after(async () => {
    await nodes?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('upload --json, download to a file and to stdout, info --json, delete', async () => {
    const src = join(dir, 'hello.txt');
    await writeFile(src, 'hello from the cli\n');
    const up = await fdfs(['upload', ...t, '--json', '-m', 'a=1', src]);
    assert.equal(up.code, 0, up.stderr);
    const shape = JSON.parse(up.stdout) as { fileId: string; size: number; source: string };
    assert.deepEqual(Object.keys(shape).sort(), ['fileId', 'size', 'source']);
    assert.match(shape.fileId, /^group1\/M00\/.*\.txt$/);
    assert.equal(shape.size, 19);
    const out = join(dir, 'back.txt');
    const down = await fdfs(['download', ...t, shape.fileId, out]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(await readFile(out, 'utf8'), 'hello from the cli\n');
    const toStdout = await fdfs(['download', ...t, shape.fileId, '-']);
    assert.equal(toStdout.stdout, 'hello from the cli\n');
    const info = await fdfs(['info', ...t, '--json', shape.fileId]);
    assert.equal(info.code, 0, info.stderr);
    const i = JSON.parse(info.stdout) as Record<string, unknown>;
    assert.equal(i['fileSize'], 19);
    assert.equal(i['kind'], 'normal');
    assert.equal(i['groupName'], 'group1');
    assert.equal(typeof i['crc32'], 'number');
    assert.equal(typeof i['createTime'], 'string');
    const human = await fdfs(['info', ...t, shape.fileId]);
    assert.match(human.stdout, /size: +19\n/);
    const kept = (await fdfs(['upload', ...t, src])).stdout.trim();
    const up2 = (): string => kept;
    assert.equal((await fdfs(['delete', ...t, shape.fileId])).code, 0);
    const gone = await fdfs(['download', ...t, shape.fileId, out]);
    assert.equal(gone.code, Errno.ENOENT);
    assert.equal(gone.stderr.trim().split('\n').length, 1, 'one line');
    assert.match(gone.stderr, /^fdfs download: .*ENOENT/);
    assert.doesNotMatch(gone.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(existsSync(out), false, 'a failed download leaves no file');
    const intoDir = await fdfs(['download', ...t, up2(), dir]);
    assert.equal(intoDir.code, 0, intoDir.stderr);
    const badDest = await fdfs(['download', ...t, up2(), join(dir, 'no', 'such', 'dir')]);
    assert.equal(badDest.code, Errno.ENOENT);
    assert.match(badDest.stderr, /^fdfs download: ENOENT/);
    assert.doesNotMatch(badDest.stderr, /\n\s+at /);
    const verbose = await fdfs(['delete', ...t, '--verbose', shape.fileId]);
    assert.equal(verbose.code, Errno.ENOENT);
    assert.match(verbose.stderr, /\n\s+at /, '--verbose prints the stack');
  });

  test('a 5 MB transfer through a pipe: no progress bar, the same bytes back', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024, 'big file ');
    const src = join(dir, 'big.bin');
    await writeFile(src, big);
    const up = await fdfs(['upload', ...t, src]);
    assert.equal(up.code, 0, up.stderr);
    assert.equal(up.stderr, '', 'nothing drawn when stderr is not a terminal');
    const out = join(dir, 'big-back.bin');
    const down = await fdfs(['download', ...t, up.stdout.trim(), out]);
    assert.equal(down.stderr, '');
    assert.ok((await readFile(out)).equals(big));
  });

  test('meta set / get --json, --merge', async () => {
    const src = join(dir, 'm.bin');
    await writeFile(src, 'm');
    const id = (await fdfs(['upload', ...t, src])).stdout.trim();
    assert.equal((await fdfs(['meta', 'set', ...t, id, 'w=1', 'h=2'])).code, 0);
    assert.equal((await fdfs(['meta', 'set', ...t, '--merge', id, 'h=3'])).code, 0);
    const got = await fdfs(['meta', 'get', ...t, '--json', id]);
    assert.deepEqual(JSON.parse(got.stdout), { w: '1', h: '3' });
    const lines = await fdfs(['meta', 'get', ...t, id]);
    assert.deepEqual(lines.stdout.trim().split('\n').sort(), ['h=3', 'w=1']);
    assert.equal((await fdfs(['meta', 'set', ...t, id, 'novalue'])).code, Errno.EINVAL);
  });

  test('upload --appender, append, modify, truncate', async () => {
    const a = join(dir, 'a.log');
    const b = join(dir, 'b.log');
    await writeFile(a, 'abc');
    await writeFile(b, 'XY');
    const id = (await fdfs(['upload', ...t, '--appender', a])).stdout.trim();
    assert.equal((await fdfs(['append', ...t, id, b])).code, 0);
    assert.equal((await fdfs(['modify', ...t, id, '1', b])).code, 0);
    assert.equal((await fdfs(['download', ...t, id, '-'])).stdout, 'aXYXY');
    assert.equal((await fdfs(['truncate', ...t, id, '2'])).code, 0);
    assert.equal((await fdfs(['download', ...t, id, '-'])).stdout, 'aX');
    assert.equal((await fdfs(['truncate', ...t, id, 'big'])).code, Errno.EINVAL);
  });

  test('monitor --json shows the tracker role, groups and storages; bench --json', async () => {
    const mon = await fdfs(['monitor', ...t, '--json']);
    assert.equal(mon.code, 0, mon.stderr);
    const view = JSON.parse(mon.stdout) as {
      trackers: { tracker: string; role: string }[];
      groups: { groupName: string; storages: { statusName: string; storagePort: number }[] }[];
    };
    assert.deepEqual(
      view.trackers.map((x) => [x.tracker, x.role]),
      [[`${HOST}:${nodes.trackerPort}`, 'leader']],
    );
    assert.equal(view.groups[0]!.groupName, 'group1');
    assert.equal(view.groups[0]!.storages[0]!.statusName, 'ACTIVE');
    assert.equal(view.groups[0]!.storages[0]!.storagePort, nodes.storagePort);
    const text = await fdfs(['monitor', ...t]);
    assert.match(text.stdout, /leader/);
    const bench = await fdfs(['bench', ...t, '--json', '-n', '20', '-s', '1000', '-C', '4']);
    assert.equal(bench.code, 0, bench.stderr);
    const b = JSON.parse(bench.stdout) as {
      count: number;
      results: { phase: string; ops: number; opsPerSecond: number }[];
    };
    assert.equal(b.count, 20);
    assert.deepEqual(
      b.results.map((r) => [r.phase, r.ops]),
      [
        ['upload', 20],
        ['download', 20],
        ['delete', 20],
      ],
    );
    assert.ok(b.results.every((r) => r.opsPerSecond > 0));
  });

  test('configuration from -c, from FDFS_CLIENT_CONF and from ./data/client.conf', async () => {
    const conf = join(dir, 'client.conf');
    await writeFile(conf, `base_path = ${dir}\ntracker_server = ${HOST}:${nodes.trackerPort}\n`);
    assert.equal((await fdfs(['monitor', '-c', conf])).code, 0);
    assert.equal((await fdfs(['monitor'], { FDFS_CLIENT_CONF: conf })).code, 0);
    const cwd = await mkdtemp(join(dir, 'cwd-'));
    const none = await fdfs(['monitor'], {}, cwd);
    assert.equal(none.code, Errno.EINVAL);
    assert.match(none.stderr, /no client configuration/);
    await import('node:fs/promises').then((fs) => fs.mkdir(join(cwd, 'data')));
    await writeFile(join(cwd, 'data', 'client.conf'), await readFile(conf));
    assert.equal((await fdfs(['monitor'], {}, cwd)).code, 0);
  });

  test('bad input exits EINVAL: bad file id, missing file, unknown option, bad tracker', async () => {
    const badId = await fdfs(['info', ...t, 'nogroup']);
    assert.equal(badId.code, Errno.EINVAL);
    assert.equal(badId.stderr.trim().split('\n').length, 1);
    assert.equal((await fdfs(['upload', ...t, join(dir, 'missing')])).code, Errno.EINVAL);
    assert.equal((await fdfs(['upload', ...t, '--bogus', 'x'])).code, Errno.EINVAL);
    assert.equal((await fdfs(['upload'])).code, Errno.EINVAL, 'missing argument');
    assert.equal((await fdfs(['monitor', '--tracker', 'nohost'])).code, Errno.EINVAL);
    assert.equal((await fdfs(['--help'])).code, 0);
  });
});
