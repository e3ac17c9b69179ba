// Scenario `storage`: 4 KiB UPLOAD_FILE (11) and DOWNLOAD_FILE (14) per second at 1, 16 and 64
// connections, 256 MiB uploads and downloads in MB/s, and the storage's peak RSS while it moves
// a 1 GiB file, against a tracker and a storage in child processes, with the storage's files on
// tmpfs and then on disk; on disk also the cost of fsync_binlog and fsync_after_written_bytes.
// Every figure has the load generator's own ceiling beside it (the null server answering the
// same requests at once). See bench/README.md.
import { StorageCommand } from '#src/protocol/commands.js';
import { encodeFrame } from '#src/protocol/header.js';
import {
  decodeFileIdReply,
  encodeDownloadRequest,
  encodeUploadPrefix,
} from '#src/protocol/messages/index.js';
import { runLoadIn } from '../load-workers.js';
import { spawnNullServer, type NullServerProcess } from '../null-server.js';
import { readProcStats, type ProcStats } from '../proc-stats.js';
import { LatencyRecorder, makeRow, type ResultRow } from '../report.js';
import type { Scenario, ScenarioOptions } from '../scenario.js';
import { loopDelayOf } from '../server-loop.js';
import {
  dataLocations,
  startOwnStorage,
  useExistingCluster,
  type StorageBenchTarget,
} from '../storage-target.js';
import { downloadLarge, uploadLarge, withRssPeak, type Endpoint } from '../transfer.js';
import { CEILING, reportVerdicts } from './storage-verdicts.js';

const SCENARIO = 'storage';
const CONNECTIONS = [1, 16, 64] as const;
export const SMALL = 4 * 1024;
const EXT = 'dat';
const MiB = 1024 * 1024;

export interface Sizes {
  /** The "256 MiB" transfers, and how many of each. */
  large: number;
  repeats: number;
  /** The "1 GiB" transfer whose peak RSS is measured. */
  huge: number;
}

export const FULL: Sizes = { large: 256 * MiB, repeats: 3, huge: 1024 * MiB };
export const SMOKE: Sizes = { large: 4 * MiB, repeats: 1, huge: 16 * MiB };

/** A server under test as the measurements see it. */
export interface Server extends Endpoint {
  pid: number | undefined;
  logFile: string | undefined;
}

/** A 4 KiB load: the request frame sent over and over, and the reply body length expected. */
export interface SmallLoad {
  name: string;
  frame: Buffer;
  replyLength: number;
  /** Sent in turn with `frame` (the mixed load). */
  alternate?: { frame: Buffer; replyLength: number };
}

const sizeName = (n: number): string =>
  n >= 1024 * MiB ? `${n / 1024 / MiB} GiB` : `${n / MiB} MiB`;

function warmupMs(options: ScenarioOptions): number {
  return options.smoke ? 50 : Math.min(1000, Math.max(200, options.durationS * 100));
}

export function levels(options: ScenarioOptions): readonly number[] {
  return options.concurrencySet ? [options.concurrency] : CONNECTIONS;
}

/** Upload one 4 KiB file: the reply length of uploads, and a file for the download load. */
export async function smallLoads(target: StorageBenchTarget): Promise<SmallLoad[]> {
  const probe = await uploadLarge(target, SMALL, target.storePathIndex, EXT);
  if (probe.status !== 0)
    throw new Error(`storage: a 4 KiB upload failed (status ${probe.status})`);
  const { groupName, filename } = decodeFileIdReply(probe.body);
  const { prefix } = encodeUploadPrefix({
    storePathIndex: target.storePathIndex,
    fileSize: SMALL,
    ext: EXT,
  });
  return [
    {
      name: 'upload 4 KiB',
      frame: encodeFrame(
        StorageCommand.UPLOAD_FILE,
        Buffer.concat([prefix, Buffer.alloc(SMALL, 0x61)]),
      ),
      replyLength: probe.replyBytes,
    },
    {
      name: 'download 4 KiB',
      frame: encodeFrame(
        StorageCommand.DOWNLOAD_FILE,
        encodeDownloadRequest({ offset: 0, length: 0, groupName, filename }),
      ),
      replyLength: SMALL,
    },
  ];
}

/** The server's CPU, RSS and loop delay over a window, as row fields. */
async function serverFields(
  server: Server,
  before: ProcStats | undefined,
  after: ProcStats | undefined,
  window: [number, number],
): Promise<Partial<Parameters<typeof makeRow>[0]>> {
  const loop = server.logFile ? await loopDelayOf(server.logFile, ...window) : undefined;
  return {
    ...(after ? { serverRssMb: after.rssMb } : {}),
    ...(before && after ? { serverCpuS: after.cpuS - before.cpuS } : {}),
    ...(loop ? { serverLoopP99Ms: loop.p99Ms, serverLoopMaxMs: loop.maxMs } : {}),
  };
}

