#!/usr/bin/env node
// `fdfs`: one command with subcommands. Later issues add the servers, the tools and `dev`.
import { Command } from 'commander';
import { packageVersion } from '../common/version.js';
import { DEFAULT_WIRE_VERSION } from '../protocol/constants.js';
import type { DaemonRunner } from '../common/daemon-main.js';
import { storageDaemon } from '../storage/daemon.js';
import { trackerDaemon } from '../tracker/daemon.js';

/** `fdfs tracker|storage --config <file> [--foreground]`: `<daemon> <file> start`, then exit. */
function addServerCommand(program: Command, role: 'tracker' | 'storage', run: DaemonRunner): void {
  const daemon = role === 'tracker' ? 'trackerd' : 'storaged';
  program
    .command(role)
    .description(
      `run a ${role} in this process (as \`fdfs_${daemon} <conf> start\`), for systemd and containers`,
    )
    .requiredOption('-c, --config <file>', `${role}.conf`)
    .option('--foreground', `log to stderr instead of <base_path>/logs/${daemon}.log`)
    .action(async (options: { config: string; foreground?: boolean }) => {
      const code = await run('start', {
        configPath: options.config,
        foreground: options.foreground === true,
        program: `fdfs ${role}`,
      });
      // The server is closed and its state saved: leave now, whatever timers a library left.
      process.exit(code);
    });
}

export function buildProgram(): Command {
  const program = new Command('fdfs')
    .description('fastdfs-ts: FastDFS in TypeScript (tracker, storage, client and tools)')
    .version(
      `${packageVersion()} (wire-compatible with FastDFS ${DEFAULT_WIRE_VERSION})`,
      '-V, --version',
    )
    .showHelpAfterError();

  program
    .command('dev')
    .description('run a local cluster: a tracker and two storages in one group')
    .action(() => {
      // The local cluster needs the tracker, storage and replication work; until it lands,
      // say plainly what is here instead of failing silently.
      process.stdout.write(
        [
          'fastdfs-ts: the local cluster (a tracker and two storages) is not built yet.',
          'Available so far:',
          '  - the FastDFS wire codec, file IDs and configuration parser (import "fastdfs-ts")',
          '  - npm test      runs the test suite against the recorded FastDFS 6.16.1 vectors',
          '  - npm run bench -- codec   measures the codec',
          '',
        ].join('\n'),
      );
    });

  addServerCommand(program, 'tracker', trackerDaemon);
  addServerCommand(program, 'storage', storageDaemon);

  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`fdfs: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
