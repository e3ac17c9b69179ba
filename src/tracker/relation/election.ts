// The leader choice of the C trackers (§9.12 step 2, `relationship_cmp_tracker_status`), pure:
// sort ascending by if_leader, running time, restart interval (descending), IP text, port, and take
// the last. So a tracker that already leads wins; then the one running longest (in 300 s steps);
// then the shortest restart gap; then the larger IP string; then the larger port.

/** What GET_STATUS (64) says about a tracker, plus where it listens. */
export interface Candidate {
  ifLeader: boolean;
  /** Seconds, rounded down to a multiple of 300. */
  runningTime: number;
  /** Seconds, rounded down to a multiple of 300. */
  restartInterval: number;
  ip: string;
  port: number;
}

/** < 0 when `a` ranks below `b`; the winner ranks highest. */
export function compareCandidates(a: Candidate, b: Candidate): number {
  return (
    Number(a.ifLeader) - Number(b.ifLeader) ||
    a.runningTime - b.runningTime ||
    b.restartInterval - a.restartInterval ||
    (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0) ||
    a.port - b.port
  );
}

/** The winner among `candidates` (undefined for none). */
export function electLeader<T extends Candidate>(candidates: readonly T[]): T | undefined {
  return [...candidates].sort(compareCandidates).at(-1);
}

/** What a round of the election decides (§9.12 steps 3 and 4). */
export type Decision<T extends Candidate> =
  | { kind: 'lead' }
  | { kind: 'notify' }
  | { kind: 'follow'; leader: T }
  | { kind: 'wait'; winner: Candidate };

/**
 * `self` and the peers that answered GET_STATUS (those that failed or answered ENOENT are left
 * out). Nobody answered: lead at once. This tracker wins: run the 66/67 round ("notify"). A peer
 * that wins and already leads is followed; a peer that wins without leading is waited for (its
 * own round will notify us).
 */
export function decideLeadership<T extends Candidate>(
  self: Candidate,
  answered: readonly T[],
): Decision<T> {
  if (answered.length === 0) return { kind: 'lead' };
  const winner = electLeader<Candidate>([self, ...answered])!;
  if (winner === self) return { kind: 'notify' };
  if (winner.ifLeader) return { kind: 'follow', leader: winner as T };
  return { kind: 'wait', winner };
}

/** 300 s: `.tracker_status` period and the step of the times GET_STATUS reports (§5.2 cmd 64). */
export const STATUS_STEP_S = 300;

/** `tracker_calc_running_times`: running time and restart interval, rounded down to 300 s. */
export function runningTimes(
  startTime: number,
  lastCheckTime: number,
  now: number,
): { runningTime: number; restartInterval: number } {
  const trim = (t: number): number => Math.max(0, Math.floor(t / STATUS_STEP_S) * STATUS_STEP_S);
  return {
    runningTime: trim(now - startTime),
    restartInterval: lastCheckTime === 0 ? 0 : trim(startTime - lastCheckTime),
  };
}
