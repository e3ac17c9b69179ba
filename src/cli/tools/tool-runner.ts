// How every FastDFS-named tool runs (§12, §16 #12): argv in, output on stdout, exit code out.
// Successful output is the C tool's, byte for byte. A failure prints ONE line on stderr and
// exits with the errno (the C tools sometimes exit 0 after failing; we don't, see docs/CLI.md).
// `--verbose` anywhere on the command line adds the stack of the error.
import { FdfsError } from '../../common/errors.js';
import { Errno, errnoFromNodeCode, errnoMessage } from '../../protocol/errno.js';

/** A failure with the exact line to print and the errno to exit with. */
export class ToolFailure extends Error {
  constructor(
    readonly line: string,
    readonly errno: number,
    options?: { cause?: unknown },
  ) {
    super(line, options);
    this.name = 'ToolFailure';
  }
}

/** Wrong arguments: the C usage text on stdout, exit 1 (as every C tool does). */
export class UsageFailure extends Error {
  constructor(readonly usage: string) {
    super('usage');
    this.name = 'UsageFailure';
  }
}

/** The Linux errno an error stands for: a server status, a connect failure, a file-system error. */
export function errnoOf(err: unknown): number {
  if (err instanceof ToolFailure) return err.errno;
  if (err instanceof FdfsError) return err.errno;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string') return errnoFromNodeCode(code);
  return Errno.EIO;
}

/** What goes in brackets after the C wording: the server, or our message when it adds something. */
function detailOf(err: unknown): string {
  if (err instanceof FdfsError) {
    if (err.code === 'ERR_SERVER_STATUS') return err.server ? `server: ${err.server}` : '';
    return err.message;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

/** "`what` fail, error no: N, error info: <strerror> (detail)", the C tools' failure wording. */
export function failure(what: string, err: unknown): ToolFailure {
  if (err instanceof ToolFailure) return err;
  const errno = errnoOf(err);
  const detail = detailOf(err);
  const line =
    `${what} fail, error no: ${errno}, error info: ${errnoMessage(errno)}` +
    (detail ? ` (${detail})` : '');
  return new ToolFailure(line, errno, { cause: err });
}

/** Run `what`, turning any error into the tool's one-line failure. */
export async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw failure(what, err);
  }
}

/** Collected stdout: written in one piece at the end, or as it comes for long outputs. */
export interface ToolOutput {
  write(text: string): void;
}

export type ToolMain = (args: string[], out: ToolOutput) => Promise<number | void>;

function writeAll(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (text.length === 0) return resolve();
    stream.write(text, () => resolve());
  });
}

/**
 * The process side of a tool: strips `--verbose`, runs `main`, prints its failure line (or usage),
 * and exits with its code once stdout and stderr are flushed.
 */
export function runTool(main: ToolMain): void {
  const argv = process.argv.slice(2);
  const verbose = argv.includes('--verbose');
  const args = argv.filter((a) => a !== '--verbose');
  const out: ToolOutput = { write: (text) => void process.stdout.write(text) };
  void (async () => {
    let code: number;
    try {
      code = (await main(args, out)) ?? 0;
    } catch (err) {
      if (err instanceof UsageFailure) {
        await writeAll(process.stdout, err.usage);
        code = 1;
      } else {
        const f = failure('operation', err);
        const stack = verbose ? `${stackOf(f.cause ?? f)}\n` : '';
        await writeAll(process.stderr, `${f.line}\n${stack}`);
        code = f.errno === 0 ? 1 : f.errno;
      }
    }
    await writeAll(process.stdout, '');
    process.exit(code);
  })();
}

function stackOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  let text = err.stack ?? err.message;
  if (err.cause !== undefined) text += `\ncaused by: ${stackOf(err.cause)}`;
  return text;
}
