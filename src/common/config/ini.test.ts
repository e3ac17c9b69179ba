import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FdfsError } from '../errors.js';
import { loadIni, parseIni, type IniDocument } from './ini.js';

function pairs(doc: IniDocument): string[] {
  return doc.entries.map((e) => `${e.key}=${e.value}@${e.line}`);
}

function assertConfigError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof FdfsError);
    assert.equal(err.code, 'ERR_CONFIG');
    assert.match(err.message, message);
    return true;
  });
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-ini-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('key = value lines, comments, blank lines and whitespace', () => {
  const text = [
    '# a comment',
    '',
    'port=22122',
    '  bind_addr =   ',
    'base_path = /opt/fastdfs   \t',
    'url = http://x/?a=b#frag',
    '\tname\t=\tvalue with spaces  ',
  ].join('\n');
  const doc = parseIni(text, { file: 't.conf', baseDir: '/' });
  assert.deepEqual(pairs(doc), [
    'port=22122@3',
    'bind_addr=@4',
    'base_path=/opt/fastdfs@5',
    'url=http://x/?a=b#frag@6',
    'name=value with spaces@7',
  ]);
  assert.equal(doc.entries[0]!.file, 't.conf');
  assert.deepEqual(doc.warnings, []);
});

test('CRLF line ends and a UTF-8 BOM are accepted', () => {
  const doc = parseIni('\uFEFFa = 1\r\nb = 2\r\n', { file: 't.conf', baseDir: '/' });
  assert.deepEqual(pairs(doc), ['a=1@1', 'b=2@2']);
});

test('repeated keys are all kept, in order', () => {
  const doc = parseIni('tracker_server = a:1\nx = 1\ntracker_server = b:2\n', {
    file: 't.conf',
    baseDir: '/',
  });
  assert.deepEqual(
    doc.entries.filter((e) => e.key === 'tracker_server').map((e) => e.value),
    ['a:1', 'b:2'],
  );
});

test('[section] headers prefix the keys that follow', () => {
  const text = 'a = 1\n[error-log]\n# c\nlog_file_keep_days = 3\n[ access-log ]\nenabled = true\n';
  const doc = parseIni(text, { file: 't.conf', baseDir: '/' });
  assert.deepEqual(pairs(doc), [
    'a=1@1',
    'error-log.log_file_keep_days=3@4',
    'access-log.enabled=true@6',
  ]);
  assertConfigError(
    () => parseIni('[]\n', { file: 't.conf', baseDir: '/' }),
    /t\.conf:1: empty section/,
  );
});

test('lines without "=" and unsupported #@ directives are warnings naming file:line', () => {
  const doc = parseIni('just words\n= value\n#@set X = 1\nok = 1\n', {
    file: 't.conf',
    baseDir: '/',
  });
  assert.deepEqual(pairs(doc), ['ok=1@4']);
  assert.equal(doc.warnings.length, 3);
  assert.match(doc.warnings[0]!, /^t\.conf:1: /);
  assert.match(doc.warnings[1]!, /^t\.conf:2: /);
  assert.match(doc.warnings[2]!, /^t\.conf:3: directive/);
});

