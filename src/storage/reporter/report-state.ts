// What the reporters of one storage share (§9.13): who leads, our status as each tracker sees it,
// the leader's member list, the first-start lock of §8.7 and whether the group's membership is
// changing (issue 5: faster beats). No sockets, no timers: time is passed in.
import type { TrackerAddress } from '../../common/config/index.js';
import { isAvailableStatus, StorageStatus as S } from '../../protocol/status.js';
import type { StorageBrief } from '../../protocol/structs/storage-brief.js';
import type { SyncBody } from '../../protocol/structs/sync-body.js';

/** Who we are, as the start-up sequence found out. */
export interface SelfView {
  groupName: string;
  /** Our storage id (the IP text when storage ids are off). */
  ownId: string;
  useStorageId: boolean;
  /** storage_ip_changed_auto_adjust from the tracker (75). */
  ipChangedAutoAdjust: boolean;
}

export interface ReportStateOptions {
  syncOldDone: boolean;
  syncSource: SyncBody;
  lastStatus: number | undefined;
  offlineWindowMs: number;
  pendingWindowMs: number;
}

/** Statuses of a member on its way somewhere: the beat stays fast while one is seen (issue 5). */
const CHANGING = new Set<number>([S.INIT, S.WAIT_SYNC, S.SYNCING, S.ONLINE, S.RECOVERY]);

export interface MembersOutcome {
  /** Our own brief in the list, if there. */
  own: StorageBrief | undefined;
  /** The leader puts us back to WAIT_SYNC/SYNCING below what it said before: join again (C). */
  needRejoin: boolean;
}

export class ReportState {
  leaderIndex = -1;
  members: readonly StorageBrief[] = [];
  /** Our status at each tracker (join reply, or our brief in the leader's list). */
  readonly myStatus: (number | undefined)[];
  /** Whether each tracker has answered a join (the −1 status rule, §4.7). */
  readonly joinAnswered: boolean[];
  /** Send CHANGE_STATUS (59) to this tracker: its view of us differs from the leader's. */
  readonly reportMyStatus: boolean[];
  /** Our own status in the leader's member list. */
  ownStatus: number | undefined;
  syncOldDone: boolean;
  syncSource: SyncBody;
  private lockTail: Promise<unknown> = Promise.resolve();
  private readonly offlineSince = new Map<string, number>();
  private readonly pending = new Map<string, { status: number; until: number }>();
  private readonly wakers = new Set<() => void>();
  private readonly lastStatus: number | undefined;

  constructor(
    readonly trackers: readonly TrackerAddress[],
    readonly self: SelfView,
    private readonly options: ReportStateOptions,
  ) {
    this.myStatus = trackers.map(() => undefined);
    this.joinAnswered = trackers.map(() => false);
    this.reportMyStatus = trackers.map(() => false);
    this.syncOldDone = options.syncOldDone;
    this.syncSource = { ...options.syncSource };
    this.lastStatus = options.lastStatus;
  }

