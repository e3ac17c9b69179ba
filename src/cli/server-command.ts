// `fdfs tracker|storage --config <file> [--foreground]`: `<daemon> <file> start`, then exit.
import type { Command } from 'commander';
import { storageDaemon } from '../storage/daemon.js';
import { trackerDaemon } from '../tracker/daemon.js';

export function registerServerCommand(program: Command, role: 'tracker' | 'storage'): void {
  const daemon = role === 'tracker' ? 'trackerd' : 'storaged';
  const run = role === 'tracker' ? trackerDaemon : storageDaemon;
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
