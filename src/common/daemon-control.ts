// `stop`, `status` and the start check of a server daemon, through its pid file, with the messages
// and exit codes of libfastcommon's process_ctrl.c (errno values as exit codes).
import { setTimeout as sleep } from 'node:timers/promises';
import { Errno } from '../protocol/errno.js';
import { isProcessAlive, readPidFile, removePidFile, runningPid } from './pid-file.js';

/** ESRCH: kill() found no such process. */
const ESRCH = 3;

export interface StopOptions {
  /** Where the progress lines go (stderr, as in C). */
  print(line: string): void;
  /** Give up waiting and SIGKILL after this long (C: 300 × 100 ms). */
  timeoutMs?: number;
  pollMs?: number;
  /** No message when nothing runs (restart). */
  quiet?: boolean;
}

function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGTERM the process named in the pid file and wait for it to exit, re-sending SIGTERM every
 * 10 polls and SIGKILL after the timeout (process_stop_ex). A pid file left behind by a killed
 * process is removed. Returns 0, or the errno as C's `stop` does: ENOENT without a pid file,
 * ESRCH when its process is gone.
 */
export async function stopDaemon(pidFile: string, options: StopOptions): Promise<number> {
  const { print, quiet = false } = options;
  const pollMs = options.pollMs ?? 100;
  const maxPolls = Math.ceil((options.timeoutMs ?? 30_000) / pollMs);
  const pid = await readPidFile(pidFile).catch(() => undefined);
  if (pid === undefined) {
    if (!quiet) print(`pid file: ${pidFile} not exist!`);
    return Errno.ENOENT;
  }
  if (!signal(pid, 'SIGTERM')) {
    if (!quiet) print(`kill pid: ${pid} fail, errno: ${ESRCH}, error info: No such process`);
    await removePidFile(pidFile, pid);
    return ESRCH;
  }
  print(`waiting for pid [${pid}] exit ...`);
  let polls = 0;
  for (; polls < maxPolls; polls++) {
    if (!signal(pid, polls % 10 === 0 && polls > 0 ? 'SIGTERM' : 0)) break;
    await sleep(pollMs);
  }
  if (polls === maxPolls && signal(pid, 'SIGKILL')) {
    print(`waiting for pid [${pid}] exit timeout, force kill!`);
    for (let i = 0; i < 50 && isProcessAlive(pid); i++) await sleep(pollMs);
  }
  await removePidFile(pidFile, pid);
  print(`pid [${pid}] exit.\n`);
  return 0;
}

/** `status`: "Running, pid: N" (0) or "NOT running" (ENOENT), on stdout as in C. */
export async function daemonStatus(pidFile: string, print: (line: string) => void) {
  const pid = await runningPid(pidFile);
  print(pid === undefined ? 'NOT running' : `Running, pid: ${pid}`);
  return pid === undefined ? Errno.ENOENT : 0;
}

/**
 * The start check (process_start): a message and EEXIST when the daemon of this pid file runs
 * already; undefined when starting is fine (no file, or a stale one).
 */
export async function alreadyRunning(
  pidFile: string,
  program: string,
): Promise<{ message: string; exitCode: number } | undefined> {
  const pid = await runningPid(pidFile);
  if (pid === undefined) return undefined;
  return {
    message: `process ${program} already running, pid: ${pid} (pid file ${pidFile})`,
    exitCode: Errno.EEXIST,
  };
}
