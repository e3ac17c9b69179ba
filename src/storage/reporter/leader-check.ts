// Two leaders (§9.12 "Split brain", §9.13): when a tracker's beat reply names a leader other
// than the one another tracker named, and that one still answers GET_STATUS (64) with
// if_leader = 1, the storage sends NOTIFY_RESELECT_LEADER (68) to both; they step down and elect
// again. A leader that no longer says so was simply replaced: nothing to send.
import { TrackerCommand as C } from '../../protocol/commands.js';
import { getTrackerStatus } from './calls.js';
import type { ReporterScope } from './reporter-context.js';
import { call, withShortConnection } from './tracker-link.js';

/** The trackers (indexes) to send 68 to; none unless two different ones both lead. */
export function reselectTargets(
  previous: number,
  named: number,
  previousStillLeads: boolean,
): number[] {
  if (previous < 0 || named < 0 || previous === named || !previousStillLeads) return [];
  return [previous, named];
}

/** Before the reporter takes `named` as the leader in place of `previous` (short connections). */
export async function checkTwoLeaders(
  { ctx, log }: ReporterScope,
  previous: number,
  named: number,
): Promise<void> {
  const trackers = ctx.state.trackers;
  const old = trackers[previous];
  if (!old || previous === named) return;
  let stillLeads = false;
  try {
    const status = await withShortConnection(old, ctx.link, true, ({ conn }) =>
      getTrackerStatus(conn),
    );
    stillLeads = status.ifLeader !== 0;
  } catch {
    // Unreachable, or no groups: it does not lead.
  }
  const targets = reselectTargets(previous, named, stillLeads);
  if (targets.length === 0) return;
  log.warn({ trackers: targets }, 'two trackers lead: NOTIFY_RESELECT_LEADER to both');
  await Promise.all(
    targets.map(async (i) => {
      try {
        await withShortConnection(trackers[i]!, ctx.link, true, ({ conn }) =>
          call(conn, C.TRACKER_NOTIFY_RESELECT_LEADER),
        );
      } catch (err) {
        // EOPNOTSUPP: it stepped down meanwhile.
        log.debug({ err, tracker: i }, 'NOTIFY_RESELECT_LEADER not taken');
      }
    }),
  );
}
