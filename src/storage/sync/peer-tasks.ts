// The storage daemon's push replication (§8.6): one SyncTask per other storage of the group, the
// peers taken from the leader's member list in beat replies. A task starts when its peer is
// ACTIVE, WAIT_SYNC or SYNCING (C's readers sync only then), and also ONLINE (a departure: C waits
// for ACTIVE; the peer applies records idempotently, so pushing early only shortens the lag). It
// stops for good when the peer leaves the list or is DELETED, IP_CHANGED or NONE; a deletion
// removes the peer's mark (§8.4). Ourselves are skipped by id and by ip:port.
// A peer without a mark file gets its first mark from SYNC_SRC_REQ (86) and the task runs with the
// full-copy hooks of §8.7 (full-copy.ts); the tracker changelog (77) renames marks on an IP change
// and removes them on a deletion.
import { join } from 'node:path';
import type { StorageConfig } from '../../common/config/index.js';
import type { Logger } from '../../common/logger.js';
import { StorageStatus as S } from '../../protocol/status.js';
import type { StorageBrief } from '../../protocol/structs/storage-brief.js';
import { EMPTY_MARK, MarkStore } from '../binlog/mark-store.js';
import { BinlogReader } from '../binlog/reader.js';
import { markFileName } from '../binlog/sync-files.js';
import type { Store } from '../store/index.js';
import type { ChangelogEntry } from '../reporter/host.js';
import {
  fullCopyHooks,
  markForNewPeer,
  PeerStatusBoard,
  reportPeerStatus,
  type FullCopyTrackers,
} from './full-copy.js';
import { copyingOldData, isNewSourceFor, owesOfflineReport } from './record-filter.js';
import { SyncTask } from './sync-task.js';

const PUSH_TO = new Set<number>([S.ACTIVE, S.WAIT_SYNC, S.SYNCING, S.ONLINE]);
/**
 * Lanes with sync_max_threads = auto (C: 2 × store_path_count threads). A lane is a connection,
 * not a thread, and waits one round trip per record: more lanes hide it (catch-up of 10,000 small
 * files, measured: 16 lanes ≈ 3,400 files/s, 32 ≈ 4,100). Each is one of the peer's
 * max_connections, so all of a group's lanes toward one storage together take at most a quarter
 * of its max_connections (this storage's, as the group's are usually alike); at least 2.
 */
export function autoLanes(maxConnections: number, peers: number): number {
  return Math.max(2, Math.min(32, Math.floor(maxConnections / (4 * Math.max(1, peers)))));
}
const GONE = new Set<number>([S.DELETED, S.IP_CHANGED, S.NONE]);

export interface PeerTasksOptions {
  config: StorageConfig;
  store: Store;
  groupName: () => string;
  /** Our id (storage id, or IP with ids off) and IPs as the trackers see us; undefined until known. */
  self: () => { id: string | undefined; ips: readonly string[]; port: number };
  /** use_storage_id from the tracker's parameters (mark file names, §8.4). */
  useStorageId: () => boolean;
  /** 86 and 76 (§8.7); without them a new peer is pushed the whole binlog and nothing reported. */
  trackers?: FullCopyTrackers;
  logger: Logger;
}

interface PeerEntry {
  task: SyncTask | undefined;
  markFile: string;
  /** Stops a start still waiting for the tracker's answer to 86. */
  abort: AbortController;
  starting: Promise<void>;
  /** When the source last (re)reported the peer OFFLINE (owesOfflineReport), ms. */
  lastOfflineReport: number;
  /** The peer's status in the last member list. */
  status: number;
}

/** Least time between two OFFLINE reports owed after a restart. */
const OFFLINE_REPORT_EVERY_MS = 2000;

export class PeerSyncTasks {
  private readonly tasks = new Map<string, PeerEntry>();
  private readonly marks: MarkStore;
  /** Serialises membership changes (a task's mark is read before it starts). */
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  /** Statuses of the other members in the last list (for faster beats while one is not ACTIVE). */
  private peerStatuses: number[] = [];
  private readonly board = new PeerStatusBoard();

