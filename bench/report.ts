// What a benchmark run produces: result rows, a latency recorder, a table for people and a JSON
// file for scripts (STYLE §4: "a table a person can read and JSON a script can compare").
import { mkdir, writeFile } from 'node:fs/promises';
import { arch, cpus, platform } from 'node:os';
import { join } from 'node:path';

/** One line of results. Every field is always present; null where it does not apply. */
export interface ResultRow {
  scenario: string;
  /** Tells apart the rows of one scenario (e.g. "header decode"). */
  label: string;
  concurrency: number;
  ops: number;
  errors: number;
  opsPerSec: number;
  /** Payload throughput, MB = 2^20 bytes; null when an operation has no meaningful byte count. */
  mbPerSec: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  p999Ms: number | null;
  /** Resident memory of the server under test at the end of the run; null without a server. */
  serverRssMb: number | null;
  /** CPU seconds (user + system) the server spent during the run; null without a server. */
  serverCpuS: number | null;
  /**
   * The server's event-loop delay during the run (from its FDFS_LOOP_STATS_MS log lines): the
   * worst per-period p99, and the worst delay; null where the scenario cannot read them.
   */
  serverLoopP99Ms: number | null;
  serverLoopMaxMs: number | null;
}

/** The fields of a row, in the order they are written. */
export const ROW_FIELDS = [
  'scenario',
  'label',
  'concurrency',
  'ops',
  'errors',
  'opsPerSec',
  'mbPerSec',
  'p50Ms',
  'p99Ms',
  'p999Ms',
  'serverRssMb',
  'serverCpuS',
  'serverLoopP99Ms',
  'serverLoopMaxMs',
] as const satisfies readonly (keyof ResultRow)[];

export interface Measurement {
  scenario: string;
  label: string;
  concurrency: number;
  ops: number;
  errors: number;
  elapsedNs: bigint;
  /** Payload bytes moved; omit when bytes mean nothing for this operation. */
  bytes?: number;
  latency?: LatencyRecorder;
  serverRssMb?: number;
  serverCpuS?: number;
  serverLoopP99Ms?: number;
  serverLoopMaxMs?: number;
}

const MB = 1024 * 1024;

/** Turn raw counts into a row, with rates per second and values rounded for reading. */
export function makeRow(m: Measurement): ResultRow {
  const seconds = Number(m.elapsedNs) / 1e9;
  const rate = (n: number): number => (seconds > 0 ? n / seconds : 0);
  const latency = m.latency && m.latency.count > 0 ? m.latency : undefined;
  return {
    scenario: m.scenario,
    label: m.label,
    concurrency: m.concurrency,
    ops: m.ops,
    errors: m.errors,
    opsPerSec: round(rate(m.ops), 4),
    mbPerSec: m.bytes === undefined ? null : round(rate(m.bytes) / MB, 4),
    p50Ms: latency ? round(latency.percentileMs(50), 4) : null,
    p99Ms: latency ? round(latency.percentileMs(99), 4) : null,
    p999Ms: latency ? round(latency.percentileMs(99.9), 4) : null,
    serverRssMb: m.serverRssMb === undefined ? null : round(m.serverRssMb, 4),
    serverCpuS: m.serverCpuS === undefined ? null : round(m.serverCpuS, 4),
    serverLoopP99Ms: m.serverLoopP99Ms === undefined ? null : round(m.serverLoopP99Ms, 4),
    serverLoopMaxMs: m.serverLoopMaxMs === undefined ? null : round(m.serverLoopMaxMs, 4),
  };
}

/** Keep `digits` significant digits (a rate of 12345678.9 stays whole: at least the integer part). */
function round(value: number, digits: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  if (Math.abs(value) >= 10 ** digits) return Math.round(value);
  return Number(value.toPrecision(digits));
}

/**
 * Latency samples in nanoseconds with exact percentiles (sorted once, on first read).
 * Memory is 8 bytes per sample; a run of ten million operations costs 80 MB.
 */
export class LatencyRecorder {
  private samples = new Float64Array(4096);
  private n = 0;
  private sorted = true;

  get count(): number {
    return this.n;
  }

  record(ns: number): void {
    if (this.n === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.n++] = ns;
    this.sorted = false;
  }

