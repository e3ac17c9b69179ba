// Resident memory and CPU time of another process, from Linux's /proc/<pid>/status and
// /proc/<pid>/stat (proc(5)). Elsewhere, or for a process that is gone, the answer is undefined.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

export interface ProcStats {
  /** VmRSS, in MB (2^20 bytes). */
  rssMb: number;
  /** utime + stime, in seconds. */
  cpuS: number;
}

let clockTicks: number | undefined;

/** sysconf(_SC_CLK_TCK): the unit of utime and stime; 100 on every common Linux. */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      clockTicks = 100;
    }
    if (!Number.isFinite(clockTicks) || clockTicks <= 0) clockTicks = 100;
  }
  return clockTicks;
}

/** CPU seconds (user + system) from the text of /proc/<pid>/stat. */
export function parseProcStatCpu(text: string, ticks: number): number {
  // Field 2 (comm) is in parentheses and may hold spaces: count the fields after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state), so utime (field 14) is rest[11] and stime (field 15) rest[12].
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error(`unexpected /proc/<pid>/stat: ${text.slice(0, 80)}`);
  }
  return (utime + stime) / ticks;
}

/** A `kB` line of /proc/<pid>/status (VmRSS, VmHWM...) in MB. */
export function parseProcStatusMb(text: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(text);
  if (!m) throw new Error(`no ${field} line in /proc/<pid>/status`);
  return Number(m[1]) / 1024;
}

/** VmRSS in MB from the text of /proc/<pid>/status. */
export function parseProcStatusRss(text: string): number {
  return parseProcStatusMb(text, 'VmRSS');
}

/** VmRSS and VmHWM (the peak resident size) of a process, in MB; undefined if unreadable. */
export function readRss(pid: number): { rssMb: number; peakMb: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rssMb: parseProcStatusMb(text, 'VmRSS'), peakMb: parseProcStatusMb(text, 'VmHWM') };
  } catch {
    return undefined;
  }
}

/**
 * Reset VmHWM to the current RSS (`echo 5 > /proc/<pid>/clear_refs`, Linux ≥ 4.0), so that a
 * later VmHWM is the peak of what follows. False where that is not allowed.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export function readProcStats(pid: number): ProcStats | undefined {
  try {
    return {
      rssMb: parseProcStatusRss(readFileSync(`/proc/${pid}/status`, 'utf8')),
      cpuS: parseProcStatCpu(readFileSync(`/proc/${pid}/stat`, 'utf8'), ticksPerSecond()),
    };
  } catch {
    return undefined;
  }
}
