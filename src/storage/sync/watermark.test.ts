// The sync low-watermark (barrier.ts + watermark.ts) against out-of-order lanes: whatever order
// the lanes' acknowledgements come in, and with binlog lines of a second logged after lines of
// the next one, the receiver never reports a watermark that covers a record it does not hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { BinlogRecord } from '../binlog/record.js';
import { lateFirst, SecondBarrier } from './barrier.js';
import { SourceWatermarks } from './watermark.js';
import { laneOf } from './sync-task.js';

const SOURCE = '127.0.0.13';
const LANES = 4;

/** Binlog lines: seconds mostly rising, some lines logged late (after the next second's). */
const binlogArb = fc
  .array(fc.record({ step: fc.nat(2), late: fc.boolean(), file: fc.nat(30) }), {
    minLength: 1,
    maxLength: 120,
  })
  .map((rows) => {
    let ts = 1_800_000_000;
    return rows.map((r, i): BinlogRecord => {
      ts += r.step;
      // A late line carries the timestamp of a second already passed. Late lines are uploads
      // that finished together (a new name each); lines of one file are logged in order under
      // its lock.
      if (r.late && i > 0) return { timestamp: ts - 1, op: 'C', filename: `M00/00/00/late${i}` };
      return { timestamp: ts, op: 'C', filename: `M00/00/00/f${r.file}` };
    });
  });

/** Run the sender's rules with the given choices of which lane acknowledges next. */
function simulate(binlog: BinlogRecord[], choices: number[]): void {
  const barrier = new SecondBarrier();
  const receiver = new SourceWatermarks();
  const lanes: BinlogRecord[][] = Array.from({ length: LANES }, () => []);
  const applied: BinlogRecord[] = [];
  let queue = [...binlog];
  let step = 0;
  const check = (): void => {
    const mark = receiver.reported.get(SOURCE);
    if (mark === undefined) return;
    for (const r of binlog) {
      if (r.timestamp <= mark) {
        assert.ok(applied.includes(r), `watermark ${mark} claims unapplied ${r.timestamp}`);
      }
    }
  };
  while (queue.length > 0 || barrier.inFlight > 0) {
    const choice = choices[step++ % choices.length]!;
    const busy = lanes.filter((l) => l.length > 0);
    const head = queue[0];
    const wantsAck = head === undefined || choice % 3 === 0 || !barrier.mayDispatch(head.timestamp);
    if (wantsAck && busy.length > 0) {
      const lane = busy[choice % busy.length]!;
      const r = lane.shift()!;
      barrier.acked();
      applied.push(r);
      receiver.note(SOURCE, r.timestamp);
      check();
      continue;
    }
    if (head === undefined) break;
    if (barrier.isCrossing(head.timestamp)) {
      // The lanes are drained here (mayDispatch); the late lines go first.
      queue = lateFirst(queue, head.timestamp, (r) => r);
      if (queue[0] !== head) continue;
    }
    barrier.dispatched(head.timestamp);
    queue.shift();
    lanes[laneOf(head, LANES)]!.push(head);
  }
  assert.equal(applied.length, binlog.length);
}

test('watermark: never claims a record that is not applied, whatever the lane order', () => {
  fc.assert(
    fc.property(binlogArb, fc.array(fc.nat(1000), { minLength: 1, maxLength: 50 }), simulate),
    { numRuns: 300 },
  );
});

test('watermark: one below the newest second applied, and only forward', () => {
  const w = new SourceWatermarks();
  assert.equal(w.note(SOURCE, 100), true);
  assert.equal(w.reported.get(SOURCE), 99);
  assert.equal(w.note(SOURCE, 100), false);
  assert.equal(w.note(SOURCE, 98), false);
  assert.equal(w.reported.get(SOURCE), 99);
  assert.equal(w.note(SOURCE, 103), true);
  assert.equal(w.reported.get(SOURCE), 102);
});

test('barrier: a new second waits for every acknowledgement; the same second does not', () => {
  const b = new SecondBarrier();
  b.dispatched(10);
  b.dispatched(10);
  assert.equal(b.mayDispatch(10), true);
  assert.equal(b.mayDispatch(9), true);
  assert.equal(b.mayDispatch(11), false);
  b.acked();
  assert.equal(b.mayDispatch(11), false);
  b.acked();
  assert.equal(b.mayDispatch(11), true);
});

test('lateFirst: late lines move before the new second, never over a line of their file', () => {
  const rec = (timestamp: number, f: string): BinlogRecord => ({
    timestamp,
    op: 'C',
    filename: `M00/00/00/${f}`,
  });
  const q = [rec(11, 'a'), rec(10, 'b'), rec(11, 'c'), rec(10, 'a'), rec(10, 'd')];
  const out = lateFirst(q, 11, (r) => r).map((r) => `${r.timestamp}${r.filename.slice(-1)}`);
  assert.deepEqual(out, ['10b', '10d', '11a', '11c', '10a']);
});
