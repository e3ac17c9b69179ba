#!/usr/bin/env node
// `fdfs`: one command with subcommands, each registered by one line below: the servers
// (`tracker`, `storage`), the client commands (src/cli/commands/) and the local cluster
// (`dev`, src/cli/dev/).
import { Command, CommanderError } from 'commander';
import { packageVersion } from '../common/version.js';
import { Errno } from '../protocol/errno.js';
import { DEFAULT_WIRE_VERSION } from '../protocol/constants.js';
import {
  registerBenchCommand,
  registerInfoCommands,
  registerMonitorCommand,
  registerTrackerStatusCommand,
  registerTransferCommands,
} from './commands/index.js';
import { registerDevCommand } from './dev/dev-command.js';
import { registerServerCommand } from './server-command.js';

export function buildProgram(): Command {
  const program = new Command('fdfs')
    .description('fastdfs-ts: FastDFS in TypeScript (tracker, storage, client and tools)')
    .version(
      `${packageVersion()} (wire-compatible with FastDFS ${DEFAULT_WIRE_VERSION})`,
      '-V, --version',
    )
    .showHelpAfterError()
    .exitOverride();

  registerTransferCommands(program);
  registerInfoCommands(program);
  registerMonitorCommand(program);
  registerTrackerStatusCommand(program);
  registerBenchCommand(program);
  registerDevCommand(program);
  registerServerCommand(program, 'tracker');
  registerServerCommand(program, 'storage');

  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    // Usage errors (commander has printed them): EINVAL, as every bad input. --help: 0.
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : Errno.EINVAL);
    process.stderr.write(`fdfs: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
