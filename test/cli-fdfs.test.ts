import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_PATH, REPO_ROOT } from './support/paths.js';

const version = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

test('fdfs --version prints our version and the emulated FastDFS release', () => {
  const out = execFileSync(process.execPath, [CLI_PATH, '--version'], { encoding: 'utf8' });
  assert.match(
    out,
    new RegExp(
      `^${version.replace(/\./g, '\\.')} \\(wire-compatible with FastDFS 6\\.16\\.1\\)\\n$`,
    ),
  );
});

test('fdfs --help lists the subcommands', () => {
  const out = execFileSync(process.execPath, [CLI_PATH, '--help'], { encoding: 'utf8' });
  assert.match(out, /Usage: fdfs/);
  assert.match(out, /dev/);
});

test('the package entry loads and exports the codec', async () => {
  const api = (await import(join(REPO_ROOT, 'dist', 'index.js'))) as Record<string, unknown>;
  assert.equal(typeof api.FrameDecoder, 'function');
  assert.equal(typeof api.FdfsError, 'function');
});
