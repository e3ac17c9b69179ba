// Scenario `replication` (issue 5): a tracker and two storages of one group as child processes,
// on tmpfs and on disk. (1) Lag: 4 KiB uploads to A at a steady offered rate (1,000/s; 200/s in
// the smoke run), first for a few seconds right after the group formed (cold processes), then
// steady. One upload in ten is followed: its lag is the time from its reply to the first
// successful download of it from B, polled every 2 ms (the resolution) by a poller of its own.
// (2) Catch-up: B is SIGKILLed, a backlog of small files goes to A, B restarts; files/s from the
// restart, and from the first file applied, until B has applied all (then each is downloaded).
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StorageClient, type StorageAddress } from '#src/client/index.js';
import { StorageStatus } from '#src/protocol/status.js';
import { Cluster } from '../../test/support/cluster.js';
import { waitActive, waitListed, type StorageNode } from '../../test/support/cluster-storage.js';
import { LatencyRecorder, makeRow, type ResultRow } from '../report.js';
import type { Scenario, ScenarioOptions } from '../scenario.js';
import { dataLocations, type DataLocation } from '../storage-target.js';

const SCENARIO = 'replication';
const FILE_SIZE = 4096;
const RATE = Number(process.env['FDFS_BENCH_RATE'] ?? 1000);
const SMOKE_RATE = 200;
const BACKLOG = 10_000;
const SMOKE_BACKLOG = 300;
const POLL_MS = 2;
const MAX_IN_FLIGHT = 512;

const addr = (s: StorageNode): StorageAddress => ({ host: s.host, port: s.port });

async function onPeer(client: StorageClient, peer: StorageAddress, id: string): Promise<boolean> {
  try {
    await client.downloadToBuffer(peer, id);
    return true;
  } catch {
    return false;
  }
}

/** Nanoseconds from `since` until `id` can be downloaded from `peer` (polled), or undefined after `ms`. */
async function timeUntilOnPeer(
  client: StorageClient,
  peer: StorageAddress,
  id: string,
  since: bigint,
  ms: number,
): Promise<number | undefined> {
  for (;;) {
    if (await onPeer(client, peer, id)) return Number(process.hrtime.bigint() - since);
    if (Number(process.hrtime.bigint() - since) > ms * 1e6) return undefined;
    await sleep(POLL_MS);
  }
}

async function waitOnPeer(
  client: StorageClient,
  peer: StorageAddress,
  id: string,
  ms: number,
): Promise<boolean> {
  return (await timeUntilOnPeer(client, peer, id, process.hrtime.bigint(), ms)) !== undefined;
}

/** Every SAMPLE_EVERY-th upload is followed on B, each by its own poller (no queue to wait in). */
const SAMPLE_EVERY = 10;
/** Seconds of offered load before the lag is measured: fresh processes are still compiling. */
const WARMUP_S = 3;
const SMOKE_WARMUP_S = 0.5;

/**
 * Upload 4 KiB files to A at `rate` for `seconds` (open loop: upload i is due at i / rate s,
 * whether or not the others are done). The sampled ones are followed on B.
 */
async function offerLoad(
  client: StorageClient,
  a: StorageNode,
  b: StorageNode,
  rate: number,
  seconds: number,
): Promise<{ lags: (number | undefined)[]; uploads: number; errors: number; elapsedNs: bigint }> {
  const content = Buffer.alloc(FILE_SIZE, 0x61);
  const total = Math.max(SAMPLE_EVERY, Math.round(rate * seconds));
  const followed: Promise<number | undefined>[] = [];
  const work: Promise<void>[] = [];
  let errors = 0;
  let inFlight = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < total; i++) {
    const due = Number(started) / 1e6 + (i * 1000) / rate;
    const wait = due - Number(process.hrtime.bigint()) / 1e6;
    if (wait > 1) await sleep(wait);
    while (inFlight >= MAX_IN_FLIGHT) await sleep(1);
    inFlight++;
    const sampled = i % SAMPLE_EVERY === 0;
    work.push(
      client
        .upload(addr(a), { content, ext: 'bin' })
        .then(
          (id) => {
            if (sampled)
              followed.push(timeUntilOnPeer(client, addr(b), id, process.hrtime.bigint(), 30_000));
          },
          () => void errors++,
        )
        .finally(() => inFlight--),
    );
  }
  await Promise.all(work);
  const elapsedNs = process.hrtime.bigint() - started;
  return { lags: await Promise.all(followed), uploads: total - errors, errors, elapsedNs };
}

