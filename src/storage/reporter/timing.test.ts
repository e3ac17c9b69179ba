import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pause } from '../../common/pause.js';
import { backoffDelay, FAST_BEAT_MS, Sleeper, timingFromConfig } from './timing.js';

const CONFIG = {
  heartBeatInterval: 30,
  statReportInterval: 60,
  connectTimeout: 5,
  networkTimeout: 60,
};

test('timing comes from storage.conf: heart_beat_interval, stat_report_interval, timeouts', () => {
  const t = timingFromConfig(CONFIG);
  assert.equal(t.heartBeatMs, 30_000);
  assert.equal(t.statReportMs, 60_000);
  assert.equal(t.fastBeatMs, FAST_BEAT_MS);
  assert.equal(t.connectTimeoutMs, 5_000);
  assert.equal(t.networkTimeoutMs, 60_000);
  assert.equal(t.offlineWindowMs, 60_000);
  // A heart beat shorter than the fast beat is never slowed down.
  assert.equal(timingFromConfig(CONFIG, { heartBeatMs: 200 }).fastBeatMs, 200);
});

test('backoff: heart_beat_interval, doubled per failure, capped', () => {
  const t = timingFromConfig(CONFIG, { heartBeatMs: 1000, backoffMaxMs: 5000 });
  assert.deepEqual(
    [1, 2, 3, 4, 5, 50].map((n) => backoffDelay(n, t)),
    [1000, 2000, 4000, 5000, 5000, 5000],
  );
  // At the default 30 s the pause stays C's fixed heart_beat_interval.
  const c = timingFromConfig(CONFIG);
  assert.deepEqual(
    [1, 2, 3].map((n) => backoffDelay(n, c)),
    [30_000, 30_000, 30_000],
  );
});

test('Sleeper: wake() ends the sleep, or makes the next one return at once; abort ends it', async () => {
  const ac = new AbortController();
  const s = new Sleeper(ac.signal);
  let t0 = performance.now();
  setTimeout(() => s.wake(), 20);
  await s.sleep(5000);
  assert.ok(performance.now() - t0 < 1000);
  s.wake();
  t0 = performance.now();
  await s.sleep(5000);
  assert.ok(performance.now() - t0 < 50);
  setTimeout(() => ac.abort(), 20);
  t0 = performance.now();
  await s.sleep(5000);
  await pause(5000, ac.signal);
  assert.ok(performance.now() - t0 < 1000);
});
