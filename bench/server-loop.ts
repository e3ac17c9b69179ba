// The event-loop delay of a server under test, which only the server can measure: started with
// FDFS_LOOP_STATS_MS (src/common/loop-stats.ts), it logs one line per period; this reads the lines
// of a measured window back from its log file.
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOOP_STATS_ENV, LOOP_STATS_MSG, type LoopStatsLine } from '#src/common/loop-stats.js';

/** The period the bench asks servers for. */
export const LOOP_PERIOD_MS = 250;

/** The environment that turns the lines on, for a server process. */
export const LOOP_STATS_ENVIRONMENT: Record<string, string> = {
  [LOOP_STATS_ENV]: String(LOOP_PERIOD_MS),
};

export interface LoopDelay {
  /** The worst p99 of the periods of the window. */
  p99Ms: number;
  /** The worst single delay of the window. */
  maxMs: number;
}

/** Parse the loop lines of a pino log (JSON lines); other lines are skipped. */
export function loopLines(text: string): (LoopStatsLine & { time: number })[] {
  const lines: (LoopStatsLine & { time: number })[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes(LOOP_STATS_MSG)) continue;
    try {
      const entry = JSON.parse(line) as LoopStatsLine & { time: number; msg: string };
      if (entry.msg === LOOP_STATS_MSG) lines.push(entry);
    } catch {
      /* a line cut by a write in progress */
    }
  }
  return lines;
}

/**
 * The delay over [fromMs, toMs] (Date.now() values): the periods that end inside the window or
 * one period after it. Waits for that last period to be logged. Undefined if no line covers it.
 */
export async function loopDelayOf(
  logFile: string,
  fromMs: number,
  toMs: number,
): Promise<LoopDelay | undefined> {
  const wait = toMs + LOOP_PERIOD_MS * 1.5 - Date.now();
  if (wait > 0) await sleep(wait);
  let text: string;
  try {
    text = await readFile(logFile, 'utf8');
  } catch {
    return undefined;
  }
  const inWindow = loopLines(text).filter(
    (l) => l.time > fromMs && l.time <= toMs + LOOP_PERIOD_MS,
  );
  if (inWindow.length === 0) return undefined;
  return {
    p99Ms: Math.max(...inWindow.map((l) => l.p99Ms)),
    maxMs: Math.max(...inWindow.map((l) => l.maxMs)),
  };
}
