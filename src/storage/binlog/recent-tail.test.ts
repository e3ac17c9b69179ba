import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RecentTail } from './recent-tail.js';

test('recent tail: any read inside the window is the bytes written there; outside it, none', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1000 }),
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { maxLength: 30 }),
      fc.integer({ min: 1, max: 200 }),
      fc.nat(),
      fc.integer({ min: 1, max: 100 }),
      (opened, chunks, maxBytes, fromPick, max) => {
        const tail = new RecentTail(maxBytes);
        tail.reset(opened);
        const file = Buffer.concat(chunks.map((c) => Buffer.from(c)));
        for (const c of chunks) tail.push(Buffer.from(c));
        const end = opened + file.length;
        assert.equal(tail.end, end);
        const from = opened + (fromPick % (file.length + 2)) - 1;
        const got = tail.read(from, max);
        if (got === undefined) {
          // Only positions before the window (or outside the file) are refused...
          assert.ok(from < opened || from > end || end - from > maxBytes);
          return;
        }
        // ...and the window always holds at least the last maxBytes (whole chunks drop).
        assert.ok(from >= opened && from <= end);
        const at = from - opened;
        assert.deepEqual(got, file.subarray(at, Math.min(file.length, at + max)));
      },
    ),
  );
});

test('recent tail: reset forgets the old file; a reset past every offset refuses all reads', () => {
  const tail = new RecentTail(64);
  tail.reset(0);
  tail.push(Buffer.from('1 C a\n'));
  assert.equal(tail.read(0, 100)?.toString(), '1 C a\n');
  assert.equal(tail.read(6, 100)?.length, 0);
  tail.reset(0);
  assert.equal(tail.read(0, 100)?.length, 0);
  assert.equal(tail.read(6, 100), undefined);
  tail.reset(Number.MAX_SAFE_INTEGER);
  assert.equal(tail.read(0, 100), undefined);
});
