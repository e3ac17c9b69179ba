// The contract between the bench runner (main.ts) and one scenario.
import type { ResultRow } from './report.js';

export interface ScenarioOptions {
  /** Seconds each measurement runs (after its warm-up). */
  durationS: number;
  /** Cap on operations per measurement; undefined = only the duration limits it. */
  count: number | undefined;
  /** Operations in flight at once, for scenarios that talk to servers. */
  concurrency: number;
  /** True when --concurrency was given (scenarios with their own levels then use only it). */
  concurrencySet?: boolean;
  /** --tracker host:port: drive this existing tracker instead of starting one. */
  tracker?: string;
  /** --workers n: load-generator processes (default 1: the bench process itself). */
  workers?: number;
  /** Where servers under test keep their data; undefined = a temporary directory of the scenario. */
  dataDir: string | undefined;
  /** True when every scenario runs as a short smoke test (no scenario named). */
  smoke: boolean;
  /** Progress and notes for the person running the bench (stderr, never the table). */
  log(message: string): void;
}

export interface Scenario {
  name: string;
  description: string;
  run(options: ScenarioOptions): Promise<ResultRow[]>;
}