  constructor(private readonly o: PeerTasksOptions) {
    this.marks = new MarkStore(join(o.config.basePath, 'data', 'sync'));
  }

  /** The running tasks by peer id (tests, bench). */
  get peers(): ReadonlyMap<string, SyncTask> {
    const out = new Map<string, SyncTask>();
    for (const [id, e] of this.tasks) if (e.task) out.set(id, e.task);
    return out;
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
    this.board.update(others);
    const listed = new Map(others.map((b) => [b.id, b]));
    for (const id of [...this.tasks.keys()]) {
      const b = listed.get(id);
      if (b && !GONE.has(b.status)) continue;
      // A peer dropped from the list was deleted: its mark goes, so a return resends everything.
      await this.stopPeer(id, b === undefined || b.status === S.DELETED);
    }
    for (const b of others) {
      if (this.tasks.has(b.id) || !PUSH_TO.has(b.status) || this.closed) continue;
      this.startPeer(b);
    }
    for (const b of others) {
      this.noticeReturn(b);
      this.reconcile(b);
    }
  }

  /** A peer whose status went up again (a restart, OFFLINE → ONLINE): its task retries now. */
  private noticeReturn(b: StorageBrief): void {
    const entry = this.tasks.get(b.id);
    if (!entry) return;
    if (entry.status !== b.status && PUSH_TO.has(b.status)) entry.task?.retryNow();
    entry.status = b.status;
  }

  /**
   * A finished full copy whose OFFLINE report was lost (crash, trackers down): report it again.
   * A peer waiting for a full copy we are not running: ask 86 again, in case its copy started
   * over with us as the new source (§8.7 step 6).
   */
  private reconcile(b: StorageBrief): void {
    const entry = this.tasks.get(b.id);
    const trackers = this.o.trackers;
    if (!entry?.task || !trackers) return;
    const mark = entry.task.mark;
    const waiting = b.status === S.WAIT_SYNC || b.status === S.SYNCING;
    if (!waiting || copyingOldData(mark)) return;
    const now = Date.now();
    if (now - entry.lastOfflineReport < OFFLINE_REPORT_EVERY_MS) return;
    entry.lastOfflineReport = now;
    const o = { peerId: b.id, board: this.board, trackers, logger: this.o.logger };
    if (owesOfflineReport(b.status, mark)) {
      void reportPeerStatus(o, S.OFFLINE).catch(() => false);
      return;
    }
    void trackers.syncSrcReq(b.id).then(
      (answer) => {
        if (!isNewSourceFor(answer, this.selfId(), mark)) return;
        this.o.logger.warn({ peer: b.id, answer }, 'full copy started over with us as source');
        this.chain = this.chain
          .then(async () => {
            if (this.tasks.get(b.id) !== entry) return;
            await this.stopPeer(b.id, true);
            const current = this.board.get(b.id);
            if (current && !this.closed) this.startPeer(current);
          })
          .catch((err: unknown) => this.o.logger.error({ err }, 'restarting a full copy failed'));
      },
      () => undefined,
    );
  }

  private selfId(): string | undefined {
    const me = this.o.self();
    return me.id ?? me.ips[0];
  }

  /** Register the peer's task; it starts once its mark is known (file, or 86's answer). */
  private startPeer(b: StorageBrief): void {
    const me = this.o.self();
    const myId = this.selfId();
    if (myId === undefined) return; // not known yet; the next beat reply tries again
    const markFile = markFileName({ id: b.id, ip: b.ipAddr }, this.o.useStorageId(), me.port);
    const abort = new AbortController();
    const entry: PeerEntry = {
      task: undefined,
      markFile,
      abort,
      starting: Promise.resolve(),
      lastOfflineReport: 0,
      status: b.status,
    };
    entry.starting = this.runPeer(b, myId, entry).catch((err: unknown) =>
      this.o.logger.error({ err, peer: b.id }, 'starting a sync task failed'),
    );
    this.tasks.set(b.id, entry);
  }

