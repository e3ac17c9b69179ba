// The five client-side storage scenarios of issue 8, each one measurement of the `storage`
// scenario on its own: `upload-small`, `download-small` and `mixed` (4 KiB at 1, 16 and 64
// connections; mixed = each connection alternates an upload and a download), `upload-large` and
// `download-large` (256 MiB, 4 MiB in the smoke run). One data location: `--data-dir` when given
// (on disk), else tmpfs (/dev/shm) when there is one. `--tracker host:port` drives the storage
// that tracker routes uploads to instead of starting ours. Each row has the load generator's
// ceiling beside it (the null server answering the same requests at once).
import { StorageCommand } from '#src/protocol/commands.js';
import { spawnNullServer } from '../null-server.js';
import type { ResultRow } from '../report.js';
import type { Scenario, ScenarioOptions } from '../scenario.js';
import {
  dataLocations,
  startOwnStorage,
  useExistingCluster,
  type DataLocation,
  type StorageBenchTarget,
} from '../storage-target.js';
import { CEILING } from './storage-verdicts.js';
import {
  FULL,
  levels,
  measureLarge,
  measureLoad,
  smallLoads,
  SMALL,
  SMOKE,
  type Server,
  type SmallLoad,
} from './storage.js';

type Kind = 'upload-small' | 'download-small' | 'mixed' | 'upload-large' | 'download-large';

/** --data-dir (a disk) when given, else tmpfs when there is one, else the default disk folder. */
function location(options: ScenarioOptions): DataLocation {
  const all = dataLocations(options.dataDir, () => undefined);
  if (options.dataDir !== undefined) return all.find((l) => l.name === 'disk')!;
  return all[0]!;
}

async function withTarget(
  name: Kind,
  options: ScenarioOptions,
  fn: (target: StorageBenchTarget) => Promise<ResultRow[]>,
): Promise<ResultRow[]> {
  const target = options.tracker
    ? await useExistingCluster(options.tracker)
    : await startOwnStorage(location(options), options.smoke);
  options.log(`${name}: files under ${target.where}`);
  try {
    return await fn(target);
  } finally {
    await target.close();
  }
}

function loadOf(kind: Kind, loads: SmallLoad[]): SmallLoad {
  const [upload, download] = loads as [SmallLoad, SmallLoad];
  if (kind === 'upload-small') return upload;
  if (kind === 'download-small') return download;
  return {
    name: 'mixed 4 KiB upload + download',
    frame: upload.frame,
    replyLength: upload.replyLength,
    alternate: { frame: download.frame, replyLength: download.replyLength },
  };
}

async function runSmall(kind: Kind, options: ScenarioOptions): Promise<ResultRow[]> {
  return withTarget(kind, options, async (target) => {
    const load = loadOf(kind, await smallLoads(target));
    const where = ` [${target.location}]`;
    const nullServer = await spawnNullServer('127.0.0.1', {
      [StorageCommand.UPLOAD_FILE]: load.replyLength,
      [StorageCommand.DOWNLOAD_FILE]: SMALL,
    });
    const ceiling: Server = { ...nullServer, logFile: undefined };
    const rows: ResultRow[] = [];
    try {
      for (const connections of levels(options)) {
        options.log(`${kind}: ${load.name}${where} at ${connections} connections...`);
        rows.push(await measureLoad(`${load.name}${where}`, target, load, connections, options));
        const label = `${CEILING}${load.name}`;
        rows.push(await measureLoad(label, ceiling, load, connections, options));
      }
    } finally {
      await nullServer.stop();
    }
    return rows.map((r) => ({ ...r, scenario: kind }));
  });
}

async function runLarge(kind: Kind, options: ScenarioOptions): Promise<ResultRow[]> {
  const sizes = options.smoke ? SMOKE : FULL;
  return withTarget(kind, options, async (target) => {
    const where = ` [${target.location}]`;
    const op = kind === 'upload-large' ? 'upload' : 'download';
    options.log(`${kind}: ${sizes.repeats} × ${sizes.large / 2 ** 20} MiB${where}...`);
    const own = await measureLarge(where, target, target, sizes.large, sizes.repeats);
    const replyLength = (await smallLoads(target))[0]!.replyLength;
    const nullServer = await spawnNullServer('127.0.0.1', {
      [StorageCommand.UPLOAD_FILE]: replyLength,
      [StorageCommand.DOWNLOAD_FILE]: sizes.large,
    });
    try {
      const ceiling = await measureLarge(
        '',
        { ...nullServer, logFile: undefined },
        undefined,
        sizes.large,
        sizes.repeats,
      );
      return [
        ...own.filter((r) => r.label.startsWith(op)),
        ...ceiling
          .filter((r) => r.label.startsWith(op))
          .map((r) => ({ ...r, label: `${CEILING}${r.label}` })),
      ].map((r) => ({ ...r, scenario: kind }));
    } finally {
      await nullServer.stop();
    }
  });
}

function scenario(name: Kind, description: string): Scenario {
  const large = name.endsWith('-large');
  return {
    name,
    description,
    run: (options) => (large ? runLarge(name, options) : runSmall(name, options)),
  };
}

export const uploadSmallScenario = scenario(
  'upload-small',
  '4 KiB UPLOAD_FILE per second at 1/16/64 connections, with the generator ceiling',
);
export const downloadSmallScenario = scenario(
  'download-small',
  '4 KiB DOWNLOAD_FILE per second at 1/16/64 connections, with the generator ceiling',
);
export const mixedScenario = scenario(
  'mixed',
  '4 KiB uploads and downloads alternating on each connection, at 1/16/64 connections',
);
export const uploadLargeScenario = scenario(
  'upload-large',
  '256 MiB uploads in MB/s (4 MiB when smoking), with the generator ceiling',
);
export const downloadLargeScenario = scenario(
  'download-large',
  '256 MiB downloads in MB/s (4 MiB when smoking), with the generator ceiling',
);
