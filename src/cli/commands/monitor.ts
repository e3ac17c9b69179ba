// `fdfs monitor`: each tracker and its role (GET_STATUS 64, GET_LEADER 95: which the C tool cannot
// show), then each group and its storages (LIST_ALL_GROUPS 91, LIST_STORAGE 92).
import type { Command } from 'commander';
import type { FastDfsClient } from '../../client/fastdfs-client.js';
import { storageStatusCaption } from '../../protocol/status.js';
import { addClientOptions, printJson, withClient, type ClientFlags } from './client-context.js';

async function snapshot(client: FastDfsClient) {
  const trackers = await client.trackerRoles();
  const groups = await client.listGroups();
  const withStorages = await Promise.all(
    groups.map(async (g) => ({ ...g, storages: await client.listStorages(g.groupName) })),
  );
  return { trackers, groups: withStorages };
}

export function registerMonitorCommand(program: Command): void {
  addClientOptions(
    program
      .command('monitor')
      .description('the trackers (with their roles), groups and storages of the cluster'),
    true,
  ).action((flags: ClientFlags) =>
    withClient('monitor', flags, async (client) => {
      const view = await snapshot(client);
      if (flags.json) {
        printJson({
          trackers: view.trackers,
          groups: view.groups.map((g) => ({
            ...g,
            storages: g.storages.map((s) => ({ ...s, statusName: storageStatusCaption(s.status) })),
          })),
        });
        return;
      }
      const out: string[] = [`trackers: ${view.trackers.length}`];
      for (const t of view.trackers) {
        const leader = t.leader && t.role !== 'leader' ? ` (leader ${t.leader})` : '';
        out.push(`  ${t.tracker}  ${t.role}${leader}${t.error ? `: ${t.error}` : ''}`);
      }
      out.push(`groups: ${view.groups.length}`);
      for (const g of view.groups) {
        out.push(
          `  ${g.groupName}: ${g.storageCount} storage(s), ${g.freeMb} MB free of ${g.totalMb} MB, ` +
            `port ${g.storagePort}`,
        );
        for (const s of g.storages) {
          out.push(
            `    ${s.id}  ${s.ipAddr}:${s.storagePort}  ${storageStatusCaption(s.status)}  ` +
              `version ${s.version}  uploads ${s.stat.successUploadCount}/${s.stat.totalUploadCount}`,
          );
        }
      }
      process.stdout.write(`${out.join('\n')}\n`);
    }),
  );
}