test('#include reads relative to the including file, keeps each line file and number', () => {
  const files = new Map([
    ['/etc/fdfs/http.conf', 'http.a = 1\n#include sub/more.conf\n'],
    ['/etc/fdfs/sub/more.conf', '\nmore = 2\n'],
  ]);
  const read = (p: string) => {
    const text = files.get(p);
    if (text === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    return text;
  };
  const doc = parseIni('x = 0\n#include http.conf\n##include nothing.conf\ny = 3\n', {
    file: '/etc/fdfs/client.conf',
    readInclude: read,
  });
  assert.deepEqual(
    doc.entries.map((e) => `${e.file}:${e.line}:${e.key}`),
    [
      '/etc/fdfs/client.conf:1:x',
      '/etc/fdfs/http.conf:1:http.a',
      '/etc/fdfs/sub/more.conf:2:more',
      '/etc/fdfs/client.conf:4:y',
    ],
  );
  assertConfigError(
    () => parseIni('#include missing.conf\n', { file: '/etc/fdfs/c.conf', readInclude: read }),
    /^\/etc\/fdfs\/c\.conf:1: #include missing\.conf: cannot read \(ENOENT\)$/,
  );
  assertConfigError(
    () => parseIni('#include\n', { file: '/etc/fdfs/c.conf', readInclude: read }),
    /c\.conf:1: #include without a file name/,
  );
});

test('an included file starts in the includer section and does not leak its own', () => {
  const read = () => '[inner]\nk = 1\n';
  const doc = parseIni('[outer]\na = 1\n#include x.conf\nb = 2\n', {
    file: '/c/t.conf',
    readInclude: read,
  });
  assert.deepEqual(pairs(doc), ['outer.a=1@2', 'inner.k=1@2', 'outer.b=2@4']);
});

test('include cycles are errors', () => {
  const files = new Map([
    ['/c/a.conf', '#include b.conf\n'],
    ['/c/b.conf', 'k = 1\n#include a.conf\n'],
  ]);
  assertConfigError(
    () =>
      parseIni(files.get('/c/a.conf')!, { file: '/c/a.conf', readInclude: (p) => files.get(p)! }),
    /^\/c\/b\.conf:2: #include a\.conf: cycle \(\/c\/a\.conf -> \/c\/b\.conf -> \/c\/a\.conf\)$/,
  );
  assertConfigError(
    () => parseIni('#include self.conf\n', { file: '/c/self.conf', readInclude: () => '' }),
    /cycle/,
  );
});

test('includes nested deeper than 8 levels are errors; 8 levels are fine', () => {
  const chain = (levels: number) => (p: string) => {
    const n = Number(/(\d+)\.conf$/.exec(p)![1]);
    return n < levels ? `k${n} = ${n}\n#include ${n + 1}.conf\n` : `k${n} = ${n}\n`;
  };
  const ok = parseIni('#include 1.conf\n', { file: '/d/0.conf', readInclude: chain(8) });
  assert.equal(ok.entries.length, 8);
  assertConfigError(
    () => parseIni('#include 1.conf\n', { file: '/d/0.conf', readInclude: chain(9) }),
    /^\/d\/8\.conf:2: #include 9\.conf: nested more than 8 levels deep$/,
  );
});

test('loadIni reads includes from disk with fs/promises, relative to each file', async () => {
  await withTempDir(async (dir) => {
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'main.conf'), 'a = 1\n#include sub/inc.conf\nb = 2\n');
    await writeFile(join(dir, 'sub', 'inc.conf'), 'c = 3\n#include leaf.conf\n');
    await writeFile(join(dir, 'sub', 'leaf.conf'), 'd = 4\n');
    const doc = await loadIni(join(dir, 'main.conf'));
    assert.deepEqual(
      doc.entries.map((e) => e.key),
      ['a', 'c', 'd', 'b'],
    );
    assert.equal(doc.entries[2]!.file, join(dir, 'sub', 'leaf.conf'));
    assert.equal(doc.baseDir, dir);
  });
});

test('loadIni reports cycles, missing includes and a missing file', async () => {
  await withTempDir(async (dir) => {
    await writeFile(join(dir, 'a.conf'), '#include b.conf\n');
    await writeFile(join(dir, 'b.conf'), '#include a.conf\n');
    await writeFile(join(dir, 'c.conf'), 'x = 1\n#include nowhere.conf\n');
    await assert.rejects(loadIni(join(dir, 'a.conf')), /b\.conf:1: #include a\.conf: cycle/);
    await assert.rejects(
      loadIni(join(dir, 'c.conf')),
      /c\.conf:2: #include nowhere\.conf: cannot read \(ENOENT\)/,
    );
    await assert.rejects(loadIni(join(dir, 'none.conf')), (err: unknown) => {
      assert.ok(err instanceof FdfsError);
      assert.equal(err.code, 'ERR_CONFIG');
      assert.match(err.message, /none\.conf: cannot read \(ENOENT\)/);
      return true;
    });
  });
});
