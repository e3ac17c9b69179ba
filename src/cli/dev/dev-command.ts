// `fdfs dev` (what `npm start` runs): write the local cluster's configuration under ./data (or
// --data-dir), start the tracker and both storages, wait until the tracker lists both ACTIVE,
// then print the tracker's address and commands ready to paste. Ctrl-C (SIGINT) or SIGTERM
// closes everything; the next start reuses the data.
import { relative } from 'node:path';
import type { Command } from 'commander';
import { FastDfsClient } from '../../client/fastdfs-client.js';
import { StorageStatus, storageStatusCaption } from '../../protocol/status.js';
import { parseCount, reportFailure } from '../commands/client-context.js';
import { startDevCluster, type DevCluster } from './dev-cluster.js';
import { DEV_GROUP, devLayout, writeDevConfig, type DevLayout } from './dev-config.js';

interface DevFlags {
  dataDir: string;
  trackerPort: string;
  storagePort: string;
  waitActive: string;
  logs?: boolean;
  verbose?: boolean;
}

const say = (line = ''): void => void process.stdout.write(`${line}\n`);

/**
 * Wait until the tracker routes uploads and lists every storage ACTIVE. The second storage joins a
 * group that already has a member: it goes WAIT_SYNC → SYNCING → OFFLINE → ACTIVE once the first
 * has copied its files to it (§8.7). Rejects after `timeoutMs`, naming the storages not ACTIVE.
 */
async function waitActive(layout: DevLayout, timeoutMs: number): Promise<void> {
  const client = new FastDfsClient({ trackers: [layout.trackerAddress], connectTimeoutMs: 1000 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      let notActive: string[] = layout.storages.map((s) => `${s.id} (not joined)`);
      let routes = false;
      try {
        const listed = await client.listStorages(DEV_GROUP);
        notActive = layout.storages
          .map((s) => ({ s, stat: listed.find((l) => l.id === s.id) }))
          .filter(({ stat }) => stat?.status !== StorageStatus.ACTIVE)
          .map(
            ({ s, stat }) => `${s.id} (${stat ? storageStatusCaption(stat.status) : 'not joined'})`,
          );
        await client.queryStore();
        routes = true;
      } catch {
        /* not joined yet */
      }
      if (routes && notActive.length === 0) return;
      if (Date.now() > deadline) {
        const what = routes ? notActive.join(', ') : 'the tracker routes no upload yet';
        throw new Error(`the cluster is not ACTIVE after ${timeoutMs / 1000} s: ${what}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await client.close();
  }
}

function printReady(layout: DevLayout, cluster: DevCluster): void {
  const rel = relative(process.cwd(), layout.clientConfigPath);
  const conf = rel === '' || rel.startsWith('..') ? layout.clientConfigPath : rel;
  const confFlag = conf === 'data/client.conf' ? '' : ` -c ${conf}`;
  say();
  say(`fastdfs-ts local cluster is ready: tracker ${layout.trackerAddress}`);
  for (const s of layout.storages) {
    say(`  storage ${s.id}  ${DEV_GROUP}  127.0.0.1:${s.port}  ACTIVE`);
  }
  say(`  client.conf: ${conf}`);
  say(`  data:        ${layout.dataDir}`);
  say(`  logs:        ${[...new Set(cluster.logFiles)].join(', ')}`);
  say();
  say('Try (in another terminal):');
  say(`  echo hello > /tmp/hello.txt`);
  say(`  npx fdfs upload${confFlag} /tmp/hello.txt          # prints a file id`);
  say(`  npx fdfs download${confFlag} <file id> /tmp/back.txt`);
  say(`  npx fdfs info${confFlag} <file id>`);
  say(`  npx fdfs monitor${confFlag}`);
  say(`  FDFS_CLIENT_CONF=${layout.clientConfigPath} npx fdfs bench`);
  say();
  say('Press Ctrl-C to stop; the next start keeps the files.');
}

async function runDev(flags: DevFlags): Promise<number> {
  const layout = devLayout(flags.dataDir, {
    tracker: parseCount(flags.trackerPort, '--tracker-port'),
    storage: parseCount(flags.storagePort, '--storage-port'),
  });
  await writeDevConfig(layout);
  say(
    `starting a tracker on ${layout.trackerAddress} and storages ${layout.storages.map((s) => `${s.id} on 127.0.0.1:${s.port}`).join(' and ')} ...`,
  );
  const cluster = await startDevCluster(layout, flags.logs === true).catch((err: unknown) => {
    const e = err as NodeJS.ErrnoException;
    if (e?.code !== 'EADDRINUSE') throw err;
    // Keep the errno (98) as the exit code, with a hint in the one line.
    e.message =
      `${e.message}: is another \`fdfs dev\` running? ` +
      'Stop it, or choose other ports with --tracker-port and --storage-port';
    throw e;
  });
  say(`waiting (up to ${flags.waitActive} s) for the tracker to list both storages ACTIVE ...`);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      say('\nstopping ...');
      await cluster.close();
      say('stopped; the data is kept in ' + layout.dataDir);
    })();
    return stopping;
  };
  const stopped = new Promise<void>((resolve) => {
    const onSignal = (): void => void stop().then(resolve);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  try {
    const ready = await Promise.race([
      waitActive(layout, parseCount(flags.waitActive, '--wait-active') * 1000).then(() => true),
      stopped.then(() => false),
    ]);
    if (ready) printReady(layout, cluster);
  } catch (err) {
    await stop();
    throw err;
  }
  await stopped;
  return 0;
}

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description(
      'run a local cluster: a tracker and two storages of group1 on 127.0.0.1 (npm start)',
    )
    .option('--data-dir <dir>', 'where the configuration, files and logs go', 'data')
    .option('--tracker-port <port>', 'the tracker’s port', '22122')
    .option(
      '--storage-port <port>',
      'the first storage’s port (the second takes the next)',
      '23000',
    )
    .option('--wait-active <seconds>', 'how long to wait for both storages to be ACTIVE', '60')
    .option('--logs', 'log to the terminal instead of the log files')
    .option('--verbose', 'print the stack of a failure')
    .action(async (flags: DevFlags) => {
      try {
        process.exitCode = await runDev(flags);
      } catch (err) {
        process.exitCode = reportFailure('fdfs dev', err, flags.verbose === true);
      }
      // The servers are closed and their state saved: leave now, whatever timers a library left.
      process.exit();
    });
}
