// `npm run bench -- [scenario] [options]`: runs one scenario, or a short smoke of every scenario,
// prints a table and writes bench/results/<scenario>-<timestamp>.json. See bench/README.md.
import { Command, InvalidArgumentError } from 'commander';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { formatTable, writeResultFile } from './report.js';
import type { Scenario, ScenarioOptions } from './scenario.js';
import { codecScenario } from './scenarios/codec.js';
import { failoverScenario } from './scenarios/failover.js';
import { storageScenario } from './scenarios/storage.js';
import {
  downloadLargeScenario,
  downloadSmallScenario,
  mixedScenario,
  uploadLargeScenario,
  uploadSmallScenario,
} from './scenarios/storage-ops.js';
import { trackerScenario } from './scenarios/tracker.js';
import { replicationScenario } from './scenarios/replication.js';

/**
 * Every scenario, by name. A new scenario is one file in scenarios/ and one line here (one per
 * line, so that additions from several branches merge cleanly).
 */
const SCENARIOS: readonly Scenario[] = [
  codecScenario,
  trackerScenario,
  storageScenario,
  uploadSmallScenario,
  downloadSmallScenario,
  mixedScenario,
  uploadLargeScenario,
  downloadLargeScenario,
  replicationScenario,
  failoverScenario,
];

/** From dist/_test/bench/main.js back to the repository. */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEFAULT_RESULTS_DIR = resolve(REPO_ROOT, 'bench', 'results');
const DEFAULT_DURATION_S = 1;
/** Per measurement when no scenario is named (the smoke run). */
const SMOKE_DURATION_S = 0.1;

interface CliOptions {
  count?: number;
  duration?: number;
  concurrency?: number;
  dataDir?: string;
  resultsDir?: string;
  list?: boolean;
  tracker?: string;
  workers?: number;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a whole number of at least 1');
  }
  return n;
}

function positiveSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('expected a number of seconds above 0, e.g. 0.5');
  }
  return n;
}

function buildProgram(): Command {
  return new Command('bench')
    .description('fastdfs-ts load generator and micro-benchmarks')
    .argument('[scenario]', `one of: ${SCENARIOS.map((s) => s.name).join(', ')} (none: smoke all)`)
    .option('--count <n>', 'stop each measurement after n operations', positiveInteger)
    .option(
      '--duration <seconds>',
      `seconds per measurement (default: ${DEFAULT_DURATION_S}; ${SMOKE_DURATION_S} when smoking all)`,
      positiveSeconds,
    )
    .option('--concurrency <c>', 'operations in flight at once (default: 1)', positiveInteger)
    .option(
      '--data-dir <dir>',
      'data directory for servers under test (default: a temp dir; storage: the "disk" location, default bench/results/tmp-data)',
    )
    .option('--results-dir <dir>', 'where the JSON results go (default: bench/results)')
    .option(
      '--tracker <host:port>',
      'tracker scenario: drive this running tracker; storage scenario: the storage it routes uploads to',
    )
    .option('--workers <n>', 'load-generator processes (default: 1)', positiveInteger)
    .option('--list', 'list the scenarios and exit')
    .showHelpAfterError('(run with --help for usage)');
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.parse(argv);
  const cli = program.opts<CliOptions>();
  const name = program.args[0];

  if (cli.list) {
    for (const s of SCENARIOS) process.stdout.write(`${s.name.padEnd(12)} ${s.description}\n`);
    return 0;
  }
  const selected = name === undefined ? SCENARIOS : SCENARIOS.filter((s) => s.name === name);
  if (selected.length === 0) {
    program.error(
      `bench: unknown scenario "${name}"; known: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    );
  }

  const smoke = name === undefined;
  const options: ScenarioOptions = {
    durationS: cli.duration ?? (smoke ? SMOKE_DURATION_S : DEFAULT_DURATION_S),
    count: cli.count,
    concurrency: cli.concurrency ?? 1,
    concurrencySet: cli.concurrency !== undefined,
    ...(cli.tracker === undefined ? {} : { tracker: cli.tracker }),
    ...(cli.workers === undefined ? {} : { workers: cli.workers }),
    dataDir: cli.dataDir === undefined ? undefined : resolve(cli.dataDir),
    smoke,
    log: (message) => process.stderr.write(`${message}\n`),
  };
  const resultsDir = cli.resultsDir === undefined ? DEFAULT_RESULTS_DIR : resolve(cli.resultsDir);

  let failed = false;
  for (const scenario of selected) {
    const startedAt = new Date();
    const rows = await scenario.run(options);
    process.stdout.write(`\n${formatTable(rows)}`);
    const path = await writeResultFile(
      resultsDir,
      {
        scenario: scenario.name,
        startedAt,
        options: {
          durationS: options.durationS,
          count: options.count ?? null,
          concurrency: options.concurrency,
          dataDir: options.dataDir ?? null,
          smoke,
        },
      },
      rows,
    );
    process.stdout.write(`results: ${path}\n`);
    const bad = rows.filter((r) => r.errors > 0 || r.ops === 0);
    for (const r of bad) {
      process.stderr.write(
        `bench: ${r.scenario} / ${r.label}: ${r.errors} errors in ${r.ops} operations\n`,
      );
    }
    failed ||= bad.length > 0;
  }
  return failed ? 1 : 0;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : err}\n`);
    process.exitCode = 1;
  },
);
