// A cluster of several trackers (issue 7): what each tracker says about leadership, asked with
// GET_STATUS (64) and GET_LEADER (95), and waiting until the live ones agree on one leader.
import { setTimeout as sleep } from 'node:timers/promises';
import { isFdfsError } from '#src/common/errors.js';
import { TrackerCommand as C } from '#src/protocol/commands.js';
import { decodeLeaderReply } from '#src/protocol/messages/tracker-admin.js';
import { decodeTrackerStatus } from '#src/protocol/structs/tracker-cluster.js';
import type { TrackerNode } from './cluster-tracker.js';
import { connectTracker } from './tracker-queries.js';

export interface LeaderView {
  tracker: string;
  /** GET_STATUS if_leader; undefined when it did not answer. */
  ifLeader: boolean | undefined;
  /** GET_LEADER's answer; undefined when none (ENOENT) or no answer. */
  leader: string | undefined;
}

async function ask(t: TrackerNode, cmd: number): Promise<Buffer | undefined> {
  let conn;
  try {
    conn = await connectTracker(t.host, t.port);
    const reply = await conn.request({ cmd, reply: { kind: 'whole', maxLength: 64 } });
    return reply.body;
  } catch (err) {
    // An error answer (ENOENT: no leader / no groups) or no answer at all.
    if (isFdfsError(err)) return undefined;
    throw err;
  } finally {
    conn?.destroy();
  }
}

export async function leaderView(t: TrackerNode): Promise<LeaderView> {
  const [status, leader] = await Promise.all([
    ask(t, C.TRACKER_GET_STATUS),
    ask(t, C.SERVER_GET_LEADER),
  ]);
  const l = leader && decodeLeaderReply(leader);
  return {
    tracker: t.address,
    ifLeader: status ? decodeTrackerStatus(status).ifLeader === 1 : undefined,
    leader: l ? `${l.ip}:${l.port}` : undefined,
  };
}

export const views = (trackers: readonly TrackerNode[]): Promise<LeaderView[]> =>
  Promise.all(trackers.map(leaderView));

/** The leader every tracker names, when exactly that one says if_leader = 1; else undefined. */
export function agreedLeader(list: readonly LeaderView[]): string | undefined {
  const named = new Set(list.map((v) => v.leader));
  if (named.size !== 1) return undefined;
  const [leader] = named;
  if (leader === undefined) return undefined;
  const leading = list.filter((v) => v.ifLeader === true).map((v) => v.tracker);
  return leading.length === 1 && leading[0] === leader ? leader : undefined;
}

/** Poll until `trackers` agree on one leader; its address. */
export async function waitAgreedLeader(
  trackers: readonly TrackerNode[],
  timeoutMs = 60_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last: LeaderView[];
  for (;;) {
    last = await views(trackers);
    const leader = agreedLeader(last);
    if (leader) return leader;
    if (Date.now() > deadline) {
      throw new Error(`no agreed leader within ${timeoutMs} ms: ${JSON.stringify(last)}`);
    }
    await sleep(100);
  }
}

export const byAddress = (trackers: readonly TrackerNode[], address: string): TrackerNode => {
  const t = trackers.find((x) => x.address === address);
  if (!t) throw new Error(`no tracker ${address}`);
  return t;
};
