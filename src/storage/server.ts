// The storage server (issue 4, "What runs"): listen() opens the store (creating the data tree on
// the first start), binds bind_addr:port and serves the §6.1 commands, then starts one tracker
// reporter per tracker_server (§9.13) without waiting for them; it also refreshes the free space
// of every store path each stat_report_interval (the store saves its counters every
// sync_stat_file_interval). The leader's member list drives one push-replication task per peer
// (§8.6). close() stops the sync tasks and the reporters, closes every connection, waits for the
// requests in progress, saves the counters and closes the store.
import { access } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { StorageConfig } from '../common/config/index.js';
import { FdfsError } from '../common/errors.js';
import { FramedServer } from '../common/framed-server.js';
import { silentLogger, type Logger } from '../common/logger.js';
import type { RandomSource } from '../protocol/file-id/random.js';
import { TrackerReporters, type ReporterTiming, type StartupResult } from './reporter/index.js';
import { flagPathsToRecover, runDiskRecovery, type PathRecoveryResult } from './recovery/index.js';
import { StorageHost } from './server-host.js';
import { StorageRuntime, type StorageServiceContext } from './service/context.js';
import { storageHandler } from './service/dispatch.js';
import type { StorageSession } from './service/session.js';
import { Store, type StoreFs } from './store/index.js';
import { PeerSyncTasks } from './sync/peer-tasks.js';
import { dataInitFlagPath } from './store/init.js';

export interface StorageServerOptions {
  logger?: Logger;
  /** Unix seconds (tests pass a fake clock). */
  now?: () => number;
  /** Random numbers for new names (§7.2). */
  random?: RandomSource;
  /** File-system layer of the store (fault injection in tests). */
  fs?: StoreFs;
  /** Millisecond overrides of the reporters' clocks (tests). */
  reporterTiming?: Partial<ReporterTiming>;
}

export interface StorageServerEvents {
  /** Our status at a tracker (`fromLeader`: as the leader sees it). */
  status: [status: number, fromLeader: boolean];
  /** The start-up sequence with the trackers is done (§9.13); the reporters run. */
  started: [result: StartupResult];
  /** A store path was recovered from a peer (§8.8), or its recovery was skipped. */
  recovered: [result: PathRecoveryResult];
  /** The start-up sequence failed for good (e.g. no tracker knows our group). */
  error: [error: Error];
}

/** How long close() waits for the reporters, then for requests in progress, before going on. */
const CLOSE_WAIT_MS = 5000;

interface Running {
  store: Store;
  framed: FramedServer<StorageSession>;
  reporters: TrackerReporters;
  host: StorageHost;
  diskTimer: NodeJS.Timeout;
  runtime: StorageRuntime;
  sync: PeerSyncTasks;
}

export class StorageServer extends EventEmitter<StorageServerEvents> {
  private readonly logger: Logger;
  private readonly now: () => number;
  private running: Running | undefined;
  private starting: Promise<AddressInfo> | undefined;
  private closing: Promise<void> | undefined;
  private boundPort = 0;

