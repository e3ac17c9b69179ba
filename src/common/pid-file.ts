// The pid file of a server daemon (`<base_path>/data/fdfs_trackerd.pid`), kept as libfastcommon's
// process_ctrl.c keeps it: the decimal pid and nothing else. A pid file whose process is gone, or
// whose pid now belongs to another program, is stale and does not block a start.
import { readFileSync, unlinkSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';

/** The pid in the file; undefined when there is no file or it holds no positive number. */
export async function readPidFile(path: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Write this process's pid (atomically: a reader never sees half a number). */
export async function writePidFile(path: string, pid: number = process.pid): Promise<void> {
  await writeFileAtomic(path, String(pid));
}

/** Remove the file if it still names `pid` (another process may have taken it over). */
export async function removePidFile(path: string, pid: number = process.pid): Promise<boolean> {
  if ((await readPidFile(path)) !== pid) return false;
  try {
    await unlink(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** removePidFile for an exit handler, where nothing asynchronous runs any more. */
export function removePidFileSync(path: string, pid: number = process.pid): void {
  try {
    if (Number.parseInt(readFileSync(path, 'utf8').trim(), 10) === pid) unlinkSync(path);
  } catch {
    /* gone already, or unreadable: nothing to remove */
  }
}

/** kill(pid, 0): does the process exist? EPERM means it exists but belongs to someone else. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** argv[0]'s base name of a process, from /proc; undefined where /proc cannot tell. */
function programName(pid: number): string | undefined {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const argv0 = cmdline.split('\0')[0];
    return argv0 ? basename(argv0) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Is the daemon of this pid file running? As process_start does: the pid is alive, is not this
 * process (a container restarted as pid 1 finds its own old pid), and, where /proc tells, runs
 * the same program as this process (a reused pid of another program is stale).
 */
export async function runningPid(path: string): Promise<number | undefined> {
  const pid = await readPidFile(path);
  if (pid === undefined || pid === process.pid || !isProcessAlive(pid)) return undefined;
  const theirs = programName(pid);
  const ours = programName(process.pid);
  if (theirs !== undefined && ours !== undefined && theirs !== ours) return undefined;
  return pid;
}
