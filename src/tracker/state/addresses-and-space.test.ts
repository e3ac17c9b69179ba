import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressFor, ipClass } from '../../common/ip-class.js';
import { groupHasSpace, pathHasSpace, pathReserveMb, reservedMbOf } from './reserved-space.js';

test('IP classes of §9.10', () => {
  assert.equal(ipClass('10.1.2.3'), 1);
  assert.equal(ipClass('172.16.0.1'), 2);
  assert.equal(ipClass('172.31.255.1'), 2);
  assert.equal(ipClass('172.32.0.1'), 4);
  assert.equal(ipClass('172.15.0.1'), 4);
  assert.equal(ipClass('192.168.1.1'), 3);
  assert.equal(ipClass('192.169.1.1'), 4);
  assert.equal(ipClass('8.8.8.8'), 0, 'shorter than 8 characters');
  assert.equal(ipClass(''), 0);
});

test('the outer address only for a requester of its class', () => {
  const ips = ['10.0.0.5', '192.168.0.5'];
  assert.equal(addressFor(ips, '192.168.9.9'), '192.168.0.5');
  assert.equal(addressFor(ips, '10.9.9.9'), '10.0.0.5');
  assert.equal(addressFor(ips), '10.0.0.5');
  assert.equal(addressFor(['127.0.0.1'], '127.0.0.2'), '127.0.0.1');
  assert.equal(addressFor([]), '');
});

test('reserved space checks (§9.6)', () => {
  const mb = { kind: 'mb', mb: 300 } as const;
  const ratio = { kind: 'ratio', ratio: 0.2 } as const;
  assert.equal(groupHasSpace(mb, 0, 301), true);
  assert.equal(groupHasSpace(mb, 1000, 300), false);
  assert.equal(groupHasSpace(ratio, 0, 0), false);
  assert.equal(groupHasSpace(ratio, 1000, 201), true);
  assert.equal(groupHasSpace(ratio, 1000, 200), false);
  assert.equal(pathReserveMb(mb, 3), 100);
  assert.equal(pathReserveMb(mb, 7), 42);
  assert.equal(pathReserveMb(ratio, 3), 0);
  assert.equal(pathHasSpace(mb, 0, 101, 100), true);
  assert.equal(pathHasSpace(mb, 0, 100, 100), false);
  assert.equal(pathHasSpace(ratio, 0, 100, 0), false);
  assert.equal(reservedMbOf(mb, 5000), 300);
  assert.equal(reservedMbOf(ratio, 1234), 246);
});
