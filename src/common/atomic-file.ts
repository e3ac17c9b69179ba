// Atomic file replacement: write `<name>.tmp`, fsync it, rename over `<name>`, fsync the folder.
// A SIGKILL at any moment leaves either the old or the new file, never a torn one (§9.9).
import { lstat, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp`;
  const file = await open(tmp, 'w', 0o644);
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  // Persist the rename itself; a folder that cannot be opened for sync (some file systems) is tolerated.
  try {
    const dir = await open(dirname(path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    /* best effort */
  }
}

/**
 * Remove the `<name>.tmp` files that a kill between write and rename left in `dir` (never the
 * `.tmp` folder itself). Only for start-up, before anything writes atomically there again.
 */
export async function removeAtomicLeftovers(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!/^.+\.tmp$/.test(name)) continue;
    const path = join(dir, name);
    try {
      if (!(await lstat(path)).isFile()) continue;
      await rm(path, { force: true });
      removed.push(path);
    } catch {
      /* gone meanwhile */
    }
  }
  return removed;
}
