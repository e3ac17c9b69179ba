// Who leads, as this tracker sees it (§9.12), pure: the followed or own leadership, the "next
// leader" of NOTIFY_NEXT_LEADER (66) awaiting COMMIT_NEXT_LEADER (67), and the followers that
// joined (58) and ping (65) while this tracker leads. Time is passed in; the driver does the I/O.
import type { TrackerAddress } from '../../common/config/values.js';
import { Errno } from '../../protocol/errno.js';

export type KnownLeader = { self: true } | { self: false; address: TrackerAddress };

/** What a 66/67/68/58/65 request does: 0 = accepted, or the errno C answers. */
export type Verdict = number;

/** A tracker named by a request ("ip:port"), resolved against the tracker list. */
export type Named = { self: true } | { self: false; address: TrackerAddress } | undefined;

/** A follower bound to a connection by JOIN_LEADER (58). */
export interface FollowerRecord {
  address: TrackerAddress;
  upTime: number;
  version: string;
  /** Unix seconds of its last PING_LEADER (65); its join counts as one. */
  lastPing: number;
  counters: { allocCount: number; currentCount: number; maxCount: number };
}

/** 96 `is_active`: a follower that pinged within 3 s (§5.2 cmd 96). */
export const FOLLOWER_ACTIVE_S = 3;

const key = (a: TrackerAddress): string => `${a.hosts.join(',')}:${a.port}`;

export class Leadership {
  private current: KnownLeader | undefined;
  private next: Named;
  private readonly followers = new Map<object, FollowerRecord>();
  /** Raised each time this tracker becomes leader (storages see flag bit0). */
  leaderships = 0;

  get leader(): KnownLeader | undefined {
    return this.current;
  }

  get isLeader(): boolean {
    return this.current?.self === true;
  }

  /** This tracker leads after its own 66/67 round succeeded (or alone). */
  lead(): void {
    if (!this.isLeader) this.leaderships++;
    this.current = { self: true };
    this.next = undefined;
  }

  /** A peer that already reports if_leader = 1 wins the ordering: follow it (§9.12 step 4). */
  follow(address: TrackerAddress): void {
    this.current = { self: false, address };
    this.next = undefined;
  }

  /** No leader: 3 failed pings, a 68, or a 66 naming another tracker while leading. */
  drop(): void {
    if (this.isLeader) this.followers.clear();
    this.current = undefined;
  }

  /** 66 NOTIFY_NEXT_LEADER (§5.4). */
  notifyNext(candidate: Named): Verdict {
    if (candidate === undefined) return Errno.ENOENT;
    if (this.isLeader && !candidate.self) {
      // Two leaders: this one steps down (C answers EINVAL after doing so).
      this.drop();
      this.next = candidate;
      return Errno.EINVAL;
    }
    this.next = candidate;
    return 0;
  }

  /** 67 COMMIT_NEXT_LEADER (§5.4). */
  commitNext(candidate: Named): Verdict {
    if (candidate === undefined || !sameNamed(candidate, this.next)) return Errno.EINVAL;
    if (candidate.self) this.lead();
    else this.follow(candidate.address);
    return 0;
  }

  /** 68 NOTIFY_RESELECT_LEADER: a leader steps down; others answer EOPNOTSUPP. */
  reselect(): Verdict {
    if (!this.isLeader) return Errno.EOPNOTSUPP;
    this.drop();
    return 0;
  }

  /** 58 JOIN_LEADER on `conn`; `follower` is the tracker §16 #8 matched (undefined: none). */
  join(conn: object, follower: Omit<FollowerRecord, 'lastPing'> | undefined, now: number): Verdict {
    if (!this.isLeader) return Errno.EOPNOTSUPP;
    if (this.followers.has(conn)) return Errno.EEXIST;
    if (follower === undefined) return Errno.ENOENT;
    for (const [c, f] of this.followers) {
      if (key(f.address) === key(follower.address)) this.followers.delete(c);
    }
    this.followers.set(conn, { ...follower, lastPing: now });
    return 0;
  }

  /** 65 PING_LEADER on `conn`. */
  ping(conn: object, counters: FollowerRecord['counters'] | undefined, now: number): Verdict {
    if (!this.isLeader) return Errno.EOPNOTSUPP;
    const f = this.followers.get(conn);
    if (!f) return Errno.EINVAL;
    f.lastPing = now;
    if (counters) f.counters = counters;
    return 0;
  }

  /** The connection of a follower closed. */
  closed(conn: object): void {
    this.followers.delete(conn);
  }

  follower(address: TrackerAddress): FollowerRecord | undefined {
    for (const f of this.followers.values()) if (key(f.address) === key(address)) return f;
    return undefined;
  }

  /** Followers that pinged within FOLLOWER_ACTIVE_S of `now`. */
  activeFollowers(now: number): number {
    let n = 0;
    for (const f of this.followers.values()) if (now - f.lastPing <= FOLLOWER_ACTIVE_S) n++;
    return n;
  }
}

function sameNamed(a: Named, b: Named): boolean {
  if (a === undefined || b === undefined) return false;
  if (a.self || b.self) return a.self === b.self;
  return key(a.address) === key(b.address);
}

/**
 * A leader that meets another leader (our GET_STATUS probe, a wire-compatible addition): with
 * followers pinging it, it tells the other one to step down (66 naming itself); without any, it
 * is the stale one (paused or cut off, its followers left) and steps down itself.
 */
export function onRivalLeader(activeFollowers: number): 'notify-rival' | 'step-down' {
  return activeFollowers > 0 ? 'notify-rival' : 'step-down';
}
