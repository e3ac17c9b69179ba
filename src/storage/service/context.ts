// What every storage command handler works with: the store, the run-time state it shares with
// the tracker reporters (group name, IP field size, connection counters), and the logger.
import type { Logger } from '../../common/logger.js';
import type { ResponseIpSize } from '../../protocol/messages/fields.js';
import type { ConnectionCounters } from '../../protocol/structs/storage-stat-block.js';
import type { Store } from '../store/index.js';
import { SourceWatermarks } from '../sync/watermark.js';

/** libserverframe allocates connection tasks in blocks; fdfs_monitor shows alloc_count = 64. */
const CONNECTION_ALLOC_BLOCK = 64;

/**
 * State that changes while the server runs: what the trackers told us (group, IP size of
 * QUERY_FILE_INFO replies) and the connection counters of the §4.3 statistics block.
 */
export class StorageRuntime {
  /** Our group (storage.conf, or GET_GROUP_NAME at start-up); '' until known. */
  groupName: string;
  /** response_ip_addr_size from PARAMETER_REQ (§10.1): 16 or 46 bytes. */
  ipSize: ResponseIpSize = 16;
  readonly connections: ConnectionCounters = { allocCount: 0, currentCount: 0, maxCount: 0 };
  /** Bumped on every change of `connections` (part of the stats version sent with BEAT). */
  connectionChanges = 0;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly watermarks = new SourceWatermarks();
  /**
   * Per source storage id, the true low-watermark for the sync report (89): every record of that
   * source up to it is here (sync/watermark.ts; C reports the highest applied, §8.5).
   */
  readonly syncedFrom: ReadonlyMap<string, number> = this.watermarks.reported;
  /** Bumped when `syncedFrom` changes (the reporter sends 89 only after a change). */
  syncChanges = 0;

  constructor(groupName: string | undefined) {
    this.groupName = groupName ?? '';
  }

  /** A record from `source` with this source timestamp is here (applied or already present). */
  noteSynced(source: string | undefined, timestamp: number): void {
    if (source === undefined) return;
    if (this.watermarks.note(source, timestamp)) this.syncChanges++;
  }

  connectionOpened(): void {
    const c = this.connections;
    c.currentCount++;
    if (c.currentCount > c.maxCount) c.maxCount = c.currentCount;
    c.allocCount =
      Math.max(1, Math.ceil(c.maxCount / CONNECTION_ALLOC_BLOCK)) * CONNECTION_ALLOC_BLOCK;
    this.connectionChanges++;
  }

  connectionClosed(): void {
    this.connections.currentCount--;
    this.connectionChanges++;
  }

  /** Follow a handler until it settles, so that close() can wait for it before closing the store. */
  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return work;
  }

  /** Resolves once every tracked handler has settled, or after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<void> {
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    });
    await Promise.race([Promise.all([...this.inFlight]), late]);
    clearTimeout(timer);
  }
}

export interface StorageServiceContext {
  readonly store: Store;
  readonly runtime: StorageRuntime;
  readonly logger: Logger;
}
