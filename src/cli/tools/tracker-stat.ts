#!/usr/bin/env node
// fdfs_tracker_stat [-c conf] [-A] [-N] [-L] [-F] [-d] (§12): GET_LEADER (95), then
// TRACKER_CLUSTER_STAT (96) at the leader (only the leader answers it, §5.2) — on the same
// connection when the tracker asked is the leader, as the C tool does. One line per tracker
// (+ details with -d); nothing at all when the list is empty.
import type { FramedConnection } from '../../common/connection.js';
import { TrackerCommand } from '../../protocol/commands.js';
import { decodeLeaderReply } from '../../protocol/messages/tracker-admin.js';
import { DEFAULT_SHAPE_LIMITS } from '../../protocol/shapes.js';
import {
  decodeTrackerClusterStatReply,
  encodeTrackerStatFilter,
  type TrackerClusterStat,
  type TrackerStatFilter,
} from '../../protocol/structs/tracker-cluster-stat.js';
import { formatDateTime } from './c-format.js';
import { parseStatArgs } from './stat-args.js';
import { withClients } from './tool-client.js';
import { runTool, step, type ToolMain } from './tool-runner.js';

const USAGE =
  'Usage: fdfs_tracker_stat [-c <config_file>] [-A] [-N] [-L] [-F] [-d]\n' +
  '\t-A: active trackers only, -N: not active trackers only\n' +
  '\t-L: the leader only, -F: followers only, -d: details\n';

/** -A/-N: filter value 1 with is_active 1/0; -L/-F: filter value 2 with is_leader 1/0 (§12). */
function trackerStatFilter(flags: ReadonlySet<string>): TrackerStatFilter {
  let filterBy = 0;
  if (flags.has('A') || flags.has('N')) filterBy |= 1;
  if (flags.has('L') || flags.has('F')) filterBy |= 2;
  return { filterBy, isActive: flags.has('A') ? 1 : 0, isLeader: flags.has('L') ? 1 : 0 };
}

/** The C tool's text for `list`; '' for an empty list. */
function formatTrackerStat(list: readonly TrackerClusterStat[], details: boolean): string {
  if (list.length === 0) return '';
  let text = '\n';
  for (const t of list) {
    text +=
      `${t.host}, is_leader: ${t.isLeader}, is_active: ${t.isActive}, ` +
      `connections {alloc: ${t.allocCount}, current: ${t.currentCount}, max: ${t.maxCount}}\n`;
    if (details) {
      text += `  version: ${t.version}, up_time: ${formatDateTime(t.upTime)}`;
      if (!t.isLeader) text += `, last_heartbeat_time: ${formatDateTime(t.lastHeartbeatTime)}`;
      text += '\n\n';
    }
  }
  return `${text}\ntracker server count: ${list.length}\n\n`;
}

const MAX_REPLY = DEFAULT_SHAPE_LIMITS.maxReplySize;

const trackerStatMain: ToolMain = async (args, out) => {
  const { conf, flags } = parseStatArgs(args, 'ANLFd', USAGE);
  const body = encodeTrackerStatFilter(trackerStatFilter(flags));
  const stat = async (conn: FramedConnection): Promise<TrackerClusterStat[]> => {
    const r = await conn.request({
      cmd: TrackerCommand.SERVER_TRACKER_CLUSTER_STAT,
      body,
      reply: { kind: 'whole', maxLength: MAX_REPLY },
    });
    return decodeTrackerClusterStatReply(r.body);
  };
  const list = await withClients(conf, (c) =>
    c.tracker.use(async (conn) => {
      // C: GET_LEADER first, then 96 where the leader is.
      const leader = await step('get tracker leader', async () => {
        const r = await conn.request({
          cmd: TrackerCommand.SERVER_GET_LEADER,
          reply: { kind: 'whole', maxLength: 64 },
        });
        return decodeLeaderReply(r.body);
      });
      return step('tracker cluster stat', () =>
        `${leader.ip}:${leader.port}` === conn.server
          ? stat(conn)
          : c.newTrackerClient([{ hosts: [leader.ip], port: leader.port }]).use(stat),
      );
    }),
  );
  out.write(formatTrackerStat(list, flags.has('d')));
};

runTool(trackerStatMain);