  /** The cross-reporter lock of §8.7 step 2 (one 87 on one tracker, 88 to the others). */
  withLock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lockTail.then(fn, fn);
    this.lockTail = run.catch(() => undefined);
    return run;
  }

  /** The configured tracker with this address and port, or −1. */
  trackerIndexOf(ip: string, port: number): number {
    return this.trackers.findIndex((t) => t.port === port && t.hosts.includes(ip));
  }

  /** The join's status field (§4.7): what we know of ourselves, else 0, or −1 while a tracker has not answered. */
  joinStatus(): number {
    const known = this.ownStatus ?? this.lastStatus;
    if (known !== undefined) return known;
    if (this.trackers.length > 1 && this.joinAnswered.some((answered) => !answered)) return -1;
    return S.INIT;
  }

  setTrackerStatus(index: number, status: number): void {
    this.myStatus[index] = status;
    // A new view at the leader is compared with every follower's (C only checks the one reporting).
    if (index === this.leaderIndex) this.myStatus.forEach((_, i) => this.checkMyStatus(i));
    else this.checkMyStatus(index);
  }

  /** A follower whose view of us differs from the leader's gets CHANGE_STATUS (tracker_check_my_status). */
  private checkMyStatus(index: number): void {
    const leader = this.leaderIndex;
    if (leader < 0 || index === leader) return;
    const mine = this.myStatus[index];
    const leaders = this.myStatus[leader];
    if (mine === undefined || leaders === undefined || mine === leaders) return;
    if (isAvailableStatus(mine) && isAvailableStatus(leaders)) return;
    this.reportMyStatus[index] = true;
    this.wakeAll();
  }

  /** The status a follower should take from the leader, or undefined when nothing is to be sent. */
  statusForFollower(index: number): number | undefined {
    const leader = this.leaderIndex;
    if (leader < 0 || index === leader) return undefined;
    const wanted = this.myStatus[leader];
    if (wanted === undefined || wanted < 0 || wanted === this.myStatus[index]) return undefined;
    return wanted;
  }

  /** Returns true when the leader changed. */
  setLeader(index: number): boolean {
    if (index === this.leaderIndex) return false;
    this.leaderIndex = index;
    this.myStatus.forEach((_, i) => this.checkMyStatus(i));
    this.wakeAll();
    return true;
  }

  /** Whether a member list from tracker `index` counts: only the leader sends them (§5.3). */
  acceptsMembersFrom(index: number): boolean {
    return this.leaderIndex < 0 || this.leaderIndex === index;
  }

  acceptMembers(list: readonly StorageBrief[], nowMs: number): MembersOutcome {
    const own = list.find((b) => b.id === this.self.ownId);
    const previous = this.ownStatus;
    const needRejoin =
      own !== undefined &&
      previous !== undefined &&
      (own.status === S.WAIT_SYNC || own.status === S.SYNCING) &&
      previous > own.status;
    this.members = list;
    if (own) this.ownStatus = own.status;
    for (const b of list) {
      if (b.status !== S.OFFLINE) this.offlineSince.delete(b.id);
      else if (!this.offlineSince.has(b.id)) this.offlineSince.set(b.id, nowMs);
      const wanted = this.pending.get(b.id);
      if (wanted && wanted.status === b.status) this.pending.delete(b.id);
    }
    for (const id of this.offlineSince.keys()) {
      if (!list.some((b) => b.id === id)) this.offlineSince.delete(id);
    }
    this.wakeAll();
    return { own, needRejoin };
  }

  /** We told the trackers (76) that `id` has `status`: beat fast until the leader shows it. */
  notePending(id: string, status: number, nowMs: number): void {
    this.pending.set(id, { status, until: nowMs + this.options.pendingWindowMs });
    this.wakeAll();
  }

  /** Issue 5: a member not ACTIVE (an OFFLINE one for a while), our own status, or a pending report. */
  isChanging(nowMs: number): boolean {
    const own =
      this.ownStatus ?? (this.leaderIndex >= 0 ? this.myStatus[this.leaderIndex] : undefined);
    if (own !== undefined && (CHANGING.has(own) || own === S.OFFLINE)) return true;
    for (const b of this.members) {
      if (CHANGING.has(b.status)) return true;
      const since = this.offlineSince.get(b.id);
      if (since !== undefined && nowMs - since < this.options.offlineWindowMs) return true;
    }
    for (const [id, p] of this.pending) {
      if (p.until > nowMs) return true;
      this.pending.delete(id);
    }
    return false;
  }

  /** Ids and timestamps for SYNC_REPORT (89): every member in the leader's order, then the rest. */
  syncReportEntries(
    timestamps: ReadonlyMap<string, number>,
  ): { srcId: string; timestamp: number }[] {
    const entries = this.members.map((b) => ({
      srcId: b.id,
      timestamp: timestamps.get(b.id) ?? 0,
    }));
    for (const [srcId, timestamp] of timestamps) {
      if (!this.members.some((b) => b.id === srcId)) entries.push({ srcId, timestamp });
    }
    return entries;
  }

  onWake(waker: () => void): () => void {
    this.wakers.add(waker);
    return () => this.wakers.delete(waker);
  }

  wakeAll(): void {
    for (const wake of this.wakers) wake();
  }
}
