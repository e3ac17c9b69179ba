import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FdfsError } from '../errors.js';
import {
  formatHostPort,
  formatTimeOfDay,
  parseBool,
  parseByteSize,
  parseEnum,
  parseGroupName,
  parseHostPort,
  parseInteger,
  parsePercent,
  parseReservedSpace,
  parseServerId,
  parseTimeOfDay,
  parseTrackerAddress,
  type ValueSite,
} from './values.js';
import { IpClass, ipClass, orderDualAddresses } from '../ip-class.js';

const site: ValueSite = { file: 'x.conf', line: 7, key: 'some_key' };

/** Asserts ERR_CONFIG with the `<file>:<line>: <key> = "<value>": expected <what>` message. */
function assertBad(fn: () => unknown, value: string, expected: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof FdfsError);
    assert.equal(err.code, 'ERR_CONFIG');
    const prefix = `x.conf:7: some_key = "${value}": expected `;
    assert.ok(err.message.startsWith(prefix), err.message);
    assert.match(err.message.slice(prefix.length), expected);
    return true;
  });
}

test('parseBool accepts the FastDFS words in any case', () => {
  for (const v of ['true', 'TRUE', 'yes', 'Yes', 'on', 'ON', '1'])
    assert.equal(parseBool(v, site), true);
  for (const v of ['false', 'False', 'no', 'NO', 'off', 'Off', '0']) {
    assert.equal(parseBool(v, site), false);
  }
  for (const v of ['2', 'y', 'enable', 'truee', '']) assert.throws(() => parseBool(v, site));
  assertBad(() => parseBool('maybe', site), 'maybe', /^a boolean/);
});

test('parseInteger checks syntax and range', () => {
  assert.equal(parseInteger('42', site), 42);
  assert.equal(parseInteger('-3', site), -3);
  assert.equal(parseInteger('+5', site), 5);
  assert.equal(parseInteger('0', site, { min: 0, max: 1 }), 0);
  assertBad(() => parseInteger('4.5', site), '4.5', /^an integer$/);
  assertBad(() => parseInteger('12abc', site), '12abc', /^an integer$/);
  assertBad(() => parseInteger('70000', site, { min: 1, max: 65535 }), '70000', /from 1 to 65535/);
  assertBad(() => parseInteger('0', site, { min: 1 }), '0', /an integer >= 1/);
  assertBad(() => parseInteger('99999999999999999999', site), '99999999999999999999', /integer/);
});

test('parseByteSize understands K/M/G/T with or without B, any case', () => {
  const cases: [string, number][] = [
    ['1024', 1024],
    ['0', 0],
    ['256KB', 256 * 1024],
    ['256kb', 256 * 1024],
    ['8K', 8192],
    ['64MB', 64 * 1024 ** 2],
    ['64m', 64 * 1024 ** 2],
    ['4GB', 4 * 1024 ** 3],
    ['20G', 21474836480],
    ['1T', 1024 ** 4],
    ['2tb', 2 * 1024 ** 4],
    ['100B', 100],
    ['3 MB', 3 * 1024 ** 2],
  ];
  for (const [text, bytes] of cases) assert.equal(parseByteSize(text, site), bytes, text);
  for (const bad of ['', 'KB', '1.5GB', '-1', '10PB', '12 K B', '1e3']) {
    assertBad(() => parseByteSize(bad, site), bad, /^a byte size/);
  }
  assertBad(() => parseByteSize('1KB', site, { min: 4096 }), '1KB', />= 4096/);
});

test('parseByteSize: every value written with a unit reads back as value × unit', () => {
  const units: [string, number][] = [
    ['', 1],
    ['K', 1024],
    ['KB', 1024],
    ['m', 1024 ** 2],
    ['Gb', 1024 ** 3],
  ];
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 4096 }), fc.constantFrom(...units), (n, [u, mul]) => {
      assert.equal(parseByteSize(`${n}${u}`, site), n * mul);
    }),
    { numRuns: 300 },
  );
});

test('parsePercent returns a fraction', () => {
  assert.equal(parsePercent('20%', site), 0.2);
  assert.equal(parsePercent('10.5%', site), 0.105);
  assert.equal(parsePercent('0%', site), 0);
  assert.equal(parsePercent('100%', site), 1);
  for (const bad of ['20', '%', '-5%', '101%', 'abc%', '1.%']) {
    assertBad(() => parsePercent(bad, site), bad, /^a percentage/);
  }
});

test('parseReservedSpace: MB (cut to whole MB) or a ratio strictly inside 0..100 (§9.6)', () => {
  assert.deepEqual(parseReservedSpace('10%', site), { kind: 'ratio', ratio: 0.1 });
  assert.deepEqual(parseReservedSpace('12.5%', site), { kind: 'ratio', ratio: 0.125 });
  assert.deepEqual(parseReservedSpace('100MB', site), { kind: 'mb', mb: 100 });
  assert.deepEqual(parseReservedSpace('4G', site), { kind: 'mb', mb: 4096 });
  assert.deepEqual(parseReservedSpace('2g', site), { kind: 'mb', mb: 2048 });
  assert.deepEqual(parseReservedSpace('1536K', site), { kind: 'mb', mb: 1 });
  assert.deepEqual(parseReservedSpace('1048576', site), { kind: 'mb', mb: 1 });
  for (const bad of ['0%', '100%', '150%', 'lots', '-1G', '']) {
    assertBad(() => parseReservedSpace(bad, site), bad, /100MB or 4GB, or a percentage/);
  }
});

