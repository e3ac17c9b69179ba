import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FdfsError } from '../errors.js';
import { parseAllowHosts } from './allow-hosts.js';

test('"*" or an empty list allows everyone', () => {
  for (const list of [['*'], [], ['10.0.0.1', '*']]) {
    const allowed = parseAllowHosts(list);
    assert.equal(allowed('1.2.3.4'), true);
    assert.equal(allowed('::1'), true);
  }
});

test('exact addresses, IPv4 and IPv6', () => {
  const allowed = parseAllowHosts(['192.168.0.196', '2409:8a20::1']);
  assert.equal(allowed('192.168.0.196'), true);
  assert.equal(allowed('192.168.0.197'), false);
  assert.equal(allowed('2409:8a20:0:0::1'), true);
  assert.equal(allowed('::1'), false);
  assert.equal(allowed('not an ip'), false);
});

test('IPv4 peers seen on a dual-stack socket (::ffff:a.b.c.d) match IPv4 patterns', () => {
  const allowed = parseAllowHosts(['127.0.0.0/8']);
  assert.equal(allowed('::ffff:127.0.0.12'), true);
  assert.equal(allowed('::ffff:10.0.0.1'), false);
});

test('CIDR blocks', () => {
  const allowed = parseAllowHosts(['10.0.0.0/8', '192.168.5.64/26', 'fd00::/8']);
  assert.equal(allowed('10.255.1.2'), true);
  assert.equal(allowed('11.0.0.1'), false);
  assert.equal(allowed('192.168.5.64'), true);
  assert.equal(allowed('192.168.5.127'), true);
  assert.equal(allowed('192.168.5.128'), false);
  assert.equal(allowed('192.168.5.63'), false);
  assert.equal(allowed('fd12::3'), true);
  assert.equal(allowed('fe80::1'), false);
});

test('bracket ranges such as 10.0.1.[1-15,20], several groups allowed', () => {
  const allowed = parseAllowHosts(['10.0.1.[1-15,20]', '172.16.[1-2].[8-9]']);
  for (const ip of ['10.0.1.1', '10.0.1.15', '10.0.1.20', '172.16.1.8', '172.16.2.9']) {
    assert.equal(allowed(ip), true, ip);
  }
  for (const ip of ['10.0.1.0', '10.0.1.16', '10.0.1.19', '10.0.1.21', '172.16.3.8']) {
    assert.equal(allowed(ip), false, ip);
  }
});

test('bad patterns are ERR_CONFIG naming the file and line when given', () => {
  const bad = [
    'host[01-08].domain.com',
    'example.com',
    '10.0.0.0/33',
    '10.0.1.[15-1]',
    '10.0.1.[1-300]',
    '10.0.1.[a]',
    '10.0.[0-255].[0-255].[0-255]',
  ];
  for (const pattern of bad) {
    assert.throws(
      () => parseAllowHosts([pattern], [{ file: 's.conf', line: 9, key: 'allow_hosts' }]),
      (err: unknown) => {
        assert.ok(err instanceof FdfsError);
        assert.equal(err.code, 'ERR_CONFIG');
        assert.ok(
          err.message.startsWith(`s.conf:9: allow_hosts = "${pattern}": expected an IP address`),
          err.message,
        );
        return true;
      },
      pattern,
    );
  }
});
