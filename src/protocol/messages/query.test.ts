import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TrackerCommand } from '../commands.js';
import { FdfsError } from '../errors.js';
import {
  decodeFetchOneReply,
  decodeQueryFileRequest,
  decodeQueryStoreRequest,
  decodeStoreAllReply,
  decodeStoreOneReply,
  encodeFetchOneReply,
  encodeQueryFileRequest,
  encodeQueryStoreRequest,
  encodeStoreAllReply,
  encodeStoreOneReply,
} from './query.js';
import { decodeFetchAllReply, encodeFetchAllReply } from './fetch-all.js';
import type { FetchAllForm, ServerAddress } from './addresses.js';
import type { ResponseIpSize } from './fields.js';

const C = TrackerCommand;
const badBody = (err: unknown): boolean => err instanceof FdfsError && err.code === 'ERR_BAD_BODY';
const badArg = (err: unknown): boolean =>
  err instanceof FdfsError && err.code === 'ERR_INVALID_ARGUMENT';

const FILE = 'M00/00/00/fwAADGsBidOAXtDXAAAAHdnGElo349.txt';

test('101/106 take an empty body, 104/107 exactly 16 bytes', () => {
  assert.equal(encodeQueryStoreRequest().length, 0);
  assert.deepEqual(
    decodeQueryStoreRequest(C.SERVICE_QUERY_STORE_WITHOUT_GROUP_ONE, Buffer.alloc(0)),
    {},
  );
  const body = encodeQueryStoreRequest('group1');
  assert.equal(body.toString('hex'), '67726f75703100000000000000000000');
  assert.deepEqual(decodeQueryStoreRequest(C.SERVICE_QUERY_STORE_WITH_GROUP_ALL, body), {
    groupName: 'group1',
  });
  assert.throws(
    () => decodeQueryStoreRequest(C.SERVICE_QUERY_STORE_WITHOUT_GROUP_ALL, Buffer.alloc(1)),
    (e: unknown) => badBody(e) && /QUERY_STORE_WITHOUT_GROUP_ALL\(106\).*length 1/.test(String(e)),
  );
  for (const len of [0, 15, 17]) {
    assert.throws(
      () => decodeQueryStoreRequest(C.SERVICE_QUERY_STORE_WITH_GROUP_ONE, Buffer.alloc(len)),
      badBody,
    );
  }
  assert.throws(() => encodeQueryStoreRequest('a-group-name-too-long'), badArg);
});

test('102/103/105 request: 38 ≤ body ≤ 143', () => {
  const body = encodeQueryFileRequest('group1', FILE);
  assert.deepEqual(decodeQueryFileRequest(body, C.SERVICE_QUERY_UPDATE), {
    groupName: 'group1',
    filename: FILE,
  });
  decodeQueryFileRequest(Buffer.alloc(38));
  decodeQueryFileRequest(Buffer.alloc(143));
  for (const len of [0, 16, 37, 144]) {
    assert.throws(
      () => decodeQueryFileRequest(Buffer.alloc(len), C.SERVICE_QUERY_FETCH_ALL),
      (e: unknown) => badBody(e) && String(e).includes(`length ${len}`),
    );
  }
  assert.throws(() => encodeQueryFileRequest('group1', 'M00/00/00/abc'), badArg);
  assert.throws(() => encodeQueryFileRequest('group1', 'x'.repeat(128)), badArg);
});

test('store-one reply: 40 bytes with S=16, 70 with S=46; other lengths refused', () => {
  const reply = { groupName: 'group1', ip: '127.0.0.12', port: 23200, storePathIndex: 1 };
  const b16 = encodeStoreOneReply(reply, 16);
  assert.equal(
    b16.toString('hex'),
    '67726f757031000000000000000000003132372e302e302e313200000000000000000000005aa001',
  );
  assert.deepEqual(decodeStoreOneReply(b16), { ...reply, ipSize: 16 });
  const b46 = encodeStoreOneReply(reply, 46);
  assert.equal(b46.length, 70);
  assert.deepEqual(decodeStoreOneReply(b46), { ...reply, ipSize: 46 });
  for (const len of [0, 39, 41, 69, 71]) {
    assert.throws(
      () => decodeStoreOneReply(Buffer.alloc(len), C.SERVICE_QUERY_STORE_WITH_GROUP_ONE),
      (e: unknown) => badBody(e) && /\(104\).*length \d+, expected 40 or 70/.test(String(e)),
    );
  }
  assert.throws(() => encodeStoreOneReply({ ...reply, ip: '1'.repeat(16) }, 16), badArg);
  assert.throws(() => encodeStoreOneReply({ ...reply, storePathIndex: 256 }, 16), badArg);
  assert.throws(() => encodeStoreOneReply({ ...reply, port: 70000 }, 16), badArg);
});

