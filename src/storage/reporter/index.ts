// TrackerReporters: a storage's side of the tracker conversation (§9.13). start() runs the start-up
// sequence, then one reporter per configured tracker, all in parallel; stop() ends them all.
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { StorageConfig } from '../../common/config/index.js';
import { FdfsError } from '../../common/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import type { StorageBrief } from '../../protocol/structs/storage-brief.js';
import type { SyncBody } from '../../protocol/structs/sync-body.js';
import { reportStatus, syncSrcReq } from './calls.js';
import type { ReporterEventMap } from './events.js';
import type { ReporterHost } from './host.js';
import { ReportState } from './report-state.js';
import { runStartup, type StartupResult } from './startup.js';
import { timingFromConfig, type ReporterTiming } from './timing.js';
import { TrackerReporter } from './tracker-reporter.js';
import {
  bindAddrsOf,
  statusOf,
  trackerLabel,
  withShortConnection,
  type LinkOptions,
} from './tracker-link.js';

export type { ReporterEventMap } from './events.js';
export type {
  ChangelogEntry,
  InitFlagState,
  ReporterHost,
  ReporterIdentity,
  StatsSnapshot,
  SyncSourceCause,
} from './host.js';
export { reporterIdentityFromConfig } from './host.js';
export type { StartupResult } from './startup.js';
export type { ReporterTiming } from './timing.js';

/** The storage.conf keys the reporters read. */
export type ReporterConfig = Pick<
  StorageConfig,
  | 'trackerServers'
  | 'clientBind'
  | 'bindAddr'
  | 'heartBeatInterval'
  | 'statReportInterval'
  | 'connectTimeout'
  | 'networkTimeout'
>;

export interface TrackerReportersOptions {
  config: ReporterConfig;
  host: ReporterHost;
  logger?: Logger;
  /** Millisecond overrides (tests); the rest comes from the configuration. */
  timing?: Partial<ReporterTiming>;
  /** Runs after the start-up sequence, before the report loops join (disk recovery, §8.8). */
  beforeReports?: (startup: StartupResult, link: LinkOptions) => Promise<void>;
}

/** The tracker leader as the leader's beat replies named it. */
export interface LeaderInfo {
  /** Index in tracker_server order. */
  index: number;
  ip: string;
  port: number;
}

export class TrackerReporters extends EventEmitter<ReporterEventMap> {
  private readonly abort = new AbortController();
  private readonly timing: ReporterTiming;
  private readonly link: LinkOptions;
  private readonly logger: Logger;
  private starting: Promise<StartupResult> | undefined;
  private stopping: Promise<void> | undefined;
  private result: StartupResult | undefined;
  private state: ReportState | undefined;
  private loops: Promise<void>[] = [];

  constructor(private readonly options: TrackerReportersOptions) {
    super();
    const { config } = options;
    if (config.trackerServers.length === 0) {
      throw new FdfsError('ERR_CONFIG', 'no tracker_server configured');
    }
    this.timing = timingFromConfig(config, options.timing);
    this.logger = (options.logger ?? silentLogger).child({ component: 'tracker-reporter' });
    this.link = {
      connectTimeoutMs: this.timing.connectTimeoutMs,
      networkTimeoutMs: this.timing.networkTimeoutMs,
      bindAddrs: bindAddrsOf(config),
      signal: this.abort.signal,
    };
  }

  /** Run the start-up sequence, then start every reporter (it does not wait for the joins). */
  start(): Promise<StartupResult> {
    if (this.stopping) return Promise.reject(new FdfsError('ERR_CLOSED', 'reporters stopped'));
    this.starting ??= this.run();
    return this.starting;
  }

