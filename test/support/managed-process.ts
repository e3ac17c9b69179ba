// One server process of an end-to-end test: spawned with node, its output kept (the last lines,
// for failure messages), signals (SIGTERM, SIGKILL, SIGSTOP / SIGCONT) and a bounded wait for its
// exit. Every child started here is SIGKILLed when the test process exits, whatever happened.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Lines of output kept per stream. */
const KEEP_LINES = 200;

const living = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last resort: a test that crashed or forgot its `after` hook leaves no process behind. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of living) {
      try {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

class LineTail {
  private lines: string[] = [];
  private partial = '';

  push(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    if (this.lines.length > KEEP_LINES) this.lines.splice(0, this.lines.length - KEEP_LINES);
  }

  text(): string {
    return [...this.lines, this.partial].filter((l) => l !== '').join('\n');
  }
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnSpec {
  /** Arguments after the node executable. */
  args: string[];
  /** Files whose tail is shown with the output (a server's log file). */
  logFiles?: string[];
  cwd?: string;
  /** Added to this process's environment. */
  env?: Record<string, string>;
}

/** A running (or finished) child process. */
export class ManagedProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<ExitStatus>;
  private readonly stdout = new LineTail();
  private readonly stderr = new LineTail();
  private status: ExitStatus | undefined;

  constructor(
    readonly name: string,
    private readonly spec: SpawnSpec,
  ) {
    installExitHook();
    this.child = spawn(process.execPath, spec.args, {
      cwd: spec.cwd,
      ...(spec.env ? { env: { ...process.env, ...spec.env } } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    living.add(this.child);
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => this.stdout.push(s));
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => this.stderr.push(s));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        living.delete(this.child);
        this.status = { code, signal };
        resolve(this.status);
      });
      this.child.once('error', () => {
        living.delete(this.child);
        this.status = { code: null, signal: null };
        resolve(this.status);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.status === undefined;
  }

  get exitStatus(): ExitStatus | undefined {
    return this.status;
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running) this.child.kill(sig);
  }

  /** SIGSTOP: the process freezes with its sockets open. */
  pause(): void {
    this.signal('SIGSTOP');
  }

  resume(): void {
    this.signal('SIGCONT');
  }

  /** SIGKILL (after SIGCONT, so a paused process dies too) and wait for the exit. */
  async kill(): Promise<ExitStatus> {
    this.signal('SIGCONT');
    this.signal('SIGKILL');
    return this.exited;
  }

  /** SIGTERM and wait up to `timeoutMs` for a clean exit; then SIGKILL. */
  async stop(timeoutMs = 15_000): Promise<ExitStatus> {
    this.signal('SIGCONT');
    this.signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, timeoutMs, 'late')));
    const first = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (first === 'late') {
      await this.kill();
      throw new Error(
        `${this.name} did not exit within ${timeoutMs} ms of SIGTERM\n${this.logs()}`,
      );
    }
    return first;
  }

  /** The end of stdout, stderr and (unless `files` is false) each log file, for a failure message. */
  logs(files = true): string {
    const parts = [`--- ${this.name} (pid ${this.pid}) ${this.describeStatus()}`];
    const out = this.stdout.text();
    const err = this.stderr.text();
    if (out) parts.push(`[stdout]\n${out}`);
    if (err) parts.push(`[stderr]\n${err}`);
    for (const file of files ? (this.spec.logFiles ?? []) : []) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      const tail = text.split('\n').slice(-KEEP_LINES).join('\n').trim();
      if (tail) parts.push(`[${file}]\n${tail}`);
    }
    return parts.join('\n');
  }

  /** Everything the process wrote on stderr so far (kept lines only). */
  stderrText(): string {
    return this.stderr.text();
  }

  private describeStatus(): string {
    if (!this.status) return 'running';
    return this.status.signal ? `killed by ${this.status.signal}` : `exited ${this.status.code}`;
  }
}