async function measureLag(
  client: StorageClient,
  a: StorageNode,
  b: StorageNode,
  where: string,
  options: ScenarioOptions,
): Promise<ResultRow[]> {
  const rate = options.smoke ? SMOKE_RATE : RATE;
  const rows: ResultRow[] = [];
  const phases = [
    { name: 'first seconds (cold processes)', seconds: options.smoke ? SMOKE_WARMUP_S : WARMUP_S },
    {
      name: 'steady',
      seconds: options.count ? options.count / rate : Math.max(2, options.durationS * 10),
    },
  ];
  for (const phase of phases) {
    const run = await offerLoad(client, a, b, rate, phase.seconds);
    const latency = new LatencyRecorder();
    let lost = 0;
    for (const ns of run.lags) {
      if (ns === undefined) lost++;
      else latency.record(ns);
    }
    rows.push(
      makeRow({
        scenario: SCENARIO,
        label: `${where}: upload reply -> readable on peer, ${rate}/s offered, ${phase.name}, 1 in ${SAMPLE_EVERY} followed`,
        concurrency: MAX_IN_FLIGHT,
        // ops/s: uploads accepted per second (the latency columns: the followed ones).
        ops: run.uploads,
        errors: run.errors + lost,
        elapsedNs: run.elapsedNs,
        bytes: run.uploads * FILE_SIZE,
        latency,
      }),
    );
  }
  return rows;
}

/**
 * Follows B's binlog: which of the backlog's files B has logged as applied (a lower-case create
 * line, §8.6). Reads only what was appended since the last call, whole lines only, and counts a
 * file once however often it is logged.
 */
class AppliedFiles {
  private readonly path: string;
  private offset = 0;
  private readonly seen = new Set<string>();

  constructor(
    b: StorageNode,
    private readonly wanted: ReadonlySet<string>,
  ) {
    this.path = join(b.basePath, 'data', 'sync', 'binlog.000');
  }

  count(): number {
    if (!existsSync(this.path)) return this.seen.size;
    const fd = openSync(this.path, 'r');
    try {
      const size = fstatSync(fd).size;
      const buf = Buffer.alloc(Math.max(0, size - this.offset));
      const n = readSync(fd, buf, 0, buf.length, this.offset);
      const text = buf.toString('latin1', 0, n);
      const whole = text.lastIndexOf('\n') + 1;
      this.offset += whole;
      for (const line of text.slice(0, whole).split('\n')) {
        const [, op, name] = line.split(' ');
        if (op === 'c' && name !== undefined && this.wanted.has(name)) this.seen.add(name);
      }
    } finally {
      closeSync(fd);
    }
    return this.seen.size;
  }
}

