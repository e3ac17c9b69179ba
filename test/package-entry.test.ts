// The package's main entry ("." export, dist/index.js) carries the public API: what a user gets from
// `import ... from 'fastdfs-ts'`, and every bin entry points at a built file with a shebang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIST_DIR, REPO_ROOT } from './support/paths.js';

test('the package entry exports the servers, the clients and the codecs', async () => {
  const entry = (await import(join(DIST_DIR, 'index.js'))) as Record<string, unknown>;
  for (const name of [
    'TrackerServer',
    'StorageServer',
    'TrackerClient',
    'StorageClient',
    'decodeFileId',
    'parseFileId',
    'formatFileId',
    'loadTrackerConfig',
    'loadStorageConfig',
    'loadClientConfig',
    'loadStorageIds',
    'loadHttpConfig',
    'FrameDecoder',
  ]) {
    assert.equal(typeof entry[name], 'function', `${name} is exported`);
  }
});

test('every bin entry is a built script with a node shebang', async () => {
  const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
  };
  for (const required of ['fdfs', 'fdfs_trackerd', 'fdfs_storaged']) {
    assert.ok(pkg.bin[required], `bin ${required}`);
  }
  for (const [name, path] of Object.entries(pkg.bin)) {
    const text = await readFile(join(REPO_ROOT, path), 'utf8');
    assert.ok(text.startsWith('#!/usr/bin/env node'), `${name} (${path}) starts with a shebang`);
  }
});
