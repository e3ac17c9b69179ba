// The closing notes of the `storage` scenario: each headline figure against issue 4's targets and
// the C FastDFS's figures on this machine, beside the load generator's ceiling.
import type { ResultRow } from '../report.js';

/** Label prefix of the null-server rows. */
export const CEILING = 'generator ceiling (null server), ';

/** C FastDFS 6.16.1 on tmpfs on the 2-core development machine, with 10 / 20 C client processes. */
const C_FIGURES: Readonly<Record<string, string>> = {
  'upload 4 KiB': '7,600–10,000/s',
  'download 4 KiB': '12,000–17,900/s',
};
const TARGET_LARGE_DOWNLOAD_MBS = 500;
const TARGET_PEAK_RSS_MB = 150;

const n = (x: number): string => Math.round(x).toLocaleString('en-US');
const ms = (x: number | null): string => (x === null ? '-' : `${x} ms`);

function find(
  rows: readonly ResultRow[],
  label: string,
  concurrency?: number,
): ResultRow | undefined {
  return rows.find(
    (r) => r.label === label && (concurrency === undefined || r.concurrency === concurrency),
  );
}

/** Locations measured, in order: "tmpfs", "disk", "cluster". */
function locations(rows: readonly ResultRow[]): string[] {
  const found = rows
    .map((r) => /^upload 4 KiB \[([a-z]+)\]$/.exec(r.label)?.[1])
    .filter((l) => l !== undefined);
  return [...new Set(found)];
}

function loopNote(row: ResultRow): string {
  return row.serverLoopMaxMs === null
    ? ''
    : `, storage event loop p99 ${ms(row.serverLoopP99Ms)} / max ${ms(row.serverLoopMaxMs)}`;
}

export function reportVerdicts(
  rows: readonly ResultRow[],
  levels: readonly number[],
  log: (message: string) => void,
): void {
  const top = Math.max(...levels);
  for (const where of locations(rows)) {
    for (const op of ['upload 4 KiB', 'download 4 KiB']) {
      const row = find(rows, `${op} [${where}]`, top);
      if (!row) continue;
      const ceiling = find(rows, `${CEILING}${op}`, top);
      const share =
        ceiling && ceiling.opsPerSec > 0 ? row.opsPerSec / ceiling.opsPerSec : undefined;
      log(
        `storage: ${op} [${where}] at ${top} connections: ${n(row.opsPerSec)}/s` +
          (ceiling
            ? `, ${Math.round(share! * 100)}% of the generator ceiling (${n(ceiling.opsPerSec)}/s)`
            : '') +
          `, p99 ${ms(row.p99Ms)}${loopNote(row)}. C FastDFS on tmpfs: ${C_FIGURES[op]}` +
          `${top === 64 ? '' : ' (at 64 connections)'}.`,
      );
    }
    const large = rows.find(
      (r) => r.label.startsWith('download ') && r.label.endsWith(`MiB [${where}]`),
    );
    if (large?.mbPerSec != null) {
      const ceiling = rows.find(
        (r) => r.label === `${CEILING}${large.label.replace(/ \[.*\]$/, '')}`,
      );
      log(
        `storage: ${large.label}: ${large.mbPerSec} MB/s` +
          (ceiling?.mbPerSec != null ? ` (generator ceiling ${ceiling.mbPerSec} MB/s)` : '') +
          `. Target >= ${TARGET_LARGE_DOWNLOAD_MBS} MB/s: ` +
          `${large.mbPerSec >= TARGET_LARGE_DOWNLOAD_MBS ? 'met' : 'NOT met'}.`,
      );
    }
    for (const row of rows.filter((r) => r.label.endsWith(`peak RSS [${where}]`))) {
      if (row.serverRssMb === null) continue;
      log(
        `storage: ${row.label}: ${row.serverRssMb} MB at ${row.mbPerSec} MB/s${loopNote(row)}. ` +
          `Target < ${TARGET_PEAK_RSS_MB} MB: ${row.serverRssMb < TARGET_PEAK_RSS_MB ? 'met' : 'NOT met'}.`,
      );
    }
  }
  for (const row of rows.filter((r) => r.label.startsWith('upload 4 KiB [disk, '))) {
    const plain = find(rows, 'upload 4 KiB [disk]', row.concurrency);
    if (!plain || plain.opsPerSec === 0) continue;
    const kept = row.opsPerSec / plain.opsPerSec;
    log(
      `storage: ${row.label} at ${row.concurrency} connections: ${n(row.opsPerSec)}/s, ` +
        `${Math.round(kept * 100)}% of the rate without it, p99 ${ms(row.p99Ms)}.`,
    );
  }
}
