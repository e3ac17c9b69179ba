import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROGRESS_MIN_BYTES, wantsProgress } from './progress.js';

test('a progress bar only for big transfers on a terminal', () => {
  assert.equal(wantsProgress(PROGRESS_MIN_BYTES, { isTTY: true }), true);
  assert.equal(wantsProgress(PROGRESS_MIN_BYTES - 1, { isTTY: true }), false, 'small');
  assert.equal(wantsProgress(PROGRESS_MIN_BYTES * 10, { isTTY: false }), false, 'piped');
  assert.equal(wantsProgress(PROGRESS_MIN_BYTES * 10, {}), false, 'not a TTY');
});

test('the meter passes every byte, even to a reader that attaches late', async () => {
  const { Readable } = await import('node:stream');
  const { startProgress } = await import('./progress.js');
  const chunks = Array.from({ length: 64 }, (_, i) => Buffer.alloc(65536, i));
  const progress = startProgress('test', 64 * 65536);
  const metered = Readable.from(chunks).pipe(progress.meter());
  await new Promise((r) => setTimeout(r, 50));
  let total = 0;
  for await (const chunk of metered) total += (chunk as Buffer).length;
  progress.stop();
  assert.equal(total, 64 * 65536);
});
