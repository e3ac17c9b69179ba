// `fdfs bench`: a simple load loop through FastDfsClient against whatever cluster the client
// configuration names: upload N files of a size with C in flight, download each, delete each.
// (The full load generator, with servers of its own, is `npm run bench`, bench/README.md.)
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import type { FastDfsClient } from '../../client/fastdfs-client.js';
import {
  addClientOptions,
  badInput,
  parseCount,
  printJson,
  withClient,
  type ClientFlags,
} from './client-context.js';

interface BenchFlags extends ClientFlags {
  count: string;
  size: string;
  concurrency: string;
  keep?: boolean;
}

export interface PhaseResult {
  phase: 'upload' | 'download' | 'delete';
  ops: number;
  seconds: number;
  opsPerSecond: number;
  mbPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

async function phase(
  name: PhaseResult['phase'],
  count: number,
  concurrency: number,
  bytesPerOp: number,
  op: (i: number) => Promise<void>,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const t = performance.now();
      await op(i);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const round = (x: number): number => Math.round(x * 100) / 100;
  return {
    phase: name,
    ops: count,
    seconds: round(seconds),
    opsPerSecond: round(count / seconds),
    mbPerSecond: round((bytesPerOp * count) / seconds / 1e6),
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
  };
}

async function bench(client: FastDfsClient, flags: BenchFlags): Promise<void> {
  const count = parseCount(flags.count, '--count');
  const size = parseCount(flags.size, '--size');
  const concurrency = parseCount(flags.concurrency, '--concurrency');
  if (count < 1 || concurrency < 1) throw badInput('--count and --concurrency must be at least 1');
  const payload = randomBytes(size);
  const ids: string[] = new Array<string>(count);
  const results = [
    await phase('upload', count, concurrency, size, async (i) => {
      ids[i] = await client.upload(payload, { ext: 'bin' });
    }),
    await phase('download', count, concurrency, size, async (i) => {
      const back = await client.download(ids[i]!);
      if (back.length !== size)
        throw new Error(`${ids[i]}: ${back.length} bytes, expected ${size}`);
    }),
  ];
  if (!flags.keep) {
    results.push(await phase('delete', count, concurrency, 0, (i) => client.delete(ids[i]!)));
  }
  if (flags.json) {
    printJson({ count, size, concurrency, results });
    return;
  }
  process.stdout.write(`${count} files of ${size} bytes, ${concurrency} in flight\n`);
  for (const r of results) {
    process.stdout.write(
      `${r.phase.padEnd(9)} ${String(r.opsPerSecond).padStart(9)} ops/s ${String(r.mbPerSecond).padStart(8)} MB/s` +
        `  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms\n`,
    );
  }
}

export function registerBenchCommand(program: Command): void {
  addClientOptions(
    program
      .command('bench')
      .description('upload, download and delete files in a loop; ops/s, MB/s and latencies')
      .option('-n, --count <n>', 'files', '200')
      .option('-s, --size <bytes>', 'bytes per file', '4096')
      .option('-C, --concurrency <c>', 'operations in flight', '16')
      .option('--keep', 'do not delete the files afterwards'),
    true,
  ).action((flags: BenchFlags) => withClient('bench', flags, (c) => bench(c, flags)));
}
