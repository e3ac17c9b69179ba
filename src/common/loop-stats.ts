// The event-loop delay of a server process, which nothing outside the process can measure: with
// FDFS_LOOP_STATS_MS=<ms> in its environment, a daemon logs one line per period with the delay
// percentiles of that period (`monitorEventLoopDelay`, reset after each line). The bench reads
// these lines to report the servers' event-loop delay beside their latencies (bench/README.md).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Logger } from './logger.js';

/** The environment variable that turns the lines on; its value is the period in milliseconds. */
export const LOOP_STATS_ENV = 'FDFS_LOOP_STATS_MS';
/** The `msg` of each line. */
export const LOOP_STATS_MSG = 'event loop delay';

/** What one line carries besides pino's fields (milliseconds, 3 decimals). */
export interface LoopStatsLine {
  periodMs: number;
  /** Delay samples in the period (one per ms of idle loop, one per loop turn when busy). */
  count: number;
  /** How late the loop ran a timer: median, 99th percentile and worst of the period. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** The period asked for in `env`, or undefined when absent or not a whole number ≥ 10. */
export function loopStatsPeriod(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[LOOP_STATS_ENV];
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return undefined;
  const ms = Number(raw);
  return ms >= 10 ? ms : undefined;
}

/**
 * How often the histogram's timer samples, in ms (its samples include this wait). Fine enough for
 * a p99 of a few hundred ms to rest on more than a handful of samples.
 */
const RESOLUTION_MS = 1;

/** A sample in ns, less the resolution the timer waited on purpose, in ms (3 decimals). */
const ms = (ns: number): number => Math.max(0, Math.round(ns / 1000 - RESOLUTION_MS * 1000) / 1000);

/**
 * Log the loop delay every `periodMs` on a child logger of its own level, so that the lines appear
 * whatever log_level says. Returns the function that stops it.
 */
export function startLoopStats(logger: Logger, periodMs: number): () => void {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const log = logger.child({ component: 'loop-stats' }, { level: 'info' });
  const timer = setInterval(() => {
    const line: LoopStatsLine = {
      periodMs,
      count: histogram.count,
      p50Ms: histogram.count > 0 ? ms(histogram.percentile(50)) : 0,
      p99Ms: histogram.count > 0 ? ms(histogram.percentile(99)) : 0,
      maxMs: histogram.count > 0 ? ms(histogram.max) : 0,
    };
    histogram.reset();
    log.info(line, LOOP_STATS_MSG);
  }, periodMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    histogram.disable();
  };
}
