#!/usr/bin/env node
// fdfs_monitor <client_cfg_file> [-h <tracker_server>] [list|delete|set_trunk_server <group_name>
// [storage_id]] (§12): lists groups and storages (LIST_ALL_GROUPS, LIST_STORAGE on one tracker
// connection), deletes a group or a storage, or sets the trunk server (on every tracker).
import { parseTrackerAddress, type TrackerAddress } from '../../common/config/values.js';
import { Errno } from '../../protocol/errno.js';
import { groupBlock, storageBlock } from './monitor-format.js';
import {
  deleteGroup,
  deleteStorage,
  listGroups,
  listStorages,
  setTrunkServer,
} from './monitor-calls.js';
import { readClientConfig, ToolClients } from './tool-client.js';
import { runTool, step, ToolFailure, UsageFailure, type ToolMain } from './tool-runner.js';
import type { FramedConnection } from '../../common/connection.js';

const USAGE =
  '\nUsage:\n' +
  '  fdfs_monitor <client_cfg_file> [-h <tracker_server>]\n' +
  '  [list|delete|set_trunk_server <group_name> [storage_id]]\n\n' +
  'Note:\n' +
  '  the tracker server format: host[:port], the tracker default port is 22122\n' +
  '  fdfs_monitor without parameter equals: fdfs_monitor /etc/fdfs/client.conf\n\n';

interface MonitorArgs {
  conf: string;
  trackerServer: string | undefined;
  op: string;
  rest: string[];
}

function parseArgs(args: string[]): MonitorArgs {
  const conf = args[0] ?? '/etc/fdfs/client.conf';
  let i = 1;
  let trackerServer: string | undefined;
  if (args[i]?.startsWith('-h')) {
    if (args[i] === '-h') {
      trackerServer = args[i + 1];
      if (trackerServer === undefined) throw new UsageFailure(USAGE);
      i += 2;
    } else {
      trackerServer = args[i]!.slice(2);
      i++;
    }
  }
  const op = args[i] ?? 'list';
  return { conf, trackerServer, op, rest: args.slice(i + 1) };
}

/** The index of the `-h` tracker among the configured ones, or a random one (as C). */
function chooseIndex(trackers: readonly TrackerAddress[], wanted: string | undefined): number {
  if (wanted === undefined) return Math.floor(Math.random() * trackers.length);
  const want = parseTrackerAddress(wanted);
  const index = trackers.findIndex(
    (t) => t.port === want.port && want.hosts.some((h) => t.hosts.includes(h)),
  );
  if (index < 0) throw new ToolFailure(`tracker server: ${wanted} not exists!`, Errno.ENOENT);
  return index;
}

async function list(conn: FramedConnection, group: string | undefined): Promise<string> {
  const groups = await listGroups(conn);
  let text = group === undefined ? `group count: ${groups.length}\n` : '';
  let k = 0;
  for (const g of groups) {
    k++;
    if (group !== undefined && g.groupName !== group) continue;
    const storages = await listStorages(conn, g.groupName);
    if (group === undefined) text += `\nGroup ${k}:\n`;
    text += groupBlock(g, storages);
    text += storages.map((s, i) => storageBlock(i + 1, s, storages)).join('');
    if (group !== undefined) break;
  }
  return text;
}

const monitorMain: ToolMain = async (args, out) => {
  const a = parseArgs(args);
  const config = await readClientConfig(a.conf);
  const all = config.trackerServers;
  const index = chooseIndex(all, a.trackerServer);
  const clients = new ToolClients(config, [...all.slice(index), ...all.slice(0, index)]);
  try {
    out.write(`tracker server count=${all.length}, current server index=${index}\n\n`);
    await clients.tracker.use(async (conn) => {
      out.write(`tracker server is ${conn.server}\n\n`);
      const [group, storageId] = a.rest;
      const each = (): ReturnType<ToolClients['newTrackerClient']>[] =>
        all.map((t) => clients.newTrackerClient([t]));
      if (a.op === 'list') {
        out.write(await step('list groups', () => list(conn, group)));
      } else if (a.op === 'delete' && group !== undefined && storageId === undefined) {
        await step(`delete group: ${group}`, () => deleteGroup(each(), group));
        out.write(`delete group: ${group} success\n`);
      } else if (a.op === 'delete' && group !== undefined && storageId !== undefined) {
        const what = `delete storage server ${group}::${storageId}`;
        await step(what, () => deleteStorage(each(), group, storageId));
        out.write(`${what} success\n`);
      } else if (a.op === 'set_trunk_server' && group !== undefined) {
        const what = `set trunk server ${group}::${storageId ?? ''}`;
        const id = await step(what, () => setTrunkServer(each(), group, storageId ?? ''));
        out.write(`${what} success, new trunk server: ${id}\n`);
      } else {
        throw new UsageFailure(`Invalid command ${a.op}\n\n${USAGE}`);
      }
    });
  } finally {
    await clients.close();
  }
};

runTool(monitorMain);
