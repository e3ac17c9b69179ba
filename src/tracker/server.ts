// The tracker server: loads its saved state, serves the tracker commands on bind_addr:port, and
// runs its timers (heartbeat expiry, `.tracker_status` at wall-clock multiples of 300 s, and the
// leader driver), all unref'd. close() stops them, closes every connection and saves everything.
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  loadStorageIds,
  responseIpSize,
  type StorageIdConfigEntry,
  type TrackerConfig,
} from '../common/config/index.js';
import { FdfsError } from '../common/errors.js';
import { FramedServer } from '../common/framed-server.js';
import { addressFor } from '../common/ip-class.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { nextStatusCheckTime } from './persist/formats.js';
import { TrackerStore } from './persist/store.js';
import { runningTimes } from './relation/election.js';
import { FollowerLink } from './relation/follower-link.js';
import { LeaderDriver } from './relation/leader-driver.js';
import { Leadership, type Named } from './relation/leadership.js';
import { peerCall } from './relation/peer-call.js';
import { needsSysFileCopy } from './relation/sys-file-copy.js';
import { SysFileSync } from './relation/sys-file-sync.js';
import { TrackerPeers, interfaceAddresses } from './relation/peers.js';
import { formatIpPort } from '../protocol/messages/tracker-fields.js';
import { dialectOf, policyOf, type LeaderView, type TrackerContext } from './service/context.js';
import { saveChanges, trackerHandler } from './service/dispatch.js';
import type { TrackerSession } from './service/session.js';
import { SysFileLock } from './service/sys-files.js';
import { ClusterState } from './state/index.js';

export interface TrackerServerOptions {
  logger?: Logger;
  /** Unix seconds (tests pass a fake clock). */
  now?: () => number;
  /** storage_ids.conf already loaded; otherwise it is read when use_storage_id is on. */
  storageIds?: readonly StorageIdConfigEntry[];
}

/** Timers tick once a second: heartbeat expiry, the status file and the leader driver. */
const TICK_MS = 1000;
/** Calls to a peer tracker: connect within 1 s (§9.12), answer within 1.5 s (ours, for speed). */
const PEER_CONNECT_MS = 1000;
const PEER_ANSWER_MS = 1500;
/** Pools of connection slots grow by 256 (the alloc_count the C trackers report). */
const ALLOC_STEP = 256;

interface Running {
  framed: FramedServer<TrackerSession>;
  ctx: TrackerContext;
  driver: LeaderDriver;
  timer: NodeJS.Timeout;
  probes: AbortController;
}

export class TrackerServer {
  private readonly logger: Logger;
  private readonly now: () => number;
  private running: Running | undefined;
  private starting: Promise<AddressInfo> | undefined;
  private closing: Promise<void> | undefined;
  private boundPort = 0;
  private nextStatusCheck = 0;