  constructor(
    readonly config: StorageConfig,
    private readonly options: StorageServerOptions = {},
  ) {
    super();
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Open the store, bind bind_addr:port and start the tracker reporters. */
  listen(): Promise<AddressInfo> {
    if (this.closing) {
      return Promise.reject(new FdfsError('ERR_CLOSED', 'the storage server is closed'));
    }
    this.starting ??= this.start();
    return this.starting;
  }

  address(): AddressInfo | undefined {
    return this.running?.framed.address();
  }

  /** The store (tests and tools read its files and counters). */
  get store(): Store | undefined {
    return this.running?.store;
  }

  /** What the trackers told us: our status, address, id, parameters, leader and group members. */
  get host(): StorageHost | undefined {
    return this.running?.host;
  }

  /** The push-replication tasks toward the peers (§8.6). */
  get sync(): PeerSyncTasks | undefined {
    return this.running?.sync;
  }

  private async start(): Promise<AddressInfo> {
    const { config, logger } = this;
    if (config.disabled) throw new FdfsError('ERR_CONFIG', `${config.file}: disabled = true`);
    const firstStart = !(await exists(dataInitFlagPath(config.basePath)));
    const store = new Store({
      config,
      groupName: config.groupName ?? '',
      // New names wait for the tracker's parameters and our address or id (§7.2).
      settings: { nameSource: '' },
      clock: () => this.now() * 1000,
      logger,
      ...(this.options.random ? { random: this.options.random } : {}),
      ...(this.options.fs ? { fs: this.options.fs } : {}),
    });
    await store.open();
    // §8.8: an emptied store path is flagged before anything else can fail.
    await flagPathsToRecover(store);
    const runtime = new StorageRuntime(config.groupName);
    const ctx: StorageServiceContext = { store, runtime, logger };
    const framed = new FramedServer<StorageSession>({
      handler: storageHandler(ctx, {
        maxPackageSize: config.maxPacketSize,
        maxReplySize: config.maxPacketSize,
      }),
      networkTimeoutMs: config.networkTimeout * 1000,
      maxConnections: config.maxConnections,
      logger,
      allowHost: config.isHostAllowed,
    });
    let address: AddressInfo;
    try {
      address = await framed.listen(config.port, config.bindAddr[0]);
    } catch (err) {
      await store.close();
      throw err;
    }
    this.boundPort = address.port;
    // §8.6: one push task per peer of the group, from the leader's member list.
    const sync: PeerSyncTasks = new PeerSyncTasks({
      config,
      store,
      groupName: () => runtime.groupName,
      self: () => ({ id: host.ownId, ips: host.ownIps, port: this.boundPort }),
      useStorageId: () => host.params?.useStorageId === true,
      // §8.7: 86 for a peer we never pushed to, 76 SYNCING/OFFLINE for a peer we copy to.
      trackers: {
        syncSrcReq: (destId) => reporters.syncSrcReq(destId),
        reportStatus: (brief) => reporters.reportStatus(brief),
      },
      logger,
    });
    const host: StorageHost = new StorageHost({
      config,
      store,
      runtime,
      port: () => this.boundPort,
      firstStart,
      upTime: this.now(),
      logger,
      onStatusChange: (status, fromLeader) => this.emit('status', status, fromLeader),
      onMembers: (members) => sync.update(members),
      onChangelog: (entries) => sync.applyChangelog(entries),
      membershipChanging: () => sync.membershipChanging(),
    });
    const reporters: TrackerReporters = new TrackerReporters({
      config,
      host,
      logger,
      ...(this.options.reporterTiming ? { timing: this.options.reporterTiming } : {}),
      // §8.8: store paths that came back empty are recovered before we join.
      beforeReports: async (startup, link) => {
        const results = await runDiskRecovery({
          config,
          store,
          startup,
          link,
          port: this.boundPort,
          logger,
        });
        for (const r of results) this.emit('recovered', r);
      },
    });
    const diskTimer = setInterval(() => {
      store.refreshDiskUsage().catch((err: unknown) => {
        logger.error({ err }, 'measuring the store paths failed');
      });
    }, config.statReportInterval * 1000);
    diskTimer.unref();
    this.running = { store, framed, reporters, host, diskTimer, runtime, sync };
    logger.info({ address: address.address, port: address.port }, 'storage listening');
    if (config.compressBinlog) {
      // Not a config warning: C's own samples set it, and they must load cleanly (issue 2).
      logger.warn(
        'compress_binlog = true: rotated binlog files are kept uncompressed (not implemented)',
      );
    }
    if (!this.closing) this.startReporters(reporters, host);
    return address;
  }

  /** §9.13: the start-up sequence, then the report loops; our address is saved once known. */
  private startReporters(reporters: TrackerReporters, host: StorageHost): void {
    reporters.start().then(
      async (result) => {
        const ip = result.ownIps[0];
        if (ip !== undefined && ip !== this.running?.store.initFlag.lastIpAddr) {
          await host.updateInitFlag({ lastIpAddr: ip, lastServerPort: this.boundPort });
        }
        this.emit('started', result);
      },
      (err: unknown) => {
        if (this.closing) return;
        this.logger.error({ err }, 'storage start-up with the trackers failed');
        if (this.listenerCount('error') > 0) this.emit('error', err as Error);
      },
    );
  }

  /** Stop the reporters, close every connection, save the counters, close the store. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    const running = this.running;
    if (!running) return;
    const { store, framed, reporters, diskTimer, runtime, host, sync } = running;
    clearInterval(diskTimer);
    if (!(await settlesWithin(sync.close(), CLOSE_WAIT_MS))) {
      this.logger.warn('sync tasks still stopping; closing anyway');
    }
    // A tracker that never answers holds a start-up call until network_timeout: don't wait on it.
    if (!(await settlesWithin(reporters.stop(), CLOSE_WAIT_MS))) {
      this.logger.warn('tracker reporters still stopping; closing anyway');
    }
    await framed.close();
    await runtime.idle(CLOSE_WAIT_MS);
    await host.flushed();
    await store.close();
    this.running = undefined;
    this.logger.info('storage closed, counters saved');
  }
}

/** True when `work` settles within `ms` (its result is ignored). */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  const settled = work.then(
    () => true,
    () => true,
  );
  const result = await Promise.race([settled, late]);
  clearTimeout(timer);
  return result;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