  private async runPeer(b: StorageBrief, myId: string, entry: PeerEntry): Promise<void> {
    const { config, store, logger, trackers } = this.o;
    const signal = entry.abort.signal;
    let mark = await this.marks.read(entry.markFile);
    if (!mark && trackers) {
      mark = await markForNewPeer({ peerId: b.id, myId, trackers, signal, logger });
      if (!mark) return;
      await this.marks.write(entry.markFile, mark);
    }
    mark ??= EMPTY_MARK;
    if (signal.aborted) return;
    const me = this.o.self();
    const hooks = trackers
      ? fullCopyHooks({
          peerId: b.id,
          board: this.board,
          trackers,
          // Called only once the task runs.
          mark: () => task.mark,
          // The copy's own OFFLINE report counts as the last one: a member list still showing
          // the peer SYNCING from before it must not trigger a second report, which would set the
          // peer back to OFFLINE on a tracker where its beat has already made it ACTIVE.
          onOfflineReported: () => (entry.lastOfflineReport = Date.now()),
          logger,
        })
      : {};
    const task: SyncTask = new SyncTask({
      myId,
      peer: { host: b.ipAddr, port: b.port },
      send: { groupName: this.o.groupName(), layout: store.layout, smallIo: store.smallFileIo },
      reader: new BinlogReader({
        dir: join(config.basePath, 'data', 'sync'),
        from: { index: mark.binlogIndex, offset: mark.binlogOffset },
        source: store.binlog,
        logger,
      }),
      marks: this.marks,
      markFile: entry.markFile,
      mark,
      lanes:
        config.syncMaxThreads === 'auto'
          ? autoLanes(config.maxConnections, this.peerStatuses.filter((s) => !GONE.has(s)).length)
          : Math.max(1, config.syncMaxThreads),
      connectTimeoutMs: config.connectTimeout * 1000,
      networkTimeoutMs: config.networkTimeout * 1000,
      ...hooks,
      activeTestMs: config.heartBeatInterval * 1000,
      logger,
    });
    entry.task = task;
    logger.info(
      { peer: b.id, address: `${b.ipAddr}:${b.port}`, mark, port: me.port },
      'sync task started',
    );
    task.start();
  }

  private async stopPeer(id: string, removeMark: boolean): Promise<void> {
    const entry = this.tasks.get(id);
    if (!entry) return;
    this.tasks.delete(id);
    entry.abort.abort();
    await entry.starting;
    await entry.task?.stop();
    if (removeMark) await this.marks.remove(entry.markFile);
    this.o.logger.info({ peer: id, removeMark }, 'sync task stopped');
  }

  /** Stop every task (close()); marks stay. */
  async close(): Promise<void> {
    this.closed = true;
    await this.chain;
    await Promise.all(
      [...this.tasks.values()].map(async (e) => {
        e.abort.abort();
        await e.starting;
        await e.task?.stop();
      }),
    );
    this.tasks.clear();
  }

  /**
   * Lines of the tracker's changelog (77, §9.9): a deleted peer's task stops and its mark goes; a
   * peer whose IP changed keeps its mark under the new name (§8.4), and its task restarts from
   * the next member list.
   */
  applyChangelog(entries: readonly ChangelogEntry[]): void {
    this.chain = this.chain
      .then(async () => {
        const me = this.o.self();
        const useIds = this.o.useStorageId();
        for (const e of entries) {
          if (e.status === S.DELETED) {
            await this.stopPeer(e.oldId, true);
            await this.marks.remove(markFileName({ id: e.oldId, ip: e.oldId }, useIds, me.port));
          } else if (e.status === S.IP_CHANGED && e.newId !== '') {
            await this.stopPeer(e.oldId, false);
            const from = markFileName({ id: e.oldId, ip: e.oldId }, useIds, me.port);
            const to = markFileName({ id: e.newId, ip: e.newId }, useIds, me.port);
            if (from !== to) await this.marks.rename(from, to);
          }
        }
      })
      .catch((err: unknown) => this.o.logger.error({ err }, 'applying the changelog failed'));
  }
}
