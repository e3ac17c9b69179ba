// The load generator spread over several processes, for when one cannot saturate the server:
// each worker (this file, forked) runs runLoad() on its share of the connections and sends back
// its counts and latency samples; the parent merges them. The windows of the workers overlap but
// are not identical: the rate is the sum of each worker's rate over its own window.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runLoad, type LoadResult, type LoadSpec } from './load.js';

interface WorkerSpec extends Omit<LoadSpec, 'frame' | 'alternate'> {
  frameHex: string;
  alternate?: { frameHex: string; replyLength: number };
}

interface WorkerResult {
  ops: number;
  errors: number;
  elapsedNs: string;
  samples: Float64Array;
}

/** Split `total` connections over `workers` (the first ones take the remainder). */
function shares(total: number, workers: number): number[] {
  const n = Math.min(workers, total);
  return Array.from({ length: n }, (_, i) => Math.floor(total / n) + (i < total % n ? 1 : 0));
}

function runWorker(spec: WorkerSpec): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--worker'], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: WorkerResult | undefined;
    child.once('message', (m) => {
      result = m as WorkerResult;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`load worker exited with ${code} before reporting`));
    });
    child.send(spec);
  });
}

/** runLoad over `workers` processes (1 = in this process). */
export async function runLoadIn(workers: number, spec: LoadSpec): Promise<LoadResult> {
  if (workers <= 1) return runLoad(spec);
  // Each worker has its own window: onWindow cannot be honoured exactly, so it brackets them all.
  const { frame, onWindow, alternate, ...rest } = spec;
  onWindow?.('open');
  const results = await Promise.all(
    shares(spec.connections, workers).map((connections) =>
      runWorker({
        ...rest,
        connections,
        frameHex: frame.toString('hex'),
        ...(alternate
          ? {
              alternate: {
                frameHex: alternate.frame.toString('hex'),
                replyLength: alternate.replyLength,
              },
            }
          : {}),
        ...(spec.count === undefined ? {} : { count: Math.ceil(spec.count / workers) }),
      }),
    ),
  );
  onWindow?.('close');
  let ops = 0;
  let errors = 0;
  let rate = 0;
  for (const r of results) {
    ops += r.ops;
    errors += r.errors;
    const seconds = Number(BigInt(r.elapsedNs)) / 1e9;
    if (seconds > 0) rate += r.ops / seconds;
  }
  // Report the summed rate through an equivalent window: ops / rate.
  const elapsedNs = rate > 0 ? BigInt(Math.round((ops / rate) * 1e9)) : 0n;
  const samples = new Float64Array(results.reduce((n, r) => n + r.samples.length, 0));
  let at = 0;
  for (const r of results) {
    samples.set(r.samples, at);
    at += r.samples.length;
  }
  return { ops, errors, elapsedNs, samples };
}

async function workerMain(): Promise<void> {
  const spec = await new Promise<WorkerSpec>((resolve) =>
    process.once('message', (m) => resolve(m as WorkerSpec)),
  );
  const { frameHex, alternate, ...rest } = spec;
  const result = await runLoad({
    ...rest,
    frame: Buffer.from(frameHex, 'hex'),
    ...(alternate
      ? {
          alternate: {
            frame: Buffer.from(alternate.frameHex, 'hex'),
            replyLength: alternate.replyLength,
          },
        }
      : {}),
  });
  const reply: WorkerResult = {
    ops: result.ops,
    errors: result.errors,
    elapsedNs: result.elapsedNs.toString(),
    samples: result.samples.slice(),
  };
  process.send!(reply, () => process.disconnect());
}

if (process.argv.includes('--worker') && process.send) {
  workerMain().catch((err: unknown) => {
    process.stderr.write(`load worker: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
