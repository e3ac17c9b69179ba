// Micro-benchmarks: one synchronous operation repeated in timed batches on this thread.
// A batch is timed as a whole, because process.hrtime.bigint() costs about as much as the
// operations measured; its mean time per operation is one latency sample.
import { LatencyRecorder, makeRow, type ResultRow } from './report.js';

export interface MicroRun {
  /** One call's work. Prepared inputs only: nothing here should allocate what setup could. */
  call(): void;
  /** Operations that gave a wrong result so far (a benchmark that decodes wrongly must show it). */
  errors(): number;
}

export interface MicroBenchmark {
  label: string;
  /** Operations done by one call (e.g. frames in one pushed chunk); 1 if omitted. */
  opsPerCall?: number;
  /** Payload bytes one operation handles, for MB/s; omit when bytes mean nothing. */
  bytesPerOp?: number;
  /** Build inputs once, outside the timing. */
  setup(): MicroRun;
}

export interface MicroOptions {
  durationS: number;
  /** Cap on operations, rounded up to whole calls. */
  count: number | undefined;
}

/** Aim for batches of about this long: long enough that the clock's cost disappears. */
const TARGET_BATCH_NS = 50_000;
const MIN_WARMUP_NS = 20_000_000;
const MAX_WARMUP_NS = 200_000_000;

/** Warm up, then run `bench` for `durationS` seconds or `count` operations, whichever ends first. */
export function runMicro(
  scenario: string,
  bench: MicroBenchmark,
  options: MicroOptions,
): ResultRow {
  const opsPerCall = bench.opsPerCall ?? 1;
  const run = bench.setup();
  const batchCalls = warmUp(run, options.durationS);
  const errorsBefore = run.errors();

  const maxCalls =
    options.count === undefined ? Number.POSITIVE_INFINITY : Math.ceil(options.count / opsPerCall);
  const latency = new LatencyRecorder();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(options.durationS * 1e9));
  let calls = 0;
  let now = start;
  while (calls < maxCalls && now < deadline) {
    const n = Math.min(batchCalls, maxCalls - calls);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) run.call();
    now = process.hrtime.bigint();
    latency.record(Number(now - t0) / (n * opsPerCall));
    calls += n;
  }

  const ops = calls * opsPerCall;
  return makeRow({
    scenario,
    label: bench.label,
    concurrency: 1,
    ops,
    errors: run.errors() - errorsBefore,
    elapsedNs: now - start,
    ...(bench.bytesPerOp === undefined ? {} : { bytes: ops * bench.bytesPerOp }),
    latency,
  });
}

/**
 * Run for a tenth of the duration (20–200 ms) so that the JIT has compiled the code, doubling
 * the batch size until a batch takes TARGET_BATCH_NS. Returns that batch size in calls.
 */
function warmUp(run: MicroRun, durationS: number): number {
  const warmupNs = Math.min(MAX_WARMUP_NS, Math.max(MIN_WARMUP_NS, durationS * 1e8));
  const end = process.hrtime.bigint() + BigInt(Math.round(warmupNs));
  let batch = 1;
  let now = process.hrtime.bigint();
  while (now < end) {
    const t0 = now;
    for (let i = 0; i < batch; i++) run.call();
    now = process.hrtime.bigint();
    if (Number(now - t0) < TARGET_BATCH_NS && batch < 1 << 30) batch *= 2;
  }
  return batch;
}
