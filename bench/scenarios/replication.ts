// Scenario `replication` (issue 5): a tracker and two storages of one group as child processes,
// on tmpfs and on disk. (1) Lag: 4 KiB uploads to A at a steady offered rate (1,000/s; 200/s in
// the smoke run); each upload's lag is the time from its reply to the first successful download
// of it from B (one poller, in reply order, every 2 ms at most: the resolution). (2) Catch-up: B is SIGKILLed,
// a backlog of small files goes to A, B restarts; files/s from the restart until all are on B.
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

async function waitOnPeer(
  client: StorageClient,
  peer: StorageAddress,
  id: string,
  ms: number,
): Promise<boolean> {
  const end = Date.now() + ms;
  while (!(await onPeer(client, peer, id))) {
    if (Date.now() > end) return false;
    await sleep(POLL_MS);
  }
  return true;
}

async function measureLag(
  client: StorageClient,
  a: StorageNode,
  b: StorageNode,
  where: string,
  options: ScenarioOptions,
): Promise<ResultRow> {
  const rate = options.smoke ? SMOKE_RATE : RATE;
  const total = options.count ?? Math.max(50, Math.round(rate * options.durationS));
  const content = Buffer.alloc(FILE_SIZE, 0x61);
  const latency = new LatencyRecorder();
  let errors = 0;
  let inFlight = 0;
  let uploading = true;
  /** Replied uploads in reply order, waiting to be seen on B. */
  const pending: { id: string; replied: bigint }[] = [];
  // One poller walks the replies in order (sync is roughly in order): a file found on B out of
  // order is counted when its turn comes, so the lag is, if anything, overstated.
  const poller = (async () => {
    while (uploading || pending.length > 0) {
      const next = pending[0];
      if (!next) {
        await sleep(POLL_MS);
        continue;
      }
      if (await onPeer(client, addr(b), next.id)) {
        latency.recordSince(next.replied);
        pending.shift();
      } else if (Number(process.hrtime.bigint() - next.replied) > 30e9) {
        errors++;
        pending.shift();
      } else {
        await sleep(POLL_MS);
      }
    }
  })();
  const work: Promise<void>[] = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < total; i++) {
    // Open loop: upload i is due at i / rate seconds, whether or not the others are done.
    const due = Number(started) / 1e6 + (i * 1000) / rate;
    const wait = due - Number(process.hrtime.bigint()) / 1e6;
    if (wait > 1) await sleep(wait);
    while (inFlight >= MAX_IN_FLIGHT) await sleep(1);
    inFlight++;
    work.push(
      client
        .upload(addr(a), { content, ext: 'bin' })
        .then(
          (id) => void pending.push({ id, replied: process.hrtime.bigint() }),
          () => void errors++,
        )
        .finally(() => inFlight--),
    );
  }
  await Promise.all(work);
  uploading = false;
  await poller;
  const elapsedNs = process.hrtime.bigint() - started;
  return makeRow({
    scenario: SCENARIO,
    label: `${where}: upload reply -> readable on peer, ${rate}/s offered`,
    concurrency: MAX_IN_FLIGHT,
    ops: latency.count,
    errors,
    elapsedNs,
    bytes: latency.count * FILE_SIZE,
    latency,
  });
}

async function measureCatchUp(
  client: StorageClient,
  a: StorageNode,
  b: StorageNode,
  where: string,
  options: ScenarioOptions,
): Promise<ResultRow> {
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
  const started = process.hrtime.bigint();
  await b.start();
  let errors = 0;
  // The last-uploaded files first: when they are there, most of the rest usually is too.
  for (const id of ids.reverse()) {
    if (!(await waitOnPeer(client, addr(b), id, 120_000))) errors++;
  }
  return makeRow({
    scenario: SCENARIO,
    label: `${where}: catch-up after a restart (start and join included)`,
    concurrency: 1,
    ops: count - errors,
    errors,
    elapsedNs: process.hrtime.bigint() - started,
  });
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
    return [first, lag, catchUp];
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
