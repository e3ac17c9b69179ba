#!/usr/bin/env node
// `fdfs`: one command with subcommands. Later issues add the servers, the tools and `dev`.
import { Command } from 'commander';
import { packageVersion } from '../common/version.js';
import { DEFAULT_WIRE_VERSION } from '../protocol/constants.js';
import { trackerDaemon } from '../tracker/daemon.js';

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

  program
    .command('tracker')
    .description(
      'run a tracker in this process (as `fdfs_trackerd <conf> start`), for systemd and containers',
    )
    .requiredOption('-c, --config <file>', 'tracker.conf')
    .option('--foreground', 'log to stderr instead of <base_path>/logs/trackerd.log')
    .action(async (options: { config: string; foreground?: boolean }) => {
      const code = await trackerDaemon('start', {
        configPath: options.config,
        foreground: options.foreground === true,
        program: 'fdfs tracker',
      });
      // The server is closed and its state saved: leave now, whatever timers a library left.
      process.exit(code);
    });

  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`fdfs: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
