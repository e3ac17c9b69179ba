import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FdfsError } from '../errors.js';
import { loadHttpConfig, parseHttpConfig } from './http-config.js';

const source = { file: '/etc/fdfs/http.conf' };

function assertConfigError(text: string, message: string | RegExp): void {
  assert.throws(
    () => parseHttpConfig(text, source),
    (err: unknown) => {
      assert.ok(err instanceof FdfsError);
      assert.equal(err.code, 'ERR_CONFIG');
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      return true;
    },
  );
}

test('defaults of §10.5', () => {
  const c = parseHttpConfig('', source);
  assert.equal(c.defaultContentType, '');
  assert.equal(c.mimeTypesFilename, undefined);
  assert.deepEqual(c.antiSteal, {
    checkToken: false,
    tokenTtl: 600,
    secretKey: '',
    tokenCheckFail: '',
  });
  assert.equal(c.multiRangeEnabled, true);
  assert.deepEqual(c.warnings, []);
});

test('the FastDFS sample values', () => {
  const text = [
    'http.default_content_type = application/octet-stream',
    'http.mime_types_filename = mime.types',
    'http.anti_steal.check_token = false',
    'http.anti_steal.token_ttl = 900',
    'http.anti_steal.secret_key = FastDFS1234567890',
    'http.anti_steal.token_check_fail = /home/yuqing/fastdfs/conf/anti-steal.jpg',
    'http.multi_range.enabled = true',
  ].join('\n');
  const c = parseHttpConfig(text, source);
  assert.equal(c.defaultContentType, 'application/octet-stream');
  assert.equal(c.mimeTypesFilename, '/etc/fdfs/mime.types');
  assert.equal(c.antiSteal.tokenTtl, 900);
  assert.equal(c.antiSteal.secretKey, 'FastDFS1234567890');
  assert.equal(c.antiSteal.tokenCheckFail, '/home/yuqing/fastdfs/conf/anti-steal.jpg');
  assert.deepEqual(c.warnings, []);
});

test('tokens need a secret key of at most 128 bytes', () => {
  assertConfigError(
    'http.anti_steal.check_token = true\n',
    '/etc/fdfs/http.conf: missing required key "http.anti_steal.secret_key" (http.anti_steal.check_token is true)',
  );
  const long = 'k'.repeat(129);
  assertConfigError(
    `http.anti_steal.secret_key = ${long}\n`,
    `/etc/fdfs/http.conf:1: http.anti_steal.secret_key = "${long}": expected at most 128 bytes`,
  );
  assertConfigError(
    'http.anti_steal.token_ttl = soon\n',
    /:1: http\.anti_steal\.token_ttl = "soon": expected an integer/,
  );
  assertConfigError(
    'http.multi_range.enabled = 2\n',
    /:1: http\.multi_range\.enabled = "2": expected a boolean/,
  );
});

test('loadHttpConfig reads from disk; unknown keys warn', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-http-'));
  try {
    await writeFile(join(dir, 'http.conf'), 'http.anti_steal.token_ttl = 30\nhttp.nope = 1\n');
    const c = await loadHttpConfig(join(dir, 'http.conf'));
    assert.equal(c.antiSteal.tokenTtl, 30);
    assert.deepEqual(c.warnings, [`${join(dir, 'http.conf')}:2: unknown key "http.nope"`]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