async function measureCatchUp(
  client: StorageClient,
  a: StorageNode,
  b: StorageNode,
  where: string,
  options: ScenarioOptions,
): Promise<ResultRow[]> {
  const count = options.count ?? (options.smoke ? SMOKE_BACKLOG : BACKLOG);
  await b.kill();
  const ids: string[] = [];
  const queue = Array.from({ length: count }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        ids.push(await client.upload(addr(a), { content: Buffer.alloc(100 + (i % 900)) }));
      }
    }),
  );
  options.log(`${SCENARIO}: ${where}: ${count} files queued for B; restarting it`);
  // Binlog lines name a file without its group: M00/XX/YY/name.
  const applied = new AppliedFiles(b, new Set(ids.map((id) => id.slice(id.indexOf('/') + 1))));
  const started = process.hrtime.bigint();
  await b.start();
  // The clock stops when B has logged every file as applied: it logs a replica only once it is
  // renamed into place, so each is readable then. Reading B's binlog costs the servers nothing;
  // downloads to find out would compete with the sync being measured.
  let first: bigint | undefined;
  const deadline = Date.now() + 120_000;
  for (let got = 0; got < count && Date.now() < deadline; await sleep(10)) {
    got = applied.count();
    if (got > 0) first ??= process.hrtime.bigint();
  }
  const done = process.hrtime.bigint();
  // Then, unclocked, every file is downloaded from B: a missing one is an error.
  let errors = 0;
  const toCheck = [...ids];
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let id = toCheck.pop(); id !== undefined; id = toCheck.pop()) {
        if (!(await waitOnPeer(client, addr(b), id, 10_000))) errors++;
      }
    }),
  );
  const row = (label: string, from: bigint): ResultRow =>
    makeRow({
      scenario: SCENARIO,
      label: `${where}: catch-up of ${count} small files, ${label}`,
      concurrency: 1,
      ops: count - errors,
      errors,
      elapsedNs: done - from,
    });
  return [
    row('from the restart (process start and join included)', started),
    row('from the first file applied', first ?? started),
  ];
}

/** The first file uploaded to A once both are ACTIVE: its reply -> readable on B (C: ≈ 60 s). */
async function measureFirstFile(
  client: StorageClient,
  a: StorageNode,
  b: StorageNode,
  where: string,
): Promise<ResultRow> {
  const latency = new LatencyRecorder();
  const started = process.hrtime.bigint();
  const id = await client.upload(addr(a), { content: Buffer.alloc(FILE_SIZE, 0x62), ext: 'bin' });
  const replied = process.hrtime.bigint();
  const ok = await waitOnPeer(client, addr(b), id, 120_000);
  if (ok) latency.recordSince(replied);
  return makeRow({
    scenario: SCENARIO,
    label: `${where}: first file of a freshly formed group on the peer after both ACTIVE (target < 1 s)`,
    concurrency: 1,
    ops: ok ? 1 : 0,
    errors: ok ? 0 : 1,
    elapsedNs: process.hrtime.bigint() - started,
    latency,
  });
}

async function runAt(location: DataLocation, options: ScenarioOptions): Promise<ResultRow[]> {
  const cluster = new Cluster(`bench-replication-${location.name}`, location.dir);
  const client = new StorageClient({ connectTimeoutMs: 2000, networkTimeoutMs: 30_000 });
  try {
    const tracker = await cluster.startTracker();
    const a = await cluster.startStorage({ trackers: [tracker] });
    await waitActive(tracker, [a]);
    const b = await cluster.startStorage({ trackers: [tracker] });
    await waitListed(tracker, [b], [StorageStatus.WAIT_SYNC, StorageStatus.ACTIVE]);
    // §8.7: A copies to B and reports it; B's next beat makes it ACTIVE.
    await waitActive(tracker, [a, b]);
    const where = `${location.name} (${location.fsType})`;
    options.log(`${SCENARIO}: ${where}: first file of the freshly formed group`);
    const first = await measureFirstFile(client, a, b, where);
    options.log(`${SCENARIO}: ${where}: lag at a steady offered load`);
    const lag = await measureLag(client, a, b, where, options);
    options.log(`${SCENARIO}: ${where}: catch-up`);
    const catchUp = await measureCatchUp(client, a, b, where, options);
    return [first, ...lag, ...catchUp];
  } finally {
    await client.close();
    await cluster.destroy();
  }
}

export const replicationScenario: Scenario = {
  name: SCENARIO,
  description:
    'push replication between two storage processes: lag p50/p99 at 1,000 4 KiB uploads/s, ' +
    'and catch-up files/s after a restart, on tmpfs and on disk',
  async run(options) {
    const rows: ResultRow[] = [];
    for (const location of dataLocations(options.dataDir, options.log)) {
      rows.push(...(await runAt(location, options)));
    }
    return rows;
  },
};
