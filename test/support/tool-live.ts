// Comparing our tools with the recorded C runs on a live cluster of ours (docs/CLI.md "The
// proof"): the documented mask, the documented way a failure differs (one line on stderr, the
// errno as exit code), and a check that a suite compared every run it claims in
// tool-coverage.ts (so the coverage test cannot be fooled by a list).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIVE_CASES, type LiveSuite } from './tool-coverage.js';
import { runFolder, runOurTool, toolRuns, type RunResult, type ToolRun } from './tool-runs.js';

const STAT_TOOLS = new Set(['fdfs_monitor', 'fdfs_storage_stat', 'fdfs_volumn_stat']);

/** The documented mask (docs/CLI.md "The mask"). */
export function maskOutput(tool: string, text: string): string {
  let t = text
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/g, '<date>')
    .replace(/127\.0\.0\.\d+(:\d+)?/g, '<addr>')
    .replace(/port=\d+/g, 'port=<port>')
    .replace(/file save to \S+/g, 'file save to <name>')
    .replace(/M\d\d\/[0-9A-F]{2}\/[0-9A-F]{2}\/[A-Za-z0-9_-]{27}\d*/g, '<file>')
    .replace(/(version(?: =|:)) [^\s,]+/g, '$1 <v>');
  if (STAT_TOOLS.has(tool)) {
    t = t
      // A size: "252 GB", "9.5 GB", and 0 as the C tools print it, "0  B".
      .replace(/\d+(\.\d+)? +[KMGTPE]?B\b/g, '<size>')
      .replace(/\d+\.\d\d%/g, '<pct>')
      .replace(/\b\d+\b/g, '<n>')
      .replace(/ +<size>/g, ' <size>')
      .replace(/(last_synced_timestamp = <date>) .*$/gm, '$1 <delay>');
  }
  return t;
}

/** The C tool's failure line (stdout or stderr, not a log line) and its errno; undefined for a success. */
export function recordedFailure(
  run: ToolRun,
): { line: string; errno: number; inStdout: boolean } | undefined {
  for (const [text, inStdout] of [
    [run.stdout, true],
    [run.stderr, false],
  ] as const) {
    const line = text
      .split('\n')
      .find((l) => / fail, error no: \d+, error info: /.test(l) && !l.startsWith('['));
    if (line) return { line, errno: Number(/error no: (\d+)/.exec(line)![1]), inStdout };
  }
  return undefined;
}

const recorded = new Map(toolRuns().map((r) => [r.case, r]));

export function recordedRun(caseName: string): ToolRun {
  const run = recorded.get(caseName);
  assert.ok(run, `no recorded run ${caseName}`);
  return run;
}

/**
 * The comparisons of one live suite. Every case compared must be one the suite declares in
 * LIVE_CASES, and `assertAllCompared` (its last test) fails unless each declared case was.
 */
export class LiveComparison {
  private readonly declared: ReadonlySet<string>;
  private readonly compared = new Set<string>();

  constructor(readonly suite: LiveSuite) {
    this.declared = new Set(LIVE_CASES[suite]);
  }

  private take(caseName: string): ToolRun {
    assert.ok(this.declared.has(caseName), `${caseName} is not declared for ${this.suite}`);
    this.compared.add(caseName);
    return recordedRun(caseName);
  }

  /** A recorded success (or usage text): its exit code, nothing on stderr, stdout equal through the mask. */
  sameAs(caseName: string, r: RunResult): void {
    const run = this.take(caseName);
    assert.equal(recordedFailure(run), undefined, `${caseName} is a recorded failure`);
    assert.equal(r.code, run.exitCode, `${caseName}: exit ${r.code}, stderr ${r.stderr}`);
    assert.equal(r.stderr, '', `${caseName}: nothing on stderr`);
    assert.equal(maskOutput(run.tool, r.stdout), maskOutput(run.tool, run.stdout), caseName);
  }

  /**
   * A recorded failure (docs/CLI.md #1, #2): the C failure line appears alone on our stderr
   * (followed by our bracketed detail), our exit code is its errno, and our stdout is the C
   * stdout without that line, through the mask.
   */
  sameFailure(caseName: string, r: RunResult): void {
    const run = this.take(caseName);
    const failed = recordedFailure(run);
    assert.ok(failed, `${caseName} is not a recorded failure`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `${caseName}: one line on stderr: ${r.stderr}`);
    assert.ok(
      lines[0]!.startsWith(failed.line),
      `${caseName}: ${lines[0]} starts with ${failed.line}`,
    );
    assert.equal(r.code, failed.errno, `${caseName}: exit code`);
    const stdout = failed.inStdout ? run.stdout.replace(`${failed.line}\n`, '') : run.stdout;
    assert.equal(maskOutput(run.tool, r.stdout), maskOutput(run.tool, stdout));
  }

  /** A run whose C output differs on purpose (docs/CLI.md table row `row`); `check` asserts ours. */
  documented(caseName: string, row: number, check: (run: ToolRun) => void): void {
    const run = this.take(caseName);
    assert.ok(row > 0, `${caseName}: a docs/CLI.md row`);
    check(run);
  }

  assertAllCompared(): void {
    const missing = [...this.declared].filter((c) => !this.compared.has(c));
    assert.deepEqual(missing, [], `${this.suite}: declared but not compared`);
  }
}

/**
 * A folder of the recording's local files and client configs (runFolder) whose recorded
 * addresses are replaced by the live ones (`127.0.0.21:22300` → our tracker, in tracker_server
 * and storage_ids.conf lines alike).
 */
export function liveFolder(
  cluster: 'A' | 'B',
  addresses: Record<string, string>,
): { dir: string; remove: () => void } {
  const folder = runFolder(cluster);
  const files =
    cluster === 'A'
      ? ['client.conf']
      : [
          'client.conf',
          'client_t1.conf',
          'client_noids.conf',
          'client_loadparams.conf',
          'storage_ids.conf',
        ];
  for (const name of files) {
    const path = join(folder.dir, name);
    writeFileSync(path, liveAddresses(readFileSync(path, 'utf8'), addresses));
  }
  return folder;
}

/** `text` with each recorded address (host:port) replaced by its live one. */
export function liveAddresses(text: string, addresses: Record<string, string>): string {
  let t = text;
  for (const [from, to] of Object.entries(addresses)) t = t.replaceAll(from, to);
  return t;
}

/** Run our tool in `dir`; the result is compared by a LiveComparison. */
export function runIn(dir: string): (tool: string, ...args: string[]) => Promise<RunResult> {
  return (tool, ...args) => runOurTool(tool, args, dir);
}

/** The file id an upload tool printed (its one line). */
export const printedId = (r: RunResult): string => r.stdout.trim();
