import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROGRESS_MIN_BYTES, wantsProgress } from './progress.js';

test('a progress bar only for big transfers on a terminal', () => {
  assert.equal(wantsProgress(PROGRESS_MIN_BYTES, { isTTY: true }), true);
  assert.equal(wantsProgress(PROGRESS_MIN_BYTES - 1, { isTTY: true }), false, 'small');
  assert.equal(wantsProgress(PROGRESS_MIN_BYTES * 10, { isTTY: false }), false, 'piped');
  assert.equal(wantsProgress(PROGRESS_MIN_BYTES * 10, {}), false, 'not a TTY');
});
