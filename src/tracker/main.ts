#!/usr/bin/env node
// fdfs_trackerd [options] <config_file> [start | stop | restart | status]: the FastDFS tracker
// daemon's command line (daemon-args.ts), running the tracker of daemon.ts in this process.
import { basename } from 'node:path';
import { daemonUsage, parseDaemonArgs } from '../common/daemon-args.js';
import { packageVersion } from '../common/version.js';
import { DEFAULT_WIRE_VERSION } from '../protocol/constants.js';
import { trackerDaemon } from './daemon.js';

const PROGRAM = 'fdfs_trackerd';

async function main(argv: string[]): Promise<number> {
  const args = parseDaemonArgs(argv);
  const shown = basename(process.argv[1] ?? PROGRAM) === 'main.js' ? PROGRAM : process.argv[1]!;
  switch (args.kind) {
    case 'help':
      process.stderr.write(daemonUsage(shown));
      return 0;
    case 'version':
      process.stdout.write(
        `${PROGRAM} ${packageVersion()} (wire-compatible with FastDFS ${DEFAULT_WIRE_VERSION})\n`,
      );
      return 0;
    case 'usage':
      if (args.message) process.stderr.write(`${args.message}\n`);
      process.stderr.write(daemonUsage(shown));
      return args.exitCode;
    case 'run':
      return trackerDaemon(args.action, {
        configPath: args.configPath,
        foreground: args.foreground,
        program: PROGRAM,
      });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${PROGRAM}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
