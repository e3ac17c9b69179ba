// The `main` of a server daemon's executable (fdfs_trackerd, fdfs_storaged): parse the FastDFS
// command line (daemon-args.ts), print the usage or the version, or run the action, then exit
// with its code.
import { basename } from 'node:path';
import { DEFAULT_WIRE_VERSION } from '../protocol/constants.js';
import { daemonUsage, parseDaemonArgs, type DaemonAction } from './daemon-args.js';
import type { DaemonOptions } from './daemon-serve.js';
import { packageVersion } from './version.js';

export type DaemonRunner = (action: DaemonAction, options: DaemonOptions) => Promise<number>;

async function main(program: string, run: DaemonRunner, argv: string[]): Promise<number> {
  const args = parseDaemonArgs(argv);
  // Run as `node dist/<role>/main.js`, say the program's name; through a bin link, its path.
  const shown = basename(process.argv[1] ?? program) === 'main.js' ? program : process.argv[1]!;
  switch (args.kind) {
    case 'help':
      process.stderr.write(daemonUsage(shown));
      return 0;
    case 'version':
      process.stdout.write(
        `${program} ${packageVersion()} (wire-compatible with FastDFS ${DEFAULT_WIRE_VERSION})\n`,
      );
      return 0;
    case 'usage':
      if (args.message) process.stderr.write(`${args.message}\n`);
      process.stderr.write(daemonUsage(shown));
      return args.exitCode;
    case 'run':
      return run(args.action, {
        configPath: args.configPath,
        foreground: args.foreground,
        program,
      });
  }
}

/** Run the daemon's command line (process.argv) and exit with its code. */
export function daemonMain(program: string, run: DaemonRunner): void {
  main(program, run, process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${program}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