  constructor(
    readonly config: TrackerConfig,
    private readonly options: TrackerServerOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Load the state, bind bind_addr:port and start the timers. */
  listen(): Promise<AddressInfo> {
    if (this.closing) {
      return Promise.reject(new FdfsError('ERR_CLOSED', 'the tracker server is closed'));
    }
    this.starting ??= this.start();
    return this.starting;
  }

  address(): AddressInfo | undefined {
    return this.running?.framed.address();
  }

  private async start(): Promise<AddressInfo> {
    const { config, logger } = this;
    const storageIds =
      this.options.storageIds ??
      (config.useStorageId && config.storageIdsFilename
        ? await loadStorageIds(config.storageIdsFilename)
        : []);
    const policy = policyOf(config, storageIds);
    const state = new ClusterState(policy);
    const store = new TrackerStore(join(config.basePath, 'data'), config.useStorageId);
    const { snapshot, status } = await store.load();
    if (snapshot) state.restore(snapshot);
    const startTime = this.now();
    const lastCheckTime = status?.lastCheckTime ?? 0;

    const peers = new TrackerPeers(config.trackerServers, () => this.boundPort, [
      ...interfaceAddresses(),
      ...config.bindAddr,
    ]);
    const probes = new AbortController();
    const networkTimeoutMs = config.networkTimeout * 1000;
    const times = (): { runningTime: number; restartInterval: number } =>
      runningTimes(startTime, lastCheckTime, this.now());
    const relation = new Leadership();
    const connections = { current: 0, max: 0 };
    const peerOptions = {
      connectTimeoutMs: PEER_CONNECT_MS,
      networkTimeoutMs: PEER_ANSWER_MS,
      signal: probes.signal,
      ...(config.bindAddr[0] ? { localAddress: config.bindAddr[0] } : {}),
    };
    const counters = () => ({
      allocCount: Math.max(1, Math.ceil(connections.max / ALLOC_STEP)) * ALLOC_STEP,
      currentCount: connections.current,
      maxCount: connections.max,
    });
    const dialect = dialectOf(config.wireCompat, responseIpSize(config, storageIds));
    const driver = new LeaderDriver({
      peers,
      relation,
      call: peerCall(peerOptions),
      link: new FollowerLink({
        ...peerOptions,
        join: () => ({ upTime: startTime, version: dialect.version, serverPort: this.boundPort }),
        counters,
      }),
      self: () => ({ ifLeader: false, ...times(), ip: this.selfIp(), port: this.boundPort }),
      selfText: () => formatIpPort(this.selfIp(), this.boundPort),
      onLeadership: () => state.noteLeaderChange(),
      now: this.now,
      clockMs: () => performance.now(),
      random: Math.random,
      logger,
    });
    const sysFiles = new SysFileSync({
      needed: needsSysFileCopy(state.hasGroups, startTime, lastCheckTime),
      peers: () => peers.list(),
      call: peerCall(peerOptions),
      self: () => ({
        ifLeader: driver.isLeader,
        ...times(),
        ip: this.selfIp(),
        port: this.boundPort,
      }),
      peerOptions,
      install: async (files) => {
        // Copied files replace ours; the state is reloaded from them (§9.1 step 1).
        await store.replaceSysFiles(files);
        const { snapshot: copied } = await store.load();
        if (copied) state.restore(copied);
        await store.writeStatus({ upTime: startTime, lastCheckTime: this.now() });
      },
      logger,
    });
    const nameTracker = (ip: string, port: number): Named => {
      const self = { hosts: [ip], port };
      if (peers.isSelf(self)) return { self: true };
      const found = peers.list().find((t) => t.port === port && t.hosts.includes(ip));
      return found ? { self: false, address: found } : undefined;
    };
    const leader: LeaderView = {
      get isLeader() {
        return driver.isLeader;
      },
      leaderAddress: (requesterIp, localIp) => {
        const known = driver.leader;
        if (!known) return undefined;
        if (known.self) return { ip: localIp, port: this.boundPort };
        return { ip: addressFor(known.address.hosts, requesterIp), port: known.address.port };
      },
      status: () => ({ ifLeader: driver.isLeader ? 1 : 0, ...times() }),
    };
    const ctx: TrackerContext = {
      state,
      store,
      config,
      policy,
      storageIds,
      dialect,
      leader,
      peers,
      relation,
      nameTracker,
      connections,
      logger,
      now: this.now,
      startTime,
      port: () => this.boundPort,
      clusterChanged: () => setImmediate(() => void driver.tick()),
      sysFileLock: new SysFileLock(),
      beforeJoin: () => sysFiles.beforeJoin(),
    };
    const framed = new FramedServer<TrackerSession>({
      handler: trackerHandler(ctx),
      networkTimeoutMs,
      maxConnections: config.maxConnections,
      logger,
      allowHost: config.isHostAllowed,
    });
    const address = await framed.listen(config.port, config.bindAddr[0]);
    this.boundPort = address.port;
    this.nextStatusCheck = nextStatusCheckTime(startTime);
    const timer = setInterval(() => this.tick(), TICK_MS);
    timer.unref();
    this.running = { framed, ctx, driver, timer, probes };
    if (this.closing) {
      // close() was called while starting: it waits for this and then stops everything.
      return address;
    }
    void driver.tick();
    logger.info({ address: address.address, port: address.port }, 'tracker listening');
    return address;
  }

  /** The address this tracker calls itself by in elections. */
  private selfIp(): string {
    return this.config.bindAddr[0] ?? this.running?.framed.address()?.address ?? '127.0.0.1';
  }

  private tick(): void {
    const running = this.running;
    if (!running || this.closing) return;
    const { ctx, driver } = running;
    const now = this.now();
    const expired = ctx.state.checkHeartbeats(now);
    if (expired.length > 0) {
      this.logger.info({ storages: expired }, 'heartbeat timeout: storages offline');
    }
    void saveChanges(ctx);
    if (now >= this.nextStatusCheck) {
      const lastCheckTime = this.nextStatusCheck;
      this.nextStatusCheck = nextStatusCheckTime(now);
      ctx.store
        .writeStatus({ upTime: ctx.startTime, lastCheckTime })
        .catch((err: unknown) => this.logger.error({ err }, 'writing .tracker_status failed'));
    }
    driver.tick().catch((err: unknown) => this.logger.error({ err }, 'leader round failed'));
  }

  /** Stop the timers, close every connection, save everything. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    const running = this.running;
    if (!running) return;
    const { framed, ctx, timer, probes } = running;
    clearInterval(timer);
    probes.abort();
    await framed.close();
    await saveChanges(ctx);
    await ctx.store.saveAll(ctx.state.snapshot());
    await ctx.store.writeStatus({ upTime: ctx.startTime, lastCheckTime: this.now() });
    await ctx.store.flushed();
    this.logger.info('tracker closed, state saved');
  }
}