  /** Record the time since `start` (a `process.hrtime.bigint()` value) and return it in ns. */
  recordSince(start: bigint): number {
    const ns = Number(process.hrtime.bigint() - start);
    this.record(ns);
    return ns;
  }

  /** Nearest-rank percentile in milliseconds: the smallest sample with at least p% at or below it. */
  percentileMs(p: number): number {
    if (this.n === 0) throw new RangeError('no latency samples recorded');
    if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside (0, 100]`);
    if (!this.sorted) {
      this.samples.subarray(0, this.n).sort();
      this.sorted = true;
    }
    // The epsilon keeps 99.9% of 1000 at rank 999 despite 0.999 * 1000 = 999.0000000000001.
    const rank = Math.ceil((p / 100) * this.n - 1e-9);
    return this.samples[Math.max(0, rank - 1)]! / 1e6;
  }
}

interface Column {
  title: string;
  cell(row: ResultRow): string;
  align: 'left' | 'right';
}

const COLUMNS: Column[] = [
  { title: 'scenario', cell: (r) => r.scenario, align: 'left' },
  { title: 'label', cell: (r) => r.label, align: 'left' },
  { title: 'conc', cell: (r) => String(r.concurrency), align: 'right' },
  { title: 'ops', cell: (r) => grouped(r.ops), align: 'right' },
  { title: 'errors', cell: (r) => grouped(r.errors), align: 'right' },
  { title: 'ops/s', cell: (r) => grouped(Math.round(r.opsPerSec)), align: 'right' },
  { title: 'MB/s', cell: (r) => fixed(r.mbPerSec, 1), align: 'right' },
  { title: 'p50 ms', cell: (r) => significant(r.p50Ms), align: 'right' },
  { title: 'p99 ms', cell: (r) => significant(r.p99Ms), align: 'right' },
  { title: 'p99.9 ms', cell: (r) => significant(r.p999Ms), align: 'right' },
  { title: 'srv RSS MB', cell: (r) => fixed(r.serverRssMb, 1), align: 'right' },
  { title: 'srv CPU s', cell: (r) => fixed(r.serverCpuS, 2), align: 'right' },
  { title: 'loop p99 ms', cell: (r) => significant(r.serverLoopP99Ms), align: 'right' },
  { title: 'loop max ms', cell: (r) => significant(r.serverLoopMaxMs), align: 'right' },
];

/** The rows as an aligned text table; "-" marks a field that does not apply. */
export function formatTable(rows: readonly ResultRow[]): string {
  const cells = rows.map((row) => COLUMNS.map((c) => c.cell(row)));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]): string =>
    values
      .map((v, i) => (COLUMNS[i]!.align === 'left' ? v.padEnd(widths[i]!) : v.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(COLUMNS.map((c) => c.title)), rule, ...cells.map(line)].join('\n') + '\n';
}

function grouped(n: number): string {
  return n.toLocaleString('en-US');
}

function fixed(n: number | null, digits: number): string {
  return n === null ? '-' : n.toFixed(digits);
}

/** Three significant digits, so that 0.0000412 ms and 125 ms both read well. */
function significant(n: number | null): string {
  if (n === null) return '-';
  if (n === 0) return '0';
  return n >= 1000 ? n.toFixed(0) : n.toPrecision(3);
}

export interface RunInfo {
  scenario: string;
  startedAt: Date;
  /** The options the scenario ran with, as given on the command line after defaults. */
  options: Record<string, unknown>;
}

/** Write `<dir>/<scenario>-<timestamp>.json` (creating `dir`) and return its path. */
export async function writeResultFile(
  dir: string,
  info: RunInfo,
  rows: readonly ResultRow[],
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const stamp = info.startedAt.toISOString().replace(/[:.]/g, '-');
  const path = join(dir, `${info.scenario}-${stamp}.json`);
  const document = {
    scenario: info.scenario,
    startedAt: info.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    environment: {
      node: process.version,
      platform: platform(),
      arch: arch(),
      cpuCount: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
    },
    options: info.options,
    rows: rows.map((row) => Object.fromEntries(ROW_FIELDS.map((f) => [f, row[f]]))),
  };
  await writeFile(path, JSON.stringify(document, null, 2) + '\n');
  return path;
}
