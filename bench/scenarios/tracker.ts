// Scenario `tracker`: QUERY_STORE (101) and QUERY_FETCH (102) per second at 1, 16 and 64
// connections, each connection one request at a time as FastDFS clients do, against a tracker
// in a child process (its RSS and CPU read from /proc) with two fake storages joined and beating.
// The same load against the null server gives the load generator's own ceiling.
import { encodeFrame } from '#src/protocol/header.js';
import { TrackerCommand } from '#src/protocol/commands.js';
import { encodeQueryFileRequest } from '#src/protocol/messages/index.js';
import { runLoadIn } from '../load-workers.js';
import { spawnNullServer } from '../null-server.js';
import { readProcStats, type ProcStats } from '../proc-stats.js';
import { LatencyRecorder, makeRow, type ResultRow } from '../report.js';
import type { Scenario, ScenarioOptions } from '../scenario.js';
import { startOwnTracker, useExistingTracker, type TrackerTarget } from '../tracker-target.js';

const SCENARIO = 'tracker';
const CONNECTIONS = [1, 16, 64] as const;
/** The target at 64 connections on a 2-core machine. */
const TARGET_QPS = 40_000;
const TARGET_SHARE_OF_CEILING = 0.8;
const TARGET_P99_MS = 5;

interface Query {
  name: string;
  frame: Buffer;
  replyLength: number;
}

function queries(target: TrackerTarget): Query[] {
  const fetch = TrackerCommand.SERVICE_QUERY_FETCH_ONE;
  return [
    {
      name: 'QUERY_STORE (101)',
      frame: encodeFrame(TrackerCommand.SERVICE_QUERY_STORE_WITHOUT_GROUP_ONE),
      replyLength: target.storeReplyLength,
    },
    {
      name: 'QUERY_FETCH (102)',
      frame: encodeFrame(fetch, encodeQueryFileRequest(target.group, target.fetchName, fetch)),
      replyLength: target.fetchReplyLength,
    },
  ];
}

interface Server {
  host: string;
  port: number;
  pid: number | undefined;
}

function warmupMs(options: ScenarioOptions): number {
  if (options.smoke) return 50;
  return Math.min(1000, Math.max(200, options.durationS * 100));
}

async function measure(
  label: string,
  server: Server,
  query: Query,
  connections: number,
  options: ScenarioOptions,
): Promise<ResultRow> {
  let before: ProcStats | undefined;
  let after: ProcStats | undefined;
  const sample = (edge: 'open' | 'close'): void => {
    if (server.pid === undefined) return;
    if (edge === 'open') before = readProcStats(server.pid);
    else after = readProcStats(server.pid);
  };
  const result = await runLoadIn(options.workers ?? 1, {
    host: server.host,
    port: server.port,
    frame: query.frame,
    replyLength: query.replyLength,
    connections,
    durationMs: options.durationS * 1000,
    warmupMs: warmupMs(options),
    ...(options.count === undefined ? {} : { count: options.count }),
    onWindow: sample,
  });
  const latency = new LatencyRecorder();
  for (const ns of result.samples) latency.record(ns);
  return makeRow({
    scenario: SCENARIO,
    label,
    concurrency: connections,
    ops: result.ops,
    errors: result.errors,
    elapsedNs: result.elapsedNs,
    latency,
    ...(after ? { serverRssMb: after.rssMb } : {}),
    ...(before && after ? { serverCpuS: after.cpuS - before.cpuS } : {}),
  });
}

function levels(options: ScenarioOptions): readonly number[] {
  return options.concurrencySet ? [options.concurrency] : CONNECTIONS;
}

const CEILING_PREFIX = 'generator ceiling (null server), ';

/**
 * Each load against the tracker, then at once the same load against the null server (same reply
 * sizes): measured back to back, the two rows share the machine's conditions of the moment.
 */
async function measureAll(target: TrackerTarget, options: ScenarioOptions): Promise<ResultRow[]> {
  // On loopback even when the tracker is remote: the ceiling is the generator's own CPU limit.
  const nullServer = await spawnNullServer('127.0.0.1');
  const tracker: ResultRow[] = [];
  const ceiling: ResultRow[] = [];
  try {
    for (const query of queries(target)) {
      for (const connections of levels(options)) {
        options.log(`tracker: ${query.name} at ${connections} connections...`);
        tracker.push(await measure(query.name, target, query, connections, options));
        const label = `${CEILING_PREFIX}${query.name}`;
        ceiling.push(await measure(label, nullServer, query, connections, options));
      }
    }
  } finally {
    await nullServer.stop();
  }
  return [...tracker, ...ceiling];
}

/** One line per query at the highest level: the figure against the target. */
function verdicts(rows: readonly ResultRow[], options: ScenarioOptions): void {
  const top = Math.max(...levels(options));
  for (const query of ['QUERY_STORE (101)', 'QUERY_FETCH (102)']) {
    const server = rows.find((r) => r.label === query && r.concurrency === top);
    const ceiling = rows.find(
      (r) => r.label === `${CEILING_PREFIX}${query}` && r.concurrency === top,
    );
    if (!server || !ceiling) continue;
    const share = ceiling.opsPerSec > 0 ? server.opsPerSec / ceiling.opsPerSec : 0;
    const rateOk = server.opsPerSec >= TARGET_QPS || share >= TARGET_SHARE_OF_CEILING;
    const p99Ok = server.p99Ms !== null && server.p99Ms < TARGET_P99_MS;
    options.log(
      `tracker: ${query} at ${top} connections: ${Math.round(server.opsPerSec)} q/s, ` +
        `${Math.round(share * 100)}% of the generator ceiling (${Math.round(ceiling.opsPerSec)} q/s), ` +
        `p99 ${server.p99Ms ?? '-'} ms. Target (>= ${TARGET_QPS} q/s or >= ` +
        `${TARGET_SHARE_OF_CEILING * 100}% of the ceiling, p99 < ${TARGET_P99_MS} ms): ` +
        `${rateOk && p99Ok ? 'met' : 'NOT met'}${top === 64 ? '' : ' (target is set at 64)'}`,
    );
  }
}

export const trackerScenario: Scenario = {
  name: SCENARIO,
  description:
    'QUERY_STORE and QUERY_FETCH per second at 1/16/64 connections against a tracker process, and the generator ceiling',
  async run(options: ScenarioOptions): Promise<ResultRow[]> {
    const target = options.tracker
      ? await useExistingTracker(options.tracker)
      : await startOwnTracker(options.dataDir);
    try {
      const rows = await measureAll(target, options);
      verdicts(rows, options);
      return rows;
    } finally {
      await target.close();
    }
  },
};
