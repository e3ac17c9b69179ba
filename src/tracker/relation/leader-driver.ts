// The I/O of the election (§9.12), one round per tick (rounds never overlap):
// * no leader: GET_STATUS (64) to every peer, then decideLeadership: lead alone, run the 66/67
//   round as winner, follow a winner that leads, or wait for the winner's notify;
// * following: JOIN_LEADER (58) once per connection, then PING_LEADER (65) each tick; after
//   MAX_LEADER_FAILURES failed pings in a row the leader is dropped and the next tick elects;
// * leading: GET_STATUS to the peers; another leader is met as onRivalLeader says (our addition,
//   wire-compatible: it repairs two leaders within a tick or two, see docs/tracker-cluster.md).
import type { TrackerAddress } from '../../common/config/values.js';
import type { Logger } from '../../common/logger.js';
import { TrackerCommand as C } from '../../protocol/commands.js';
import { decideLeadership, type Candidate } from './election.js';
import type { FollowerLink } from './follower-link.js';
import { onRivalLeader, type KnownLeader, type Leadership } from './leadership.js';
import type { PeerCall } from './peer-call.js';
import { peerStatuses } from './peer-status.js';
import type { TrackerPeers } from './peers.js';

export type { KnownLeader } from './leadership.js';

export interface LeaderDriverOptions {
  peers: TrackerPeers;
  relation: Leadership;
  call: PeerCall;
  link: FollowerLink;
  /** This tracker as a candidate (if_leader false while it runs an election). */
  self(): Candidate;
  /** This tracker's "ip:port", the body of its 66/67. */
  selfText(): string;
  /** This tracker became leader (the caller raises the leader-change counter, flag bit0). */
  onLeadership(): void;
  /** Unix seconds. */
  now(): number;
  /** Milliseconds, monotonic. */
  clockMs(): number;
  random(): number;
  logger: Logger;
}

/** Failed pings in a row before the leader is dropped (C: 3). */
export const MAX_LEADER_FAILURES = 3;
/** Pause after an abandoned 66/67 round: 1 s + up to 2 s at random (C: 1–10 s). */
const RETRY_BASE_MS = 1000;
const RETRY_SPREAD_MS = 2000;

export class LeaderDriver {
  private busy = false;
  private failures = 0;
  private retryAtMs = 0;

  constructor(private readonly options: LeaderDriverOptions) {}

  get leader(): KnownLeader | undefined {
    return this.options.relation.leader;
  }

  get isLeader(): boolean {
    return this.options.relation.isLeader;
  }

  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const current = this.options.relation.leader;
      if (current === undefined) {
        this.options.link.close();
        if (this.options.peers.known && this.options.clockMs() >= this.retryAtMs) {
          await this.elect();
        }
      } else if (!current.self) {
        await this.pingLeader(current.address);
      } else {
        this.options.link.close();
        await this.checkRivals();
      }
    } finally {
      this.busy = false;
    }
  }

  /** GET_STATUS to every peer: the ones that answered, and the ones reachable at all. */
  private statuses(): ReturnType<typeof peerStatuses> {
    return peerStatuses(this.options.peers.list(), this.options.call);
  }

  private async elect(): Promise<void> {
    const { relation, logger } = this.options;
    const { answered, reachable } = await this.statuses();
    if (relation.leader !== undefined) return; // a 67 arrived meanwhile
    const decision = decideLeadership(this.options.self(), answered);
    if (decision.kind === 'lead') {
      relation.lead();
      logger.info('no other tracker answers: this tracker is the leader');
      this.options.onLeadership();
    } else if (decision.kind === 'notify') {
      await this.notifyAndCommit(reachable);
    } else if (decision.kind === 'follow') {
      relation.follow(decision.leader.address);
      this.failures = 0;
      logger.info({ leader: `${decision.leader.ip}:${decision.leader.port}` }, 'following');
    } else {
      logger.debug({ winner: `${decision.winner.ip}:${decision.winner.port}` }, 'waiting');
    }
  }

  /** §9.12 step 3: 66 to every tracker, then 67; unreachable ones are skipped. */
  private async notifyAndCommit(targets: readonly TrackerAddress[]): Promise<void> {
    const { relation, logger, call } = this.options;
    const body = Buffer.from(this.options.selfText(), 'utf8');
    for (const [cmd, local] of [
      [C.TRACKER_NOTIFY_NEXT_LEADER, () => relation.notifyNext({ self: true })],
      [C.TRACKER_COMMIT_NEXT_LEADER, () => relation.commitNext({ self: true })],
    ] as const) {
      const answers = await Promise.all(targets.map((t) => call(t, cmd, body)));
      if (relation.leader !== undefined) return; // another tracker's 67 came first
      const refused = answers.find((a) => a !== undefined && a.status !== 0);
      if (refused) {
        this.abandon(`a peer answered ${refused.status} to ${cmd}`);
        return;
      }
      if (local() !== 0) {
        this.abandon(`local ${cmd} refused`);
        return;
      }
    }
    if (relation.isLeader) {
      logger.info({ trackers: targets.length + 1 }, 'elected: this tracker is the leader');
      this.options.onLeadership();
    }
  }

  private abandon(why: string): void {
    const pause = RETRY_BASE_MS + Math.floor(this.options.random() * RETRY_SPREAD_MS);
    this.retryAtMs = this.options.clockMs() + pause;
    this.options.logger.info({ why, pauseMs: pause }, 'election round abandoned');
  }

  private async pingLeader(address: TrackerAddress): Promise<void> {
    const ok = await this.options.link.ping(address);
    if (ok) {
      this.failures = 0;
      return;
    }
    if (++this.failures >= MAX_LEADER_FAILURES) {
      this.options.logger.warn({ leader: address.hosts.join(',') }, 'the leader is gone');
      this.failures = 0;
      const now = this.options.relation.leader;
      if (now && !now.self && now.address === address) this.options.relation.drop();
      this.options.link.close();
    }
  }

  /** A leader meeting another leader (§9.12 "Split brain"). */
  private async checkRivals(): Promise<void> {
    const { relation, logger, call } = this.options;
    const { answered } = await this.statuses();
    const rivals = answered.filter((a) => a.ifLeader);
    if (rivals.length === 0 || !relation.isLeader) return;
    const action = onRivalLeader(relation.activeFollowers(this.options.now()));
    if (action === 'step-down') {
      logger.warn(
        { rival: `${rivals[0]!.ip}:${rivals[0]!.port}` },
        'another leader: stepping down',
      );
      relation.drop();
      return;
    }
    const body = Buffer.from(this.options.selfText(), 'utf8');
    for (const r of rivals) {
      logger.warn({ rival: `${r.ip}:${r.port}` }, 'another leader: telling it to step down');
      await call(r.address, C.TRACKER_NOTIFY_NEXT_LEADER, body);
    }
  }
}
