import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FdfsError } from '../errors.js';
import { loadStorageIds, parseStorageIds } from './storage-ids.js';

const file = 'storage_ids.conf';

function parse(text: string) {
  return parseStorageIds(text, { file });
}

function assertConfigError(text: string, message: RegExp): void {
  assert.throws(
    () => parse(text),
    (err: unknown) => {
      assert.ok(err instanceof FdfsError);
      assert.equal(err.code, 'ERR_CONFIG');
      assert.match(err.message, message);
      return true;
    },
  );
}

test('entries, comments, default port and rw modes', () => {
  const text = [
    '# <id>  <group_name>  <ip_or_hostname[:port]> [options]',
    '',
    '100002\tgroup1\t192.168.0.197',
    '100001   group1  192.168.0.196   rw=both',
    '100003 group2 storage3.example.com rw=read',
    '100004 group2 10.0.0.4 rw=readonly',
    '100005 group2 10.0.0.5 rw=write',
    '100006 group2 10.0.0.6 rw=writeonly',
    '100007 group2 10.0.0.7 rw=NONE',
    '100008 group2 10.0.0.8 rw=all',
  ].join('\n');
  const entries = parse(text);
  assert.deepEqual(
    entries.map((e) => [e.id, e.groupName, e.ips.join(','), e.port, e.portGiven, e.rwMode, e.line]),
    [
      ['100001', 'group1', '192.168.0.196', 23000, false, 6, 4],
      ['100002', 'group1', '192.168.0.197', 23000, false, 6, 3],
      ['100003', 'group2', 'storage3.example.com', 23000, false, 4, 5],
      ['100004', 'group2', '10.0.0.4', 23000, false, 4, 6],
      ['100005', 'group2', '10.0.0.5', 23000, false, 2, 7],
      ['100006', 'group2', '10.0.0.6', 23000, false, 2, 8],
      ['100007', 'group2', '10.0.0.7', 23000, false, 0, 9],
      ['100008', 'group2', '10.0.0.8', 23000, false, 6, 10],
    ],
  );
});

test('entries are sorted by id as strings, like FastDFS', () => {
  const ids = parse('9 g 10.0.0.9\n10 g 10.0.0.10\n100001 g 10.0.0.1\n').map((e) => e.id);
  assert.deepEqual(ids, ['10', '100001', '9']);
});

test('dual addresses are normalised inner first; same-class pairs are refused (§9.10)', () => {
  const [a, b, c] = parse(
    [
      '100004 group2 10.0.0.26,192.168.0.26:23300 rw=read',
      '100005 group2 122.244.141.46,192.168.2.100:23300',
      '100006 group2 [2409:8a20:42d:2f40:587a:4c47:72c0:ad8e,fe80::1ee9:90a8:1351:436c]:23300',
    ].join('\n'),
  );
  assert.deepEqual(a!.ips, ['10.0.0.26', '192.168.0.26']);
  assert.deepEqual(b!.ips, ['192.168.2.100', '122.244.141.46']);
  assert.deepEqual(c!.ips, ['2409:8a20:42d:2f40:587a:4c47:72c0:ad8e', 'fe80::1ee9:90a8:1351:436c']);
  assertConfigError(
    '1 g 192.168.0.1,192.168.0.2\n',
    /^storage_ids\.conf:1: host = "192\.168\.0\.1,192\.168\.0\.2": expected two addresses of different classes/,
  );
});

test('ports: [v6]:port, and either every line has a port or none does', () => {
  const [v6] = parse('100003 group1 [2409:8a20:42d:2f40:587a:4c47:72c0:ad8e]:23001\n');
  assert.deepEqual(v6!.ips, ['2409:8a20:42d:2f40:587a:4c47:72c0:ad8e']);
  assert.equal(v6!.port, 23001);
  assertConfigError(
    '1 g 10.0.0.1:23000\n2 g 10.0.0.2\n',
    /^storage_ids\.conf:2: either every line gives a port or none does \(line 1 has port\)$/,
  );
  assertConfigError('1 g 10.0.0.1:0\n', /storage_ids\.conf:1: host = "10\.0\.0\.1:0": expected/);
  assertConfigError('1 g 10.0.0.1:100002\n', /:1: host = .*port from 1 to 65535/);
  // Two instances on one host differ by port (§16 #13).
  assert.equal(parse('1 g 10.0.0.1:23000\n2 g 10.0.0.1:23001\n').length, 2);
});

test('duplicate ids and duplicate (ip, port) pairs are refused', () => {
  assertConfigError(
    '100001 g 10.0.0.1\n100001 g 10.0.0.2\n',
    /^storage_ids\.conf:2: id = "100001": expected a unique id \(also on line 1\)$/,
  );
  assertConfigError(
    '1 g 10.0.0.1:23000\n2 g 10.0.0.1:23000\n',
    /^storage_ids\.conf:2: host = "10\.0\.0\.1:23000": expected a unique address and port \(also on line 1\)$/,
  );
  assertConfigError(
    '1 g 10.0.0.1,8.8.8.8\n2 h 8.8.8.8\n',
    /:2: host = "8\.8\.8\.8:23000": expected a unique/,
  );
});

test('bad ids, groups, options and short lines name the line and the field', () => {
  assertConfigError(
    '0100001 g 10.0.0.1\n',
    /:1: id = "0100001": expected a number from 1 to 16777215/,
  );
  assertConfigError('0 g 10.0.0.1\n', /:1: id = "0": expected/);
  assertConfigError('16777216 g 10.0.0.1\n', /:1: id = "16777216": expected/);
  assertConfigError('abc g 10.0.0.1\n', /:1: id = "abc": expected/);
  assertConfigError('\n1 group_1 10.0.0.1\n', /:2: group_name = "group_1": expected a group name/);
  assertConfigError('1 g 10.0.0.1 rw=maybe\n', /:1: rw = "maybe": expected one of both, all, read/);
  assertConfigError('1 g 10.0.0.1 weight=3\n', /:1: option = "weight=3": expected rw=/);
  assertConfigError(
    '1 g\n',
    /^storage_ids\.conf:1: expected "<id> <group_name> <host>\[:port\] \[rw=<mode>\]"$/,
  );
});

test('loadStorageIds reads the file; a missing file is ERR_CONFIG', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fdfs-ids-'));
  try {
    const path = join(dir, 'storage_ids.conf');
    await writeFile(path, '100001 group1 10.0.0.1\n');
    const entries = await loadStorageIds(path);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.id, '100001');
    await assert.rejects(
      loadStorageIds(join(dir, 'missing.conf')),
      /missing\.conf: cannot read \(ENOENT\)/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
