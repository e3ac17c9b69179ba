import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runMicro } from './micro.js';

test('runMicro stops at --count (rounded up to whole calls) and reports errors', () => {
  let calls = 0;
  const row = runMicro(
    'unit',
    {
      label: 'fake',
      opsPerCall: 3,
      bytesPerOp: 10,
      setup: () => ({
        call: () => {
          calls++;
        },
        // Every call counts as a wrong result, so errors = calls measured.
        errors: () => calls,
      }),
    },
    { durationS: 5, count: 10 },
  );
  assert.equal(row.ops, 12);
  assert.equal(row.concurrency, 1);
  assert.equal(row.errors, 4, 'errors seen during warm-up are not counted');
  assert.notEqual(row.p50Ms, null);
  assert.notEqual(row.mbPerSec, null);
});

test('runMicro stops at --duration', () => {
  const start = process.hrtime.bigint();
  const row = runMicro(
    'unit',
    { label: 'noop', setup: () => ({ call: () => {}, errors: () => 0 }) },
    { durationS: 0.05, count: undefined },
  );
  const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  assert.ok(row.ops > 0);
  assert.ok(elapsedMs < 2000, `took ${elapsedMs} ms`);
});
