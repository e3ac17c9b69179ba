// `fdfs monitor`'s tracker roles, which the C tool cannot show.
import { getLeader, getTrackerStatus, type TrackerUse } from './fastdfs-client-admin.js';
import type { TrackerRole } from './fastdfs-client-types.js';
import type { TrackerClient } from './tracker-client.js';

/**
 * One tracker's role, asked of it alone (no failover): GET_LEADER (95) names the leader it knows,
 * GET_STATUS (64) says whether it leads. 64 answers ENOENT until a group exists; then the leader's
 * address decides, and a lone tracker leads (it elects itself, §9.12).
 */
export async function trackerRole(
  one: TrackerClient,
  lone: boolean,
  signal?: AbortSignal,
): Promise<TrackerRole> {
  const tracker = one.trackers[0]!;
  const use: TrackerUse = (fn, s) => one.use(fn, s);
  let leader: string | undefined;
  try {
    leader = await getLeader(use, signal);
  } catch (err) {
    if ((err as { errnoName?: string }).errnoName !== 'ENOENT') {
      return { tracker, reachable: false, role: 'down', error: (err as Error).message };
    }
  }
  try {
    const status = await getTrackerStatus(use, signal);
    const role = status.ifLeader === 1 ? 'leader' : 'follower';
    return { tracker, reachable: true, role, status, ...(leader ? { leader } : {}) };
  } catch {
    const role =
      leader === undefined
        ? lone
          ? 'leader'
          : 'unknown'
        : leader === tracker
          ? 'leader'
          : 'follower';
    return { tracker, reachable: true, role, ...(leader ? { leader } : {}) };
  }
}