test('fetch-one reply: 39 / 69 bytes', () => {
  const reply = { groupName: 'group1', ip: '127.0.0.12', port: 23200 };
  assert.deepEqual(decodeFetchOneReply(encodeFetchOneReply(reply, 16)), { ...reply, ipSize: 16 });
  assert.deepEqual(decodeFetchOneReply(encodeFetchOneReply(reply, 46)), { ...reply, ipSize: 46 });
  for (const len of [38, 40, 68, 70]) {
    assert.throws(() => decodeFetchOneReply(Buffer.alloc(len)), badBody);
  }
});

const two: ServerAddress[] = [
  { ip: '127.0.0.12', port: 23200 },
  { ip: '127.0.0.13', port: 23200 },
];

test('store-all reply: 16 + N·(S−1+8) + 1 for both sizes', () => {
  const reply = { groupName: 'group1', servers: two, storePathIndex: 1 };
  const b16 = encodeStoreAllReply(reply, 16);
  assert.equal(b16.length, 16 + 2 * 23 + 1);
  assert.deepEqual(decodeStoreAllReply(b16), { ...reply, ipSize: 16 });
  const b46 = encodeStoreAllReply(reply, 46);
  assert.equal(b46.length, 16 + 2 * 53 + 1);
  assert.deepEqual(decodeStoreAllReply(b46), { ...reply, ipSize: 46 });
  for (const len of [0, 17, 39, 41, 62, 64]) {
    assert.throws(() => decodeStoreAllReply(Buffer.alloc(len)), badBody);
  }
  assert.throws(() => encodeStoreAllReply({ ...reply, servers: [] }, 16), badArg);
});

test('fetch-all reply: 6.16 and legacy forms, both sizes', () => {
  const reply = { groupName: 'group1', servers: two };
  const cases: [ResponseIpSize, FetchAllForm, number][] = [
    [16, '6.16', 16 + 2 * 23],
    [46, '6.16', 16 + 2 * 53],
    [16, 'legacy', 16 + 23 + 15],
    [46, 'legacy', 16 + 53 + 45],
  ];
  for (const [ipSize, form, length] of cases) {
    const body = encodeFetchAllReply(reply, ipSize, form);
    assert.equal(body.length, length, `${ipSize} ${form}`);
    assert.deepEqual(decodeFetchAllReply(body), { ...reply, ipSize, form }, `${ipSize} ${form}`);
  }
  for (const len of [0, 38, 40, 16 + 23 + 1]) {
    assert.throws(() => decodeFetchAllReply(Buffer.alloc(len)), badBody);
  }
});

test('fetch-all: the legacy form sends later servers without their port', () => {
  const body = encodeFetchAllReply(
    { groupName: 'g', servers: [two[0]!, { ip: '127.0.0.13', port: 9 }] },
    16,
    'legacy',
  );
  const out = decodeFetchAllReply(body);
  assert.deepEqual(out.servers[1], { ip: '127.0.0.13', port: 23200 });
});

test('fetch-all: ambiguous lengths follow §14.6 order, a hint reorders', () => {
  // 69 bytes: one server with S=46 (6.16 = legacy) or three legacy servers with S=16.
  const one46 = encodeFetchAllReply({ groupName: 'g', servers: [two[0]!] }, 46);
  assert.equal(decodeFetchAllReply(one46).ipSize, 46);
  const three16 = encodeFetchAllReply(
    { groupName: 'g', servers: [...two, { ip: '127.0.0.14', port: 23200 }] },
    16,
    'legacy',
  );
  assert.equal(three16.length, 69);
  // Without a hint the S=46 reading comes first, but its port field lands in the text of the
  // third IP and is implausible, so the legacy S=16 reading is chosen.
  assert.deepEqual(decodeFetchAllReply(three16).servers.length, 3);
  assert.equal(decodeFetchAllReply(three16, { ipSize: 16, form: 'legacy' }).servers.length, 3);
  // 114 bytes: six legacy servers with S=16, or two legacy servers with S=46.
  const six = Array.from({ length: 6 }, (_, i) => ({ ip: `10.0.0.${i + 1}`, port: 23000 }));
  const six16 = encodeFetchAllReply({ groupName: 'g', servers: six }, 16, 'legacy');
  assert.equal(six16.length, 114);
  const out = decodeFetchAllReply(six16, { form: 'legacy' });
  assert.equal(out.ipSize, 16);
  assert.deepEqual(out.servers, six);
  // 384 bytes: sixteen 6.16 servers with S=16, or eight legacy servers with S=46.
  const eight = six.concat([
    { ip: '10.0.0.7', port: 23000 },
    { ip: '10.0.0.8', port: 23000 },
  ]);
  const eight46 = encodeFetchAllReply({ groupName: 'g', servers: eight }, 46, 'legacy');
  assert.equal(eight46.length, 384);
  const hinted = decodeFetchAllReply(eight46, { ipSize: 46 });
  assert.deepEqual([hinted.ipSize, hinted.form, hinted.servers], [46, 'legacy', eight]);
});

