// One reporter per configured tracker (§9.13, tracker_report_thread_entrance): connect (bound),
// GET_MY_IP once, JOIN, the first-start 87/88 under the shared lock (§8.7), SYNC_NOTIFY, then the
// report loop — BEAT, CHANGELOG_REQ, SYNC_REPORT, REPORT_DISK_USAGE, CHANGE_STATUS — until an
// error, after which it reconnects with backoff and joins again.
import type { TrackerAddress } from '../../common/config/index.js';
import type { FramedConnection } from '../../common/connection.js';
import { FdfsError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { Errno } from '../../protocol/errno.js';
import { StorageStatus } from '../../protocol/status.js';
import type { BeatResponse } from '../../protocol/structs/beat-response.js';
import * as calls from './calls.js';
import { joinBodyFor } from './join-request.js';
import type { ReporterContext, ReporterScope } from './reporter-context.js';
import { pause } from '../../common/pause.js';
import { backoffDelay, Sleeper } from './timing.js';
import { connectTracker, statusOf, trackerLabel, withShortConnection } from './tracker-link.js';
import { applyChangelog, handleSyncResponse, setSyncSource } from './tracker-replies.js';

export type { ReporterContext } from './reporter-context.js';

/** A stable text of the per-source timestamps: SYNC_REPORT goes out when it changes. */
function signatureOf(timestamps: ReadonlyMap<string, number>): string {
  return [...timestamps]
    .map(([id, ts]) => `${id}=${ts}`)
    .sort()
    .join(',');
}

export class TrackerReporter {
  private readonly sleeper: Sleeper;
  private readonly log: Logger;
  private readonly scope: ReporterScope;
  private conn: FramedConnection | undefined;
  /** C's per-thread sync_old_done: a reporter that joined before the 87 still notifies (88). */
  private syncOldDone: boolean;
  private needRejoin = false;
  private running: Promise<void> | undefined;

  constructor(
    readonly index: number,
    private readonly ctx: ReporterContext,
  ) {
    this.sleeper = new Sleeper(ctx.link.signal);
    this.syncOldDone = ctx.state.syncOldDone;
    this.log = ctx.logger.child({ tracker: trackerLabel(this.tracker) });
    this.scope = { ctx, index, log: this.log };
  }

  get tracker(): TrackerAddress {
    return this.ctx.state.trackers[this.index]!;
  }

  /** Start the loop; the promise settles once the link's signal has aborted and the loop ended. */
  start(): Promise<void> {
    this.running ??= this.run();
    return this.running;
  }

  private async run(): Promise<void> {
    const { signal } = this.ctx.link;
    const unsubscribe = this.ctx.state.onWake(() => this.sleeper.wake());
    const onAbort = (): void => this.conn?.destroy();
    signal.addEventListener('abort', onAbort);
    let failures = 0;
    try {
      while (!signal.aborted) {
        const session = { joined: false };
        try {
          await this.session(session);
          failures = 0;
          this.ctx.events.emit('disconnected', this.index, undefined);
          await pause(this.ctx.timing.pollMs, signal);
        } catch (err) {
          if (signal.aborted) break;
          // The first failure after a good join waits heart_beat_interval; repeated ones back off.
          failures = session.joined ? 1 : failures + 1;
          const delay = backoffDelay(failures, this.ctx.timing);
          this.log.warn({ err: (err as Error).message, failures, delay }, 'tracker report failed');
          this.ctx.events.emit('disconnected', this.index, err as Error);
          await pause(delay, signal);
        }
      }
    } finally {
      unsubscribe();
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async session(session: { joined: boolean }): Promise<void> {
    const { conn, host } = await connectTracker(this.tracker, this.ctx.link);
    this.conn = conn;
    try {
      if (this.ctx.link.signal.aborted) throw new FdfsError('ERR_ABORTED', 'reporter stopped');
      await this.askOwnAddressOnce(conn);
      await this.join(conn, host);
      session.joined = true;
      // A full copy started over (§8.7 step 6) sends every reporter through the lock again.
      if (!this.syncOldDone || !this.ctx.state.syncOldDone) {
        await this.ctx.state.withLock(() => this.firstStart(conn));
        this.syncOldDone = true;
      }
      await this.notifySource(conn);
      await this.reportLoop(conn);
    } finally {
      this.conn = undefined;
      conn.destroy();
    }
  }

  /** 60 once per tracker, when start-up did not get this tracker's answer. */
  private async askOwnAddressOnce(conn: FramedConnection): Promise<void> {
    if (this.ctx.ipsByTracker[this.index] !== undefined) return;
    const { state, host } = this.ctx;
    const ips = await calls.getMyIp(conn, state.self.groupName, host.identity().port);
    this.ctx.ipsByTracker[this.index] = ips;
    host.onOwnAddress(ips, this.tracker);
  }

  /** 81 (§4.7); when the tracker has no source for us but we have one, 88 at once (C). */
  private async join(conn: FramedConnection, currentTrackerIp: string): Promise<void> {
    const { state, host, events } = this.ctx;
    const body = joinBodyFor({
      identity: host.identity(),
      self: state.self,
      trackers: state.trackers,
      syncOldDone: this.syncOldDone,
      status: state.joinStatus(),
      currentTrackerIp,
    });
    let reply;
    try {
      reply = await calls.join(conn, body);
    } finally {
      state.joinAnswered[this.index] = true;
    }
    state.setTrackerStatus(this.index, reply.myStatus);
    host.onStatus(reply.myStatus, this.index === state.leaderIndex);
    events.emit('status', reply.myStatus, this.index === state.leaderIndex);
    if (reply.srcId === '' && state.syncSource.srcId !== '') {
      await calls.syncNotify(conn, state.syncSource);
    }
    events.emit('joined', this.index, reply.myStatus);
  }

  /** §8.7 step 2, under the lock: 87 on the first tracker to get here, 88 with its answer to the rest. */
  private async firstStart(conn: FramedConnection): Promise<void> {
    const { state, host } = this.ctx;
    if (state.syncOldDone) {
      await calls.syncNotify(conn, state.syncSource);
      return;
    }
    const answer = await calls.syncDestReq(conn);
    const source = answer ?? { srcId: '', untilTimestamp: 0 };
    await host.onSyncSource(source, 'assigned');
    state.syncSource = source;
    state.syncOldDone = true;
  }

  /** §9.13 step 5: 88 with the current source; the leader's ENOENT means the source is gone. */
  private async notifySource(conn: FramedConnection): Promise<void> {
    const { state } = this.ctx;
    try {
      await calls.syncNotify(conn, state.syncSource);
    } catch (err) {
      if (statusOf(err) === Errno.ENOENT && state.syncSource.srcId !== '') {
        if (state.leaderIndex < 0 && state.trackers.length > 1) await this.findLeader();
        if (state.trackers.length === 1 || state.leaderIndex === this.index) {
          await setSyncSource(this.scope, { ...state.syncSource, srcId: '' }, 'cleared');
          await this.restartFullCopyIfWaiting();
        }
      }
      throw err;
    }
  }

  /**
   * §8.7 step 6: nobody knows our source any more; still below OFFLINE (INIT, WAIT_SYNC,
   * SYNCING), the full copy starts over — sync_old_done = 0, and the next session asks 87 again.
   */
  private async restartFullCopyIfWaiting(): Promise<void> {
    const { state, host } = this.ctx;
    const status = state.myStatus[this.index];
    if (status === undefined || status >= StorageStatus.OFFLINE) return;
    this.log.warn({ status }, 'no tracker knows our sync source: the full copy starts over');
    const none = { srcId: '', untilTimestamp: 0 };
    await host.onSyncSource(none, 'restart');
    state.syncSource = none;
    state.syncOldDone = false;
    this.syncOldDone = false;
  }

  /** GET_STATUS (64) to each tracker until one says it leads (C: get_tracker_leader). */
  private async findLeader(): Promise<void> {
    const { state } = this.ctx;
    for (const [i, tracker] of state.trackers.entries()) {
      try {
        const status = await withShortConnection(tracker, this.ctx.link, false, ({ conn }) =>
          calls.getTrackerStatus(conn),
        );
        if (status.ifLeader) {
          state.setLeader(i);
          return;
        }
      } catch {
        // An unreachable tracker or one without groups does not lead.
      }
    }
  }

  /** BEAT period: at most 0.5 s while the membership changes, on the leader's connection (issue 5). */
  private beatInterval(at: number): number {
    const { state, host, timing } = this.ctx;
    const leader = state.leaderIndex;
    if (leader >= 0 && leader !== this.index) return timing.heartBeatMs;
    const changing = state.isChanging(at) || host.membershipChanging?.() === true;
    return changing ? timing.fastBeatMs : timing.heartBeatMs;
  }

  private async reportLoop(conn: FramedConnection): Promise<void> {
    const { state, host, timing, link } = this.ctx;
    const now = this.ctx.now;
    let lastBeat = -Infinity;
    let lastChangelog = -Infinity;
    let lastSyncReport = -Infinity;
    let lastDiskReport = -Infinity;
    // Both start over on every connection, as C's stat_chg_sync_count and sync_time_chg_count do.
    let statsSent = 0;
    let syncSent = '';
    while (!link.signal.aborted) {
      const at = now();
      if (at - lastBeat >= this.beatInterval(at)) {
        const stats = host.statsBlock();
        const changed = stats.version !== statsSent;
        this.handle(await calls.beat(conn, changed ? stats.block : undefined));
        statsSent = stats.version;
        lastBeat = at;
        // After each beat at the configured period (fast beats add none).
        if (state.self.ipChangedAutoAdjust && at - lastChangelog >= timing.heartBeatMs) {
          await applyChangelog(this.scope, await calls.changelogReq(conn, null));
          lastChangelog = at;
        }
      }
      const timestamps = host.syncTimestamps();
      const signature = signatureOf(timestamps);
      if (signature !== syncSent && at - lastSyncReport >= timing.syncReportMs) {
        const entries = state.syncReportEntries(timestamps);
        if (entries.length > 0) this.handle(await calls.syncReport(conn, entries));
        syncSent = signature;
        lastSyncReport = at;
      }
      if (at - lastDiskReport >= timing.statReportMs) {
        this.handle(await calls.reportDiskUsage(conn, await host.diskUsage()));
        lastDiskReport = at;
      }
      if (state.reportMyStatus[this.index]) {
        await this.changeStatus(conn);
        return;
      }
      if (this.needRejoin) {
        this.needRejoin = false;
        this.log.info('the leader moved us back: joining again');
        return;
      }
      const after = now();
      const nextBeat = lastBeat + this.beatInterval(after);
      const wait = Math.min(nextBeat, lastDiskReport + timing.statReportMs) - after;
      // A changed watermark waits at most syncReportMs (the sleep is cut short that often).
      await this.sleeper.sleep(Math.max(0, Math.min(wait, timing.pollMs, timing.syncReportMs)));
    }
  }

  /** 59 with the leader's view of us, then the connection ends and we join again (C). */
  private async changeStatus(conn: FramedConnection): Promise<void> {
    const { state } = this.ctx;
    const status = state.statusForFollower(this.index);
    try {
      if (status !== undefined) await calls.changeStatus(conn, status);
      state.reportMyStatus[this.index] = false;
    } catch (err) {
      this.log.warn({ err: (err as Error).message, status }, 'CHANGE_STATUS failed');
    }
  }

  private handle(reply: BeatResponse | null): void {
    if (handleSyncResponse(this.scope, reply).needRejoin) this.needRejoin = true;
  }
}
