import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { LOOP_STATS_ENV, LOOP_STATS_MSG, loopStatsPeriod, startLoopStats } from './loop-stats.js';

test('FDFS_LOOP_STATS_MS: a whole number of at least 10 ms, else off', () => {
  assert.equal(loopStatsPeriod({}), undefined);
  assert.equal(loopStatsPeriod({ [LOOP_STATS_ENV]: '250' }), 250);
  assert.equal(loopStatsPeriod({ [LOOP_STATS_ENV]: ' 10 ' }), 10);
  for (const bad of ['', '9', '0', '-5', '1.5', 'abc']) {
    assert.equal(loopStatsPeriod({ [LOOP_STATS_ENV]: bad }), undefined, bad);
  }
});

test('one line per period, whatever the logger level, with a blocked loop in it', async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  const stop = startLoopStats(pino({ level: 'error' }, sink), 100);
  try {
    // The histogram's timer must have ticked once before a block shows as a delay.
    await new Promise((r) => setTimeout(r, 20));
    const until = Date.now() + 30;
    while (Date.now() < until) {
      /* block the loop for 30 ms */
    }
    for (let i = 0; i < 100 && lines.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  } finally {
    stop();
  }
  assert.ok(lines.length >= 2, `${lines.length} lines`);
  const first = lines[0]!;
  assert.equal(first.msg, LOOP_STATS_MSG);
  assert.equal(first.periodMs, 100);
  assert.ok((first.maxMs as number) >= 20, `max ${String(first.maxMs)} ms after a 30 ms block`);
  assert.ok((first.p50Ms as number) <= (first.p99Ms as number));
  assert.ok((first.p99Ms as number) <= (first.maxMs as number));
});
