// `fdfs tracker-status`: the tracker cluster as operators need it (§9.12): each configured
// tracker's role, running time and restart interval (GET_STATUS 64) and the leader it names
// (GET_LEADER 95), then the leader's TRACKER_CLUSTER_STAT (96, unfiltered): who is active, the
// connection counters, up time and last ping of every tracker it knows.
import type { Command } from 'commander';
import { FramedConnection } from '../../common/connection.js';
import { formatDateTime } from '../tools/c-format.js';
import { TrackerCommand } from '../../protocol/commands.js';
import {
  decodeTrackerClusterStatReply,
  encodeTrackerStatFilter,
  type TrackerClusterStat,
} from '../../protocol/structs/tracker-cluster-stat.js';
import { addClientOptions, printJson, withClient, type ClientFlags } from './client-context.js';

/** 96 at `leader` ("host:port"); undefined when it does not answer (it may have just stepped down). */
async function clusterStat(leader: string): Promise<TrackerClusterStat[] | undefined> {
  const colon = leader.lastIndexOf(':');
  let conn: FramedConnection | undefined;
  try {
    conn = await FramedConnection.connect({
      host: leader.slice(0, colon).replace(/^\[|\]$/g, ''),
      port: Number(leader.slice(colon + 1)),
      connectTimeoutMs: 2000,
      networkTimeoutMs: 5000,
    });
    const reply = await conn.request({
      cmd: TrackerCommand.SERVER_TRACKER_CLUSTER_STAT,
      body: encodeTrackerStatFilter({ filterBy: 0, isActive: 0, isLeader: 0 }),
      reply: { kind: 'whole', maxLength: 64 * 1024 },
    });
    return decodeTrackerClusterStatReply(reply.body);
  } catch {
    return undefined;
  } finally {
    conn?.destroy();
  }
}

export function registerTrackerStatusCommand(program: Command): void {
  addClientOptions(
    program
      .command('tracker-status')
      .description('each tracker: its role, times and the leader it names; the leader’s view'),
    true,
  ).action((flags: ClientFlags) =>
    withClient('tracker-status', flags, async (client) => {
      const trackers = await client.trackerRoles();
      const leader =
        trackers.find((t) => t.role === 'leader')?.tracker ??
        trackers.find((t) => t.leader !== undefined)?.leader;
      const cluster = leader === undefined ? undefined : await clusterStat(leader);
      if (flags.json) {
        printJson({ leader: leader ?? null, trackers, cluster: cluster ?? null });
        return;
      }
      const out = [`trackers: ${trackers.length}, leader: ${leader ?? 'none known'}`];
      for (const t of trackers) {
        const times = t.status
          ? `  running ${t.status.runningTime} s, restart interval ${t.status.restartInterval} s`
          : '';
        const named = t.leader && t.role !== 'leader' ? `  (leader ${t.leader})` : '';
        out.push(`  ${t.tracker}  ${t.role}${times}${named}${t.error ? `: ${t.error}` : ''}`);
      }
      if (cluster) {
        out.push(`the leader's view (${cluster.length}):`);
        for (const c of cluster) {
          const ping = c.isLeader ? '' : `, last ping ${formatDateTime(c.lastHeartbeatTime)}`;
          out.push(
            `  ${c.host}  ${c.isLeader ? 'leader' : 'follower'}  ` +
              `${c.isActive ? 'active' : 'inactive'}  version ${c.version || '?'}, ` +
              `up since ${formatDateTime(c.upTime)}${ping}, connections ` +
              `${c.currentCount} current, ${c.maxCount} max, ${c.allocCount} allocated`,
          );
        }
      }
      process.stdout.write(`${out.join('\n')}\n`);
    }),
  );
}
