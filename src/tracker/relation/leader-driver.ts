// Leadership of a lone tracker (§9.12 with one candidate). While no leader is known it runs a round
// every tick: GET_STATUS (64) to each peer; nobody answers → this tracker leads; a peer that wins
// and already leads → it is followed. A followed leader is asked again each tick and dropped after
// three failed answers in a row, as C drops a leader after three failed pings.
import type { TrackerAddress } from '../../common/config/values.js';
import type { Logger } from '../../common/logger.js';
import { decideLeadership, type Candidate } from './election.js';
import type { TrackerPeers } from './peers.js';

/** A peer's GET_STATUS answer; undefined when it failed or answered ENOENT (no groups). */
export type StatusProbe = (
  peer: TrackerAddress,
) => Promise<Omit<Candidate, 'ip' | 'port'> | undefined>;

export interface LeaderDriverOptions {
  peers: TrackerPeers;
  probe: StatusProbe;
  /** This tracker as a candidate (if_leader false while it runs an election). */
  self(): Candidate;
  /** This tracker became leader (the caller raises the leader-change counter, flag bit0). */
  onLeadership(): void;
  logger: Logger;
}

export type KnownLeader = { self: true } | { self: false; address: TrackerAddress };

const MAX_LEADER_FAILURES = 3;

export class LeaderDriver {
  private current: KnownLeader | undefined;
  private busy = false;
  private failures = 0;

  constructor(private readonly options: LeaderDriverOptions) {}

  get leader(): KnownLeader | undefined {
    return this.current;
  }

  get isLeader(): boolean {
    return this.current?.self === true;
  }

  /** One round; rounds never overlap (a slow peer makes the next tick a no-op). */
  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      if (this.current === undefined) {
        if (this.options.peers.known) await this.elect();
      } else if (!this.current.self) {
        await this.checkFollowed(this.current.address);
      }
    } finally {
      this.busy = false;
    }
  }

  private async elect(): Promise<void> {
    const { peers, probe, logger } = this.options;
    const list = peers.list();
    const answers = await Promise.all(
      list.map(async (address) => {
        const status = await probe(address).catch(() => undefined);
        return status && { ...status, ip: address.hosts[0] ?? '', port: address.port, address };
      }),
    );
    if (this.current !== undefined) return;
    const answered = answers.filter((a) => a !== undefined);
    const decision = decideLeadership(this.options.self(), answered);
    if (decision.kind === 'lead') {
      this.current = { self: true };
      logger.info({ peers: list.length }, 'no other tracker answers: this tracker is the leader');
      this.options.onLeadership();
    } else if (decision.kind === 'follow') {
      this.current = { self: false, address: decision.leader.address };
      this.failures = 0;
      logger.info(
        { leader: `${decision.leader.ip}:${decision.leader.port}` },
        'following the leader',
      );
    } else {
      logger.debug(
        { winner: `${decision.winner.ip}:${decision.winner.port}` },
        'waiting for the tracker leader',
      );
    }
  }

  private async checkFollowed(address: TrackerAddress): Promise<void> {
    const status = await this.options.probe(address).catch(() => undefined);
    if (status?.ifLeader) {
      this.failures = 0;
      return;
    }
    if (++this.failures >= MAX_LEADER_FAILURES) {
      this.options.logger.warn({ leader: address.hosts.join(',') }, 'the leader is gone');
      this.current = undefined;
      this.failures = 0;
    }
  }
}