export async function measureLoad(
  label: string,
  server: Server,
  load: SmallLoad,
  connections: number,
  options: ScenarioOptions,
): Promise<ResultRow> {
  let before: ProcStats | undefined;
  let after: ProcStats | undefined;
  const window: [number, number] = [0, 0];
  const result = await runLoadIn(options.workers ?? 1, {
    host: server.host,
    port: server.port,
    frame: load.frame,
    replyLength: load.replyLength,
    ...(load.alternate ? { alternate: load.alternate } : {}),
    connections,
    durationMs: options.durationS * 1000,
    warmupMs: warmupMs(options),
    ...(options.count === undefined ? {} : { count: options.count }),
    onWindow: (edge) => {
      const stats = server.pid === undefined ? undefined : readProcStats(server.pid);
      if (edge === 'open') [before, window[0]] = [stats, Date.now()];
      else [after, window[1]] = [stats, Date.now()];
    },
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
    bytes: result.ops * SMALL,
    latency,
    ...(await serverFields(server, before, after, window)),
  });
}

/** `repeats` uploads of `size` bytes, then as many downloads of the last one; two rows. */
export async function measureLarge(
  where: string,
  server: Server,
  target: StorageBenchTarget | undefined,
  size: number,
  repeats: number,
): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  let fileId: { groupName: string; filename: string } | undefined;
  for (const op of ['upload', 'download'] as const) {
    const latency = new LatencyRecorder();
    let elapsedNs = 0n;
    let errors = 0;
    const before = server.pid === undefined ? undefined : readProcStats(server.pid);
    const from = Date.now();
    for (let i = 0; i < repeats; i++) {
      if (op === 'upload' && fileId && target) {
        await target.deleteFile(`${fileId.groupName}/${fileId.filename}`);
      }
      const r =
        op === 'upload'
          ? await uploadLarge(server, size, target?.storePathIndex ?? 0, EXT)
          : await downloadLarge(
              server,
              fileId?.groupName ?? 'group1',
              fileId?.filename ?? 'M00/00/00/x',
            );
      elapsedNs += r.elapsedNs;
      latency.record(Number(r.elapsedNs));
      const ok = r.status === 0 && (op === 'upload' || r.replyBytes === size);
      if (!ok) errors++;
      if (op === 'upload' && ok && target) fileId = decodeFileIdReply(r.body);
    }
    const after = server.pid === undefined ? undefined : readProcStats(server.pid);
    rows.push(
      makeRow({
        scenario: SCENARIO,
        label: `${op} ${sizeName(size)}${where}`,
        concurrency: 1,
        ops: repeats,
        errors,
        elapsedNs,
        bytes: repeats * size,
        latency,
        ...(await serverFields(server, before, after, [from, Date.now()])),
      }),
    );
  }
  if (fileId && target) await target.deleteFile(`${fileId.groupName}/${fileId.filename}`);
  return rows;
}

/** One upload and one download of `size` bytes, the storage's RSS sampled throughout. */
async function measurePeakRss(target: StorageBenchTarget, size: number): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  let fileId: { groupName: string; filename: string } | undefined;
  for (const op of ['upload', 'download'] as const) {
    const run = (): ReturnType<typeof uploadLarge> =>
      op === 'upload'
        ? uploadLarge(target, size, target.storePathIndex, EXT)
        : downloadLarge(target, fileId!.groupName, fileId!.filename);
    const from = Date.now();
    const before = target.pid === undefined ? undefined : readProcStats(target.pid);
    const { value: r, peak } =
      target.pid === undefined
        ? { value: await run(), peak: undefined }
        : await withRssPeak(target.pid, run);
    const ok = r.status === 0 && (op === 'upload' || r.replyBytes === size);
    if (op === 'upload' && ok) fileId = decodeFileIdReply(r.body);
    const after = target.pid === undefined ? undefined : readProcStats(target.pid);
    const latency = new LatencyRecorder();
    latency.record(Number(r.elapsedNs));
    const fields = await serverFields(target, before, after, [from, Date.now()]);
    rows.push(
      makeRow({
        scenario: SCENARIO,
        label: `${op} ${sizeName(size)}, peak RSS [${target.location}]`,
        concurrency: 1,
        ops: 1,
        errors: ok ? 0 : 1,
        elapsedNs: r.elapsedNs,
        bytes: size,
        latency,
        ...fields,
        ...(peak ? { serverRssMb: Math.max(peak.sampledMb, peak.hwmMb ?? 0) } : {}),
      }),
    );
    if (!ok) break;
  }
  if (fileId) await target.deleteFile(`${fileId.groupName}/${fileId.filename}`);
  return rows;
}