const ipv4 = fc.ipV4();
const ipv6 = fc.ipV6().filter((s) => s.length <= 45);
const group = fc.stringMatching(/^[A-Za-z0-9]{1,16}$/);
const port = fc.integer({ min: 0, max: 65535 });

test('property: store/fetch replies round-trip for both IP sizes', () => {
  fc.assert(
    fc.property(
      fc.constantFrom<ResponseIpSize>(16, 46),
      group,
      fc.array(fc.record({ ip4: ipv4, ip6: ipv6, port }), { minLength: 1, maxLength: 32 }),
      fc.integer({ min: 0, max: 255 }),
      (ipSize, groupName, raw, storePathIndex) => {
        const servers = raw.map((s) => ({ ip: ipSize === 16 ? s.ip4 : s.ip6, port: s.port }));
        const first = servers[0]!;
        const one = { groupName, ...first, storePathIndex };
        assert.deepEqual(decodeStoreOneReply(encodeStoreOneReply(one, ipSize)), { ...one, ipSize });
        assert.deepEqual(
          decodeFetchOneReply(encodeFetchOneReply({ groupName, ...first }, ipSize)),
          {
            groupName,
            ...first,
            ipSize,
          },
        );
        const all = { groupName, servers, storePathIndex };
        assert.deepEqual(decodeStoreAllReply(encodeStoreAllReply(all, ipSize), { ipSize }), {
          ...all,
          ipSize,
        });
        const hint = { ipSize, form: '6.16' as const };
        const fetched = decodeFetchAllReply(
          encodeFetchAllReply({ groupName, servers }, ipSize),
          hint,
        );
        assert.deepEqual(fetched, { groupName, servers, ipSize, form: '6.16' });
        const legacy = decodeFetchAllReply(
          encodeFetchAllReply({ groupName, servers }, ipSize, 'legacy'),
          {
            ipSize,
            form: 'legacy',
          },
        );
        const sharedPort = servers.map((s) => ({ ip: s.ip, port: first.port }));
        assert.deepEqual(legacy.servers, sharedPort);
      },
    ),
    { numRuns: 200 },
  );
});

test('property: unhinted fetch-all decode of a 6.16 IPv4 reply with ≤ 32 servers is exact', () => {
  fc.assert(
    fc.property(
      group,
      fc.array(
        fc.record({ ip: ipv4, port }).map(({ ip, port }) => ({ ip, port })),
        { minLength: 1, maxLength: 32 },
      ),
      (groupName, servers) => {
        const out = decodeFetchAllReply(encodeFetchAllReply({ groupName, servers }, 16));
        assert.deepEqual(out.servers, servers);
      },
    ),
    { numRuns: 200 },
  );
});

test('property: request round trips', () => {
  fc.assert(
    fc.property(
      group,
      fc.stringMatching(/^M0[0-9]\/[0-9A-F]{2}\/[0-9A-F]{2}\/[A-Za-z0-9_-]{12,100}$/),
      (g, f) => {
        assert.deepEqual(decodeQueryFileRequest(encodeQueryFileRequest(g, f)), {
          groupName: g,
          filename: f,
        });
        assert.deepEqual(
          decodeQueryStoreRequest(C.SERVICE_QUERY_STORE_WITH_GROUP_ONE, encodeQueryStoreRequest(g)),
          { groupName: g },
        );
      },
    ),
    { numRuns: 200 },
  );
});