  private async run(): Promise<StartupResult> {
    const { config, host } = this.options;
    const identity = host.identity();
    const result = await runStartup({
      trackers: config.trackerServers,
      link: this.link,
      host,
      identity,
      retryMs: this.timing.retryMs,
      logger: this.logger,
    });
    if (this.abort.signal.aborted) throw new FdfsError('ERR_ABORTED', 'reporters stopped');
    await this.options.beforeReports?.(result, this.link);
    if (this.abort.signal.aborted) throw new FdfsError('ERR_ABORTED', 'reporters stopped');
    this.result = result;
    const state = new ReportState(
      config.trackerServers,
      {
        groupName: result.groupName,
        ownId: result.ownId,
        useStorageId: result.params.useStorageId,
        ipChangedAutoAdjust: result.params.storageIpChangedAutoAdjust,
      },
      {
        syncOldDone: identity.syncOldDone,
        syncSource: identity.syncSource,
        lastStatus: identity.lastStatus,
        offlineWindowMs: this.timing.offlineWindowMs,
        pendingWindowMs: this.timing.pendingWindowMs,
      },
    );
    this.state = state;
    const ctx = {
      state,
      host,
      timing: this.timing,
      link: this.link,
      logger: this.logger,
      events: this as EventEmitter<ReporterEventMap>,
      ipsByTracker: [...result.ipsByTracker],
      now: () => performance.now(),
    };
    this.loops = config.trackerServers.map((_, i) => new TrackerReporter(i, ctx).start());
    return result;
  }

  /** Close every connection and resolve once every loop (and a running start-up) has ended. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort(new FdfsError('ERR_CLOSED', 'reporters stopped'));
      await this.starting?.catch(() => undefined);
      await Promise.all(this.loops);
    })();
    return this.stopping;
  }

  /** What start-up found: group, own address and id, the tracker's parameters. */
  get startup(): StartupResult | undefined {
    return this.result;
  }

  leader(): LeaderInfo | undefined {
    const state = this.state;
    if (!state || state.leaderIndex < 0) return undefined;
    const tracker = state.trackers[state.leaderIndex]!;
    return { index: state.leaderIndex, ip: tracker.hosts[0]!, port: tracker.port };
  }

  /** The leader's latest member list (every storage of our group, us included). */
  members(): readonly StorageBrief[] {
    return this.state?.members ?? [];
  }

  /**
   * REPORT_STATUS (76) to every tracker on short connections (replication: a destination is now
   * SYNCING or OFFLINE; recovery: we are RECOVERY). Resolves with how many trackers accepted it.
   * The beat stays fast until the leader's member list shows the new status.
   */
  async reportStatus(brief: StorageBrief): Promise<number> {
    const state = this.state;
    if (!state) throw new FdfsError('ERR_CLOSED', 'reporters are not started');
    state.notePending(brief.id, brief.status, performance.now());
    const results = await Promise.all(
      state.trackers.map(async (tracker) => {
        try {
          await withShortConnection(tracker, this.link, true, ({ conn }) =>
            reportStatus(conn, state.self.groupName, brief),
          );
          return true;
        } catch (err) {
          this.logger.warn(
            { tracker: trackerLabel(tracker), err: (err as Error).message },
            'REPORT_STATUS failed',
          );
          return false;
        }
      }),
    );
    return results.filter(Boolean).length;
  }

  /**
   * SYNC_SRC_REQ (86) for a peer we never pushed to (§8.7 step 3): the leader first, then the
   * others, on short connections; the first answer counts. Rejects when no tracker answered.
   */
  async syncSrcReq(destId: string): Promise<SyncBody | null> {
    const state = this.state;
    if (!state) throw new FdfsError('ERR_CLOSED', 'reporters are not started');
    const order = state.trackers.map((_, i) => i);
    if (state.leaderIndex > 0) order.unshift(...order.splice(state.leaderIndex, 1));
    let last: unknown;
    for (const i of order) {
      const tracker = state.trackers[i]!;
      try {
        return await withShortConnection(tracker, this.link, true, ({ conn }) =>
          syncSrcReq(conn, state.self.groupName, destId),
        );
      } catch (err) {
        // An error status is the tracker's answer (ENOENT: the peer is INIT or unknown to it).
        if (statusOf(err) !== undefined || this.abort.signal.aborted) throw err;
        last = err;
      }
    }
    throw last ?? new FdfsError('ERR_CLOSED', 'no tracker configured');
  }
}
