#!/usr/bin/env node
// fdfs_volumn_stat [-c conf] [-A] [-N|-F] [-D] [-d] [-T] [-t] (§12): STORAGE_VOLUMN_STAT (98), one
// line per group, and a summary when there are several; nothing when the list is empty.
import { TrackerCommand } from '../../protocol/commands.js';
import { DEFAULT_SHAPE_LIMITS } from '../../protocol/shapes.js';
import {
  decodeVolumnStatReply,
  encodeVolumnStatFilter,
  type VolumnStat,
} from '../../protocol/structs/index.js';
import { humanSize } from './c-format.js';
import { parseStatArgs } from './stat-args.js';
import { withClients } from './tool-client.js';
import { runTool, step, type ToolMain } from './tool-runner.js';

const USAGE =
  'Usage: fdfs_volumn_stat [-c <config_file>] [-A] [-N|-F] [-D] [-d] [-T] [-t]\n' +
  '\t-A / -N, -F: space available / not available, -D / -d: disk available / not available\n' +
  '\t-T / -t: trunk available / not available\n';

/** (total − reserved − avail) / (total − reserved) × 100, 0.00 when total ≤ reserved. */
function percent(used: number, of: number): string {
  return of <= 0 ? '0.00' : ((used * 100) / of).toFixed(2);
}

function line(name: string, v: VolumnStat, trunk: boolean): string {
  const base = v.totalMb - v.reservedMb;
  let text =
    `${name} disk_available: ${v.isDiskAvailable}` +
    `${trunk ? `, trunk_available: ${v.isTrunkAvailable}` : ''}, disk space {total: ` +
    `${humanSize(v.totalMb)}, free: ${humanSize(v.freeMb)}, reserved: ${humanSize(v.reservedMb)}, ` +
    `avail: ${humanSize(v.availMb)}, util: ${percent(base - v.availMb, base)}%}`;
  if (trunk) {
    const space = v.availMb + v.trunkFreeMb;
    text +=
      `, trunk free space: ${humanSize(v.trunkFreeMb)}, total available {space: ` +
      `${humanSize(space)}, ratio: ${percent(space, base)}%}`;
  }
  return `${text}\n`;
}

const volumnStatMain: ToolMain = async (args, out) => {
  const { conf, flags } = parseStatArgs(args, 'ANFDdTt', USAGE);
  const filter = { filterBy: 0, isDiskAvailable: 0, isTrunkAvailable: 0, isSpaceAvailable: 0 };
  if (flags.has('A') || flags.has('N') || flags.has('F')) {
    filter.filterBy |= 4;
    filter.isSpaceAvailable = flags.has('A') ? 1 : 0;
  }
  if (flags.has('D') || flags.has('d')) {
    filter.filterBy |= 1;
    filter.isDiskAvailable = flags.has('D') ? 1 : 0;
  }
  if (flags.has('T') || flags.has('t')) {
    filter.filterBy |= 2;
    filter.isTrunkAvailable = flags.has('T') ? 1 : 0;
  }
  const reply = await withClients(conf, (c) =>
    step('storage volumn stat', () =>
      c.tracker.use(async (conn) => {
        const r = await conn.request({
          cmd: TrackerCommand.SERVER_STORAGE_VOLUMN_STAT,
          body: encodeVolumnStatFilter(filter),
          reply: { kind: 'whole', maxLength: DEFAULT_SHAPE_LIMITS.maxReplySize },
        });
        return decodeVolumnStatReply(r.body);
      }),
    ),
  );
  const groups = reply.groups;
  if (groups.length === 0) return;
  const trunk = reply.useTrunkFile !== 0;
  let text = '\n';
  for (const g of groups) text += `${line(g.groupName, g, trunk)}\n`;
  if (groups.length === 1) {
    out.write(`${text}storage volumn / group count: 1\n\n`);
    return;
  }
  const sum = (key: keyof VolumnStat): number => groups.reduce((n, g) => n + (g[key] as number), 0);
  const available = groups.filter((g) => g.isDiskAvailable || g.isTrunkAvailable).length;
  const total: VolumnStat = {
    groupName: '',
    totalMb: sum('totalMb'),
    freeMb: sum('freeMb'),
    reservedMb: sum('reservedMb'),
    availMb: sum('availMb'),
    trunkFreeMb: sum('trunkFreeMb'),
    isDiskAvailable: groups.some((g) => g.isDiskAvailable) ? 1 : 0,
    isTrunkAvailable: groups.some((g) => g.isTrunkAvailable) ? 1 : 0,
  };
  const bar = '='.repeat(32);
  text += `${bar} VOLUMNS SUMMARY ${bar}\n${line('', total, trunk)}\n`;
  text += `volumn / group counts {total: ${groups.length}, available: ${available}}\n\n`;
  out.write(text);
};

runTool(volumnStatMain);
