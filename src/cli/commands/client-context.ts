// What every client subcommand of `fdfs` shares: where the client configuration comes from
// (-c, --tracker, FDFS_CLIENT_CONF, then the local cluster's ./data/client.conf), the options
// that say so, and one way to fail: one line on stderr, the errno as the exit code, the stack
// only with --verbose.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { FdfsError } from '../../common/errors.js';
import { FastDfsClient } from '../../client/fastdfs-client.js';

/** The local cluster's client.conf (written by `fdfs dev`, relative to the working folder). */
export const LOCAL_CLIENT_CONF = 'data/client.conf';

export interface ClientFlags {
  config?: string;
  tracker?: string[];
  json?: boolean;
  verbose?: boolean;
}

/** -c, --tracker, --verbose (and --json where the command prints data). */
export function addClientOptions(cmd: Command, json = false): Command {
  cmd
    .option(
      '-c, --config <file>',
      'client.conf (default: $FDFS_CLIENT_CONF, then ./data/client.conf)',
    )
    .option(
      '-t, --tracker <host:port>',
      'a tracker to use instead of a client.conf (repeatable)',
      collect,
      [],
    )
    .option('--verbose', 'print the stack of a failure');
  if (json) cmd.option('--json', 'machine-readable output');
  return cmd;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Which configuration a command uses, in the order -c, --tracker, $FDFS_CLIENT_CONF, ./data. */
export function configSource(flags: ClientFlags, env = process.env): string | string[] {
  if (flags.config) return flags.config;
  if (flags.tracker && flags.tracker.length > 0) return flags.tracker;
  if (env['FDFS_CLIENT_CONF']) return env['FDFS_CLIENT_CONF'];
  const local = resolve(LOCAL_CLIENT_CONF);
  if (existsSync(local)) return local;
  throw new FdfsError(
    'ERR_INVALID_ARGUMENT',
    'no client configuration: give -c <client.conf> or --tracker <host:port>, set ' +
      'FDFS_CLIENT_CONF, or start the local cluster with `npm start`',
  );
}

export async function openClient(flags: ClientFlags): Promise<FastDfsClient> {
  const source = configSource(flags);
  return FastDfsClient.create(typeof source === 'string' ? source : { trackers: source });
}

/** The exit code of a failure: its errno, or 1 when it has none. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof FdfsError && err.errno > 0 && err.errno < 256) return err.errno;
  const code = (err as NodeJS.ErrnoException | undefined)?.errno;
  if (typeof code === 'number' && code < 0 && -code < 256) return -code;
  return 1;
}

export function reportFailure(program: string, err: unknown, verbose: boolean): number {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${program}: ${message}\n`);
  if (verbose && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return exitCodeOf(err);
}

/**
 * Run a subcommand with a client: its flags are the command's last option object. Failures set
 * the exit code; the client is always closed.
 */
export async function withClient(
  name: string,
  flags: ClientFlags,
  fn: (client: FastDfsClient) => Promise<void>,
): Promise<void> {
  let client: FastDfsClient | undefined;
  try {
    client = await openClient(flags);
    await fn(client);
  } catch (err) {
    process.exitCode = reportFailure(`fdfs ${name}`, err, flags.verbose === true);
  } finally {
    await client?.close().catch(() => undefined);
  }
}

/** A failure of the user's input (EINVAL). */
export function badInput(message: string): FdfsError {
  return new FdfsError('ERR_INVALID_ARGUMENT', message);
}

/** "key=value" pairs → metadata entries. */
export function parseMetaPairs(pairs: readonly string[]): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw badInput(`metadata "${pair}": expected name=value`);
    meta[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return meta;
}

/** A non-negative integer argument. */
export function parseCount(text: string, what: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw badInput(`${what} "${text}": expected a non-negative integer`);
  }
  return Number(text);
}

export function printJson(value: unknown): void {
  process.stdout.write(
    `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2)}\n`,
  );
}