test('parseTimeOfDay reads HH:MM', () => {
  assert.deepEqual(parseTimeOfDay('02:00', site), { hour: 2, minute: 0 });
  assert.deepEqual(parseTimeOfDay('23:59', site), { hour: 23, minute: 59 });
  assert.deepEqual(parseTimeOfDay('1:5', site), { hour: 1, minute: 5 });
  assert.equal(formatTimeOfDay({ hour: 1, minute: 5 }), '01:05');
  for (const bad of ['24:00', '12:60', '1230', '12:3a', ':30', '12:30:00']) {
    assertBad(() => parseTimeOfDay(bad, site), bad, /^a time of day HH:MM/);
  }
});

test('parseEnum matches case-insensitively and lists the choices', () => {
  const choices = { auto: 'auto', IPv4: 'IPv4', IPv6: 'IPv6' } as const;
  assert.equal(parseEnum('ipv6', site, choices), 'IPv6');
  assert.equal(parseEnum('AUTO', site, choices), 'auto');
  assertBad(() => parseEnum('both', site, choices), 'both', /^one of auto, IPv4, IPv6$/);
});

test('parseHostPort: host:port, dual addresses and bracketed IPv6', () => {
  assert.deepEqual(parseHostPort('192.168.0.196:22122', 1, site), {
    hosts: ['192.168.0.196'],
    port: 22122,
    portGiven: true,
  });
  assert.deepEqual(parseHostPort('tracker.example.com', 22122, site), {
    hosts: ['tracker.example.com'],
    port: 22122,
    portGiven: false,
  });
  assert.deepEqual(parseHostPort('[fe80::1]:23000', 1, site).hosts, ['fe80::1']);
  assert.deepEqual(parseHostPort('[::1]', 9, site).port, 9);
  // An outer address first is moved behind the inner one (§9.10).
  assert.deepEqual(parseHostPort('122.244.141.46,192.168.2.100:22122', 1, site).hosts, [
    '192.168.2.100',
    '122.244.141.46',
  ]);
  assert.deepEqual(parseHostPort('192.168.1.10,172.17.4.21:22122', 1, site).hosts, [
    '192.168.1.10',
    '172.17.4.21',
  ]);
  const v6pair = '[2409:8a20:42d:2f40:587a:4c47:72c0:ad8e,fe80::1ee9:90a8:1351:436c]:22122';
  assert.equal(parseHostPort(v6pair, 1, site).hosts.length, 2);
  const bad = [
    'host:0',
    'host:65536',
    'host:',
    'fe80::1:22122',
    '[fe80::1',
    '[nothost]:1',
    'a,b,c:1',
    '1.2.3.999:1',
    'bad_host:1',
    ':22122',
  ];
  for (const v of bad) assertBad(() => parseHostPort(v, 1, site), v, /host:port/);
  assertBad(
    () => parseHostPort('10.0.0.1,10.0.0.2:1', 1, site),
    '10.0.0.1,10.0.0.2:1',
    /different classes/,
  );
});

test('parseTrackerAddress defaults the port to 22122 and formats back', () => {
  const a = parseTrackerAddress('10.0.0.1', site);
  assert.deepEqual(a, { hosts: ['10.0.0.1'], port: 22122 });
  assert.equal(
    formatHostPort(parseTrackerAddress('8.8.8.88,10.1.1.1:22300', site)),
    '10.1.1.1,8.8.8.88:22300',
  );
  assert.equal(formatHostPort(parseTrackerAddress('[::1]:22300', site)), '[::1]:22300');
});

test('ipClass follows fdfs_get_ip_type, quirks included (§9.10)', () => {
  assert.equal(ipClass('10.0.0.26'), IpClass.PRIVATE_10);
  assert.equal(ipClass('172.16.0.1'), IpClass.PRIVATE_172);
  assert.equal(ipClass('172.31.255.1'), IpClass.PRIVATE_172);
  assert.equal(ipClass('172.32.0.1'), IpClass.OUTER);
  assert.equal(ipClass('192.168.0.26'), IpClass.PRIVATE_192);
  assert.equal(ipClass('8.8.8.88'), IpClass.OUTER);
  assert.equal(ipClass('1.2.3.4'), IpClass.UNKNOWN); // 7 characters
  assert.deepEqual(orderDualAddresses(['10.0.0.26', '192.168.0.26']), [
    '10.0.0.26',
    '192.168.0.26',
  ]);
  assert.deepEqual(orderDualAddresses(['122.1.1.1', '10.0.0.1']), ['10.0.0.1', '122.1.1.1']);
  assert.equal(orderDualAddresses(['192.168.0.1', '192.168.0.2']), undefined);
  assert.deepEqual(orderDualAddresses(['a.example', 'b.example']), ['a.example', 'b.example']);
});

test('parseGroupName and parseServerId', () => {
  assert.equal(parseGroupName('group1', site), 'group1');
  for (const bad of ['', 'group_1', 'a'.repeat(17), 'grp 1']) {
    assertBad(() => parseGroupName(bad, site), bad, /group name of 1 to 16 letters and digits/);
  }
  assert.equal(parseServerId('100001', site), '100001');
  assert.equal(parseServerId('16777215', site), '16777215');
  for (const bad of ['0', '0100001', '16777216', '-1', 'abc', '1.0']) {
    assertBad(() => parseServerId(bad, site), bad, /from 1 to 16777215 without leading zeros/);
  }
});