/** The rows of one storage; the generator's ceilings are measured beside the first one's. */
async function measureTarget(
  target: StorageBenchTarget,
  options: ScenarioOptions,
  ceilings: ResultRow[] | undefined,
): Promise<ResultRow[]> {
  const sizes = options.smoke ? SMOKE : FULL;
  const where = ` [${target.location}]`;
  const rows: ResultRow[] = [];
  const loads = await smallLoads(target);
  let nullServer: NullServerProcess | undefined;
  const nullFor = async (replySizes: Record<number, number>): Promise<Server> => {
    await nullServer?.stop();
    nullServer = await spawnNullServer('127.0.0.1', replySizes);
    return { ...nullServer, logFile: undefined };
  };
  try {
    const small = ceilings
      ? await nullFor({
          [StorageCommand.UPLOAD_FILE]: loads[0]!.replyLength,
          [StorageCommand.DOWNLOAD_FILE]: SMALL,
        })
      : undefined;
    for (const load of loads) {
      for (const connections of levels(options)) {
        options.log(`storage: ${load.name}${where} at ${connections} connections...`);
        rows.push(await measureLoad(`${load.name}${where}`, target, load, connections, options));
        if (small)
          ceilings!.push(
            await measureLoad(`${CEILING}${load.name}`, small, load, connections, options),
          );
      }
    }
    options.log(`storage: ${sizeName(sizes.large)} uploads and downloads${where}...`);
    rows.push(...(await measureLarge(where, target, target, sizes.large, sizes.repeats)));
    if (ceilings) {
      const large = await nullFor({
        [StorageCommand.UPLOAD_FILE]: loads[0]!.replyLength,
        [StorageCommand.DOWNLOAD_FILE]: sizes.large,
      });
      ceilings.push(
        ...(await measureLarge('', large, undefined, sizes.large, sizes.repeats)).map((r) => ({
          ...r,
          label: `${CEILING}${r.label}`,
        })),
      );
    }
  } finally {
    await nullServer?.stop();
  }
  options.log(`storage: ${sizeName(sizes.huge)} upload and download, RSS sampled${where}...`);
  rows.push(...(await measurePeakRss(target, sizes.huge)));
  if (target.location === 'disk' && target.reconfigure)
    rows.push(...(await measureFsync(target, loads, options)));
  return rows;
}

/** The cost of durability on disk: 4 KiB uploads with fsync_binlog, then also with file fsyncs. */
async function measureFsync(
  target: StorageBenchTarget,
  loads: SmallLoad[],
  options: ScenarioOptions,
): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  const upload = loads[0]!;
  const variants: [string, Record<string, string | number | boolean>][] = [
    ['fsync_binlog', { fsync_binlog: true }],
    [
      'fsync_binlog + fsync_after_written_bytes=1',
      { fsync_binlog: true, fsync_after_written_bytes: 1 },
    ],
  ];
  const at = options.smoke ? [16] : levels(options);
  for (const [name, values] of variants) {
    await target.reconfigure!(values);
    for (const connections of at) {
      options.log(`storage: ${upload.name} [disk, ${name}] at ${connections} connections...`);
      const label = `${upload.name} [disk, ${name}]`;
      rows.push(await measureLoad(label, target, upload, connections, options));
    }
  }
  await target.reconfigure!({ fsync_binlog: false, fsync_after_written_bytes: 0 });
  return rows;
}

export const storageScenario: Scenario = {
  name: SCENARIO,
  description:
    '4 KiB uploads/downloads per second at 1/16/64 connections, 256 MiB MB/s and peak RSS over 1 GiB, tmpfs and disk',
  async run(options: ScenarioOptions): Promise<ResultRow[]> {
    const rows: ResultRow[] = [];
    const ceilings: ResultRow[] = [];
    if (options.tracker) {
      const target = await useExistingCluster(options.tracker);
      options.log(`storage: driving ${target.where}`);
      try {
        rows.push(...(await measureTarget(target, options, ceilings)));
      } finally {
        await target.close();
      }
    } else {
      const all = dataLocations(options.dataDir, options.log);
      // The smoke run takes one location: the code paths are the same.
      for (const location of options.smoke ? all.slice(0, 1) : all) {
        const target = await startOwnStorage(location, options.smoke);
        options.log(`storage: ${location.name} rows: files under ${target.where}`);
        try {
          rows.push(
            ...(await measureTarget(target, options, rows.length === 0 ? ceilings : undefined)),
          );
        } finally {
          await target.close();
        }
      }
    }
    const all = [...rows, ...ceilings];
    reportVerdicts(all, levels(options), options.log);
    return all;
  },
};
