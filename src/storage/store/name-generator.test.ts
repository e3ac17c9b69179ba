import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFileId } from '../../protocol/file-id/file-id.js';
import { randomModeSubdirs } from '../../protocol/file-id/subdir.js';
import { sequenceRandomSource } from '../../protocol/file-id/random.js';
import { MAX_NAME_ATTEMPTS, NameGenerator } from './name-generator.js';
import { seededRandom } from './store.test.helper.js';

const base = {
  storePathIndex: 0,
  source: '127.0.0.12',
  timestamp: 1795263045,
  kind: 'normal' as const,
  size: 100,
  crc32: 0x2d9d88a1,
  ext: 'txt',
};

test('names decode back to their inputs; round robin moves after rotate_count files', () => {
  const gen = new NameGenerator({
    subdirCount: 4,
    mode: 0,
    rotateCount: 2,
    random: seededRandom(),
  });
  const dirs: string[] = [];
  for (let i = 0; i < 5; i++) {
    const { logicName } = gen.generate({ ...base, crc32: i });
    dirs.push(logicName.slice(4, 9));
    const d = decodeFileId(`group1/${logicName}`);
    assert.equal(d.sourceIpAddr, '127.0.0.12');
    assert.equal(d.createTimestamp, base.timestamp);
    assert.equal(d.fileSize, 100n);
    assert.equal(d.crc32, i);
    assert.ok(logicName.endsWith('.txt'));
  }
  assert.deepEqual(dirs, ['00/00', '00/00', '00/01', '00/01', '00/02']);
  assert.deepEqual(gen.roundRobinState, { high: 0, low: 2, count: 1 });
});

test('saved round-robin counters are resumed', () => {
  const gen = new NameGenerator({
    subdirCount: 4,
    mode: 0,
    rotateCount: 100,
    roundRobin: { high: 3, low: 3, count: 99 },
    random: seededRandom(),
  });
  assert.equal(gen.generate(base).logicName.slice(4, 9), '03/03');
  assert.deepEqual(gen.roundRobinState, { high: 0, low: 0, count: 0 });
});

test('random mode puts a file where the PJW hash of its block says (§7.4)', () => {
  const gen = new NameGenerator({
    subdirCount: 256,
    mode: 1,
    rotateCount: 100,
    random: seededRandom(),
  });
  for (let i = 0; i < 20; i++) {
    const g = gen.generate({ ...base, crc32: i });
    assert.deepEqual(g.subdirs, randomModeSubdirs(g.b27, 256));
  }
});

test('appender names carry the appender flag and no size', () => {
  const gen = new NameGenerator({
    subdirCount: 4,
    mode: 0,
    rotateCount: 100,
    random: seededRandom(),
  });
  const d = decodeFileId(`group1/${gen.generate({ ...base, kind: 'appender' }).logicName}`);
  assert.equal(d.kind, 'appender');
  assert.equal(d.fileSize, null);
});

test('the unique-name check: a collision draws again; 10 collisions are EBUSY', () => {
  // A source that always returns the same value makes every attempt identical.
  const same = new NameGenerator({
    subdirCount: 4,
    mode: 0,
    rotateCount: 1000,
    random: sequenceRandomSource([42]),
  });
  const first = same.generate(base);
  assert.ok(same.has(first.logicName, base.timestamp));
  assert.throws(
    () => same.generate(base),
    (err: Error & { errno?: number; code?: string }) => {
      assert.equal(err.errno, 16);
      assert.equal(err.code, 'ERR_IO');
      return true;
    },
  );
  assert.equal(same.collisions, MAX_NAME_ATTEMPTS);
  // A different second is a different name.
  assert.notEqual(
    same.generate({ ...base, timestamp: base.timestamp + 1 }).logicName,
    first.logicName,
  );

  // With a real source the retry finds a free name.
  const values = [5, 5, 5, 5, 6]; // ext digits (3), size field, then a new size field
  const retry = new NameGenerator({
    subdirCount: 4,
    mode: 0,
    rotateCount: 1000,
    random: sequenceRandomSource(values),
  });
  const a = retry.generate(base);
  const b = retry.generate(base);
  assert.notEqual(a.logicName, b.logicName);
  assert.ok(retry.collisions >= 1);
});

test('memory is bounded: old seconds are forgotten, and so is the excess', () => {
  const gen = new NameGenerator({
    subdirCount: 4,
    mode: 0,
    rotateCount: 1000,
    random: seededRandom(),
    memorySeconds: 2,
    maxRemembered: 50,
  });
  for (let t = 0; t < 10; t++) {
    for (let i = 0; i < 10; i++) gen.generate({ ...base, timestamp: base.timestamp + t, crc32: i });
  }
  assert.ok(gen.size <= 50, `${gen.size} names remembered`);
  assert.ok(gen.size >= 10);
});
