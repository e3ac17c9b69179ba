// The recorded C tool runs (test/vectors/tools/INDEX.json) and how to run our tool of the same
// name the same way: its config file, the small local files of the recording (README "Captured
// small files"), the command line, TZ=UTC.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST_DIR } from './paths.js';
import { readVectorJson, vectorPath } from './vectors.js';

export interface ToolRun {
  file: string;
  tool: string;
  case: string;
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function toolRuns(): ToolRun[] {
  return readVectorJson<ToolRun[]>('tools/INDEX.json');
}

/** Our script for each FastDFS tool name (package.json `bin`). */
export const TOOL_SCRIPTS: Record<string, string> = {
  fdfs_upload_file: 'upload-file',
  fdfs_upload_appender: 'upload-appender',
  fdfs_append_file: 'append-file',
  fdfs_download_file: 'download-file',
  fdfs_delete_file: 'delete-file',
  fdfs_file_info: 'file-info',
  fdfs_crc32: 'crc32',
  fdfs_regenerate_filename: 'regenerate-filename',
  fdfs_monitor: 'monitor',
  fdfs_test: 'fdfs-test',
  fdfs_test1: 'fdfs-test1',
  fdfs_appender_test: 'appender-test',
  fdfs_storage_stat: 'storage-stat',
  fdfs_volumn_stat: 'volumn-stat',
  fdfs_tracker_stat: 'tracker-stat',
};

export function toolScript(tool: string): string {
  const name = TOOL_SCRIPTS[tool];
  if (!name) throw new Error(`no script for ${tool}`);
  return join(DIST_DIR, 'cli', 'tools', `${name}.js`);
}

/** The small files the recorded runs uploaded. */
export const LOCAL_FILES: Record<string, string> = {
  'hello.txt': 'Hello FastDFS golden vector!\n',
  'pic.jpg': 'JPEGDATA-0123456789abcdefghijklmnopqrstuv',
  'part1.log': 'appender-part-1\n',
  'part2.log': 'appender-part-2\n',
  'apptest.txt': 'appender-test-0123456789-ABCDEFGHIJKLMNO',
  'small.tar.gz': 'tgz-content-64bytes-0123456789-0123456789-0123456789-0123456789!',
  empty: '',
};

/** A folder with the local files and the run's client.conf files (paths filled in). */
export function runFolder(cluster: 'A' | 'B'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'fdfs-tool-run-'));
  for (const [name, text] of Object.entries(LOCAL_FILES)) writeFileSync(join(dir, name), text);
  const confs =
    cluster === 'A'
      ? { 'client.conf': 'A-client.conf' }
      : {
          'client.conf': 'B-client.conf',
          'client_t1.conf': 'B-client_t1.conf',
          'client_noids.conf': 'B-client_noids.conf',
          'client_loadparams.conf': 'B-client_loadparams.conf',
          'storage_ids.conf': 'B-storage_ids.conf',
        };
  for (const [name, source] of Object.entries(confs)) {
    const text = readFileSync(vectorPath('tools', 'conf', source), 'utf8')
      .replaceAll('<base_path>', dir)
      .replaceAll('<conf_dir>', dir);
    writeFileSync(join(dir, name), text);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The arguments of a recorded command line ("TZ=UTC fdfs_x a b" → ["a", "b"]). */
export function commandArgs(command: string): string[] {
  const words = command.split(' ');
  return words.slice(words.indexOf(words.find((w) => w.startsWith('fdfs_'))!) + 1);
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run our tool `tool` with `args` in `cwd` (TZ=UTC), bounded in time. */
export function runOurTool(
  tool: string,
  args: string[],
  cwd: string,
  timeoutMs = 20_000,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [toolScript(tool), ...args], {
      cwd,
      env: { ...process.env, TZ: 'UTC' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
