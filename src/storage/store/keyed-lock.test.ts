import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedLock } from './keyed-lock.js';

test('operations on one key run one after the other; other keys do not wait', async () => {
  const lock = new KeyedLock();
  const order: string[] = [];
  const step = (name: string, ms: number) => async () => {
    order.push(`${name}+`);
    await new Promise((r) => setTimeout(r, ms));
    order.push(`${name}-`);
    return name;
  };
  const results = await Promise.all([
    lock.run('a', step('a1', 20)),
    lock.run('a', step('a2', 1)),
    lock.run('b', step('b1', 1)),
  ]);
  assert.deepEqual(results, ['a1', 'a2', 'b1']);
  assert.ok(order.indexOf('a1-') < order.indexOf('a2+'), order.join(' '));
  assert.ok(order.indexOf('b1-') < order.indexOf('a1-'), order.join(' '));
  assert.equal(lock.size, 0);
});

test('a failing operation releases the key', async () => {
  const lock = new KeyedLock();
  await assert.rejects(
    lock.run('k', async () => Promise.reject(new Error('x'))),
    /x/,
  );
  assert.equal(await lock.run('k', async () => 7), 7);
  assert.equal(lock.size, 0);
});
