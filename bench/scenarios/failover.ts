// `npm run bench -- failover` (issue 7): three trackers and one storage as processes, default
// tracker timings. Each repetition (5, 1 in the smoke run): SIGKILL the agreed leader while a
// client uploads and downloads in a loop, time until the survivors agree on a new leader, count
// the client operations that failed for good (errors) or were retried (not errors); restart it;
// then SIGSTOP the leader until another is agreed, SIGCONT it, and time its stepping down.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  downloadFileToBuffer,
  StorageClient,
  TrackerClient,
  uploadFile,
  type FdfsClients,
} from '#src/client/index.js';
import { Cluster } from '../../test/support/cluster.js';
import { waitActive } from '../../test/support/cluster-storage.js';
import type { TrackerNode } from '../../test/support/cluster-tracker.js';
import { byAddress, views, waitAgreedLeader } from '../../test/support/tracker-cluster.js';
import { LatencyRecorder, makeRow, type ResultRow } from '../report.js';
import type { Scenario, ScenarioOptions } from '../scenario.js';

const NAME = 'failover';

async function clientLoop(clients: FdfsClients, stop: () => boolean) {
  let ops = 0;
  let retried = 0;
  let failed = 0;
  while (!stop()) {
    const content = randomBytes(4096);
    let ok = false;
    for (let attempt = 0; attempt < 10 && !ok; attempt++) {
      try {
        const id = await uploadFile(clients, { content, ext: 'bin' });
        const back = await downloadFileToBuffer(clients, id);
        ok = back.equals(content);
      } catch {
        /* retried below */
      }
      if (!ok) {
        retried++;
        await sleep(100);
      }
    }
    ops++;
    if (!ok) failed++;
  }
  return { ops, retried, failed };
}

async function run(options: ScenarioOptions): Promise<ResultRow[]> {
  const reps = options.smoke ? 1 : 5;
  const cluster = new Cluster('bench-failover');
  const elect = new LatencyRecorder();
  const stepDown = new LatencyRecorder();
  let electFailures = 0;
  let stepFailures = 0;
  let clientOps = 0;
  let clientFailed = 0;
  let clientRetried = 0;
  const started = process.hrtime.bigint();
  try {
    const trackers: TrackerNode[] = await Promise.all(
      [1, 2, 3].map(() => cluster.startTracker({ config: { log_level: 'warn' } })),
    );
    const list = trackers.map((t) => ({ host: t.host, port: t.port }));
    const storage = await cluster.startStorage({ trackers: list, config: { log_level: 'warn' } });
    for (const t of trackers) await waitActive(t, [storage]);
    const clients: FdfsClients = {
      tracker: new TrackerClient({
        trackers: list,
        connectTimeoutMs: 1000,
        networkTimeoutMs: 5000,
      }),
      storage: new StorageClient({ connectTimeoutMs: 1000, networkTimeoutMs: 5000 }),
    };
    for (let rep = 0; rep < reps; rep++) {
      const old = byAddress(trackers, await waitAgreedLeader(trackers));
      let stop = false;
      const loop = clientLoop(clients, () => stop);
      await sleep(300);
      const t0 = performance.now();
      await old.kill();
      try {
        await waitAgreedLeader(
          trackers.filter((t) => t !== old),
          30_000,
        );
        elect.record((performance.now() - t0) * 1e6);
      } catch {
        electFailures++;
      }
      stop = true;
      const c = await loop;
      clientOps += c.ops;
      clientFailed += c.failed;
      clientRetried += c.retried;
      await old.start();
      await waitActive(old, [storage]);
      await waitAgreedLeader(trackers);
      options.log(
        `failover rep ${rep + 1}: killed, re-elected and restarted in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );

      const paused = byAddress(trackers, await waitAgreedLeader(trackers));
      paused.pause();
      try {
        await waitAgreedLeader(
          trackers.filter((t) => t !== paused),
          30_000,
        );
      } finally {
        paused.resume();
      }
      const t1 = performance.now();
      let down = false;
      while (performance.now() - t1 < 30_000) {
        const v = (await views([paused]))[0]!;
        if (v.ifLeader === false) {
          down = true;
          break;
        }
        await sleep(20);
      }
      if (down) stepDown.record((performance.now() - t1) * 1e6);
      else stepFailures++;
      await waitAgreedLeader(trackers);
    }
    await clients.tracker.close();
    await clients.storage.close();
  } finally {
    await cluster.destroy();
  }
  const elapsedNs = process.hrtime.bigint() - started;
  const row = (label: string, ops: number, errors: number, latency?: LatencyRecorder) =>
    makeRow({
      scenario: NAME,
      label,
      concurrency: 1,
      ops,
      errors,
      elapsedNs,
      ...(latency ? { latency } : {}),
    });
  options.log(
    `failover: client operations ${clientOps}, retried ${clientRetried}, failed ${clientFailed}`,
  );
  return [
    row('SIGKILL leader -> new agreed leader (ms)', reps, electFailures, elect),
    row(
      `client ops during failover (${clientRetried} retries, not errors)`,
      clientOps,
      clientFailed,
    ),
    row('SIGCONT old leader -> steps down (ms)', reps, stepFailures, stepDown),
  ];
}

export const failoverScenario: Scenario = {
  name: NAME,
  description: 'tracker leader SIGKILL/SIGSTOP: time to a new agreed leader and to step-down',
  run,
};
