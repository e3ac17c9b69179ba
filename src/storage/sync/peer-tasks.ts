// The storage daemon's push replication (§8.6): one SyncTask per other storage of the group, the
// peers taken from the leader's member list in beat replies. A task starts when its peer is
// ACTIVE, WAIT_SYNC or SYNCING (C's readers sync only then), and also ONLINE (a departure: C waits
// for ACTIVE; the peer applies records idempotently, so pushing early only shortens the lag). It
// stops for good when the peer leaves the list or is DELETED, IP_CHANGED or NONE; a deletion
// removes the peer's mark (§8.4). Ourselves are skipped by id and by ip:port.
import { join } from 'node:path';
import type { StorageConfig } from '../../common/config/index.js';
import type { Logger } from '../../common/logger.js';
import { StorageStatus as S } from '../../protocol/status.js';
import type { StorageBrief } from '../../protocol/structs/storage-brief.js';
import { EMPTY_MARK, MarkStore } from '../binlog/mark-store.js';
import { BinlogReader } from '../binlog/reader.js';
import { markFileName } from '../binlog/sync-files.js';
import type { Store } from '../store/index.js';
import { SyncTask } from './sync-task.js';

const PUSH_TO = new Set<number>([S.ACTIVE, S.WAIT_SYNC, S.SYNCING, S.ONLINE]);
/** Lanes with sync_max_threads = auto (C: the CPU count); a lane waits on one round trip at a time. */
const AUTO_LANES = 16;
const GONE = new Set<number>([S.DELETED, S.IP_CHANGED, S.NONE]);

export interface PeerTasksOptions {
  config: StorageConfig;
  store: Store;
  groupName: () => string;
  /** Our id (storage id, or IP with ids off) and IPs as the trackers see us; undefined until known. */
  self: () => { id: string | undefined; ips: readonly string[]; port: number };
  /** use_storage_id from the tracker's parameters (mark file names, §8.4). */
  useStorageId: () => boolean;
  logger: Logger;
}

interface PeerEntry {
  task: SyncTask;
  markFile: string;
}

export class PeerSyncTasks {
  private readonly tasks = new Map<string, PeerEntry>();
  private readonly marks: MarkStore;
  /** Serialises membership changes (a task's mark is read before it starts). */
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  /** Statuses of the other members in the last list (for faster beats while one is not ACTIVE). */
  private peerStatuses: number[] = [];

  constructor(private readonly o: PeerTasksOptions) {
    this.marks = new MarkStore(join(o.config.basePath, 'data', 'sync'));
  }

  /** The running tasks by peer id (tests, bench). */
  get peers(): ReadonlyMap<string, SyncTask> {
    return new Map([...this.tasks].map(([id, e]) => [id, e.task]));
  }

  /** A peer of the group is not ACTIVE yet (the reporters beat every 0.5 s meanwhile). */
  membershipChanging(): boolean {
    return this.peerStatuses.some((s) => s !== S.ACTIVE && !GONE.has(s) && s !== S.OFFLINE);
  }

  /** The leader's member list (us included). */
  update(members: readonly StorageBrief[]): void {
    this.chain = this.chain
      .then(() => this.apply(members))
      .catch((err: unknown) => this.o.logger.error({ err }, 'updating sync tasks failed'));
  }

  private isSelf(b: StorageBrief): boolean {
    const me = this.o.self();
    if (me.id !== undefined && b.id === me.id) return true;
    return b.port === me.port && me.ips.includes(b.ipAddr);
  }

  private async apply(members: readonly StorageBrief[]): Promise<void> {
    if (this.closed) return;
    const others = members.filter((b) => !this.isSelf(b));
    this.peerStatuses = others.map((b) => b.status);
    const listed = new Map(others.map((b) => [b.id, b]));
    for (const id of [...this.tasks.keys()]) {
      const b = listed.get(id);
      if (b && !GONE.has(b.status)) continue;
      // A peer dropped from the list was deleted: its mark goes, so a return resends everything.
      await this.stopPeer(id, b === undefined || b.status === S.DELETED);
    }
    for (const b of others) {
      if (this.tasks.has(b.id) || !PUSH_TO.has(b.status) || this.closed) continue;
      await this.startPeer(b);
    }
  }

  private async startPeer(b: StorageBrief): Promise<void> {
    const me = this.o.self();
    const myId = me.id ?? me.ips[0];
    if (myId === undefined) return; // not known yet; the next beat reply tries again
    const markFile = markFileName({ id: b.id, ip: b.ipAddr }, this.o.useStorageId(), me.port);
    const mark = (await this.marks.read(markFile)) ?? EMPTY_MARK;
    const { config, store, logger } = this.o;
    const task = new SyncTask({
      myId,
      peer: { host: b.ipAddr, port: b.port },
      send: { groupName: this.o.groupName(), layout: store.layout },
      reader: new BinlogReader({
        dir: join(config.basePath, 'data', 'sync'),
        from: { index: mark.binlogIndex, offset: mark.binlogOffset },
        source: store.binlog,
        logger,
      }),
      marks: this.marks,
      markFile,
      mark,
      lanes: config.syncMaxThreads === 'auto' ? AUTO_LANES : Math.max(1, config.syncMaxThreads),
      connectTimeoutMs: config.connectTimeout * 1000,
      networkTimeoutMs: config.networkTimeout * 1000,
      activeTestMs: config.heartBeatInterval * 1000,
      logger,
    });
    this.tasks.set(b.id, { task, markFile });
    logger.info({ peer: b.id, address: `${b.ipAddr}:${b.port}`, mark }, 'sync task started');
    task.start();
  }

  private async stopPeer(id: string, removeMark: boolean): Promise<void> {
    const entry = this.tasks.get(id);
    if (!entry) return;
    this.tasks.delete(id);
    await entry.task.stop();
    if (removeMark) await this.marks.remove(entry.markFile);
    this.o.logger.info({ peer: id, removeMark }, 'sync task stopped');
  }

  /** Stop every task (close()); marks stay. */
  async close(): Promise<void> {
    this.closed = true;
    await this.chain;
    await Promise.all([...this.tasks.values()].map((e) => e.task.stop()));
    this.tasks.clear();
  }
}
