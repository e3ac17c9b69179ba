// No blocking (*Sync) file-system call in any request path: they are fast on tmpfs and stall
// every connection on a real disk (issue 4). Start-up and shutdown code may use them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './support/paths.js';

/** Folders whose code runs while serving requests. */
const REQUEST_PATHS = [
  'src/protocol',
  'src/client',
  'src/storage',
  'src/tracker/service',
  'src/tracker/state',
  'src/tracker/relation',
  'src/tracker/persist',
  'src/common/connection.ts',
  'src/common/server-connection.ts',
  'src/common/framed-server.ts',
  'src/common/pool.ts',
  'src/common/request-writer.ts',
  'src/common/reply-reader.ts',
];

/**
 * Code that runs only on a worker thread, where a synchronous call stalls no connection: the
 * small-file jobs (issue 4 allows worker threads). The second test checks that nothing but the
 * worker's entry point loads it.
 */
const WORKER_ONLY = ['src/storage/store/small-io/jobs.ts'];
const WORKER_ENTRY = 'src/storage/store/small-io/worker.ts';

function sources(path: string): string[] {
  const full = join(REPO_ROOT, path);
  if (!statSync(full, { throwIfNoEntry: false })) return [];
  if (statSync(full).isFile()) return [full];
  return readdirSync(full).flatMap((name) => sources(join(path, name)));
}

test('no *Sync call in request-path code', () => {
  const offenders: string[] = [];
  const files = REQUEST_PATHS.flatMap(sources).filter(
    (f) => f.endsWith('.ts') && !/\.test(\.helper)?\.ts$/.test(f),
  );
  assert.ok(files.length > 50, `scanned ${files.length} files`);
  for (const file of files) {
    if (WORKER_ONLY.includes(relative(REPO_ROOT, file))) continue;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/\b[a-z][A-Za-z]*Sync\s*\(/.test(line) && !line.trimStart().startsWith('//')) {
          offenders.push(`${relative(REPO_ROOT, file)}:${i + 1}: ${line.trim()}`);
        }
      });
  }
  assert.deepEqual(offenders, []);
});

test('the worker-only code is loaded by the worker alone (type imports aside)', () => {
  const offenders: string[] = [];
  const files = REQUEST_PATHS.flatMap(sources).filter(
    (f) => f.endsWith('.ts') && !/\.test(\.helper)?\.ts$/.test(f),
  );
  for (const file of files) {
    const name = relative(REPO_ROOT, file);
    if (name === WORKER_ENTRY) continue;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const loads = WORKER_ONLY.some((w) =>
          line.includes(`/${w.split('/').pop()!.replace(/\.ts$/, '.js')}'`),
        );
        if (loads && /\bfrom\s+'/.test(line) && !line.trimStart().startsWith('import type')) {
          offenders.push(`${name}:${i + 1}: ${line.trim()}`);
        }
      });
  }
  assert.deepEqual(offenders, []);
  // And the worker does load it: the check above looks at the right import.
  assert.match(readFileSync(join(REPO_ROOT, WORKER_ENTRY), 'utf8'), /from '\.\/jobs\.js'/);
});
