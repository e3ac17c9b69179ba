// A scripted storage server for tracker tests: it speaks the storage → tracker commands (§5.3)
// over a FramedConnection bound to its own loopback address (the tracker identifies a storage by
// the TCP peer IP when storage ids are off, §9.1), and nothing else: no files, no sync threads.
import { FramedConnection } from '#src/common/connection.js';
import { BufferWriter } from '#src/protocol/buffer.js';
import { TrackerCommand } from '#src/protocol/commands.js';
import { DEFAULT_WIRE_VERSION, STORAGE_ID_MAX_SIZE } from '#src/protocol/constants.js';
import { StorageStatus } from '#src/protocol/status.js';
import { decodeBeatResponse, type BeatResponse } from '#src/protocol/structs/beat-response.js';
import {
  decodeStorageJoinResponse,
  encodeStorageJoinBody,
  type StorageJoinResponse,
} from '#src/protocol/structs/join-body.js';
import {
  encodeStorageStatBlock,
  type StorageStatBlock,
} from '#src/protocol/structs/storage-stat-block.js';
import { decodeSyncBody, type SyncBody } from '#src/protocol/structs/sync-body.js';

export interface StorePathUsage {
  totalMb: number;
  freeMb: number;
}

export interface FakeStorageOptions {
  tracker: { host: string; port: number };
  /** The storage's address: the connection's local address, hence its identity. */
  ip: string;
  groupName: string;
  /** Its service port (storages of a group share one). */
  port: number;
  /** One entry per store path, sent by REPORT_DISK_USAGE. Default: one path, 100 GB, 80 GB free. */
  disk?: StorePathUsage[];
  subdirCountPerPath?: number;
  uploadPriority?: number;
  /** The tracker lines of the join body; default: the one tracker. */
  trackers?: string[];
  networkTimeoutMs?: number;
}

/** Reply sizes: a sync response of a leader lists the whole group (at most 32 storages). */
const SYNC_RESPONSE_MAX = 1 + 34 * 67;

export class FakeStorage {
  private conn: FramedConnection | undefined;
  readonly disk: StorePathUsage[];
  readonly joinTime = Math.floor(Date.now() / 1000) - 3600;

  constructor(readonly options: FakeStorageOptions) {
    this.disk = options.disk ?? [{ totalMb: 100 * 1024, freeMb: 80 * 1024 }];
  }

  get ip(): string {
    return this.options.ip;
  }

  get port(): number {
    return this.options.port;
  }

  get groupName(): string {
    return this.options.groupName;
  }

  /** The storage id as the tracker knows it without storage ids: the IP. */
  get id(): string {
    return this.options.ip;
  }

  get connected(): boolean {
    return this.conn?.usable ?? false;
  }

  private get connection(): FramedConnection {
    if (!this.conn) throw new Error(`storage ${this.ip} is not connected`);
    return this.conn;
  }

  /** A new connection to the tracker (the old one, if any, is dropped). */
  async connect(): Promise<void> {
    this.conn?.destroy();
    this.conn = await FramedConnection.connect({
      host: this.options.tracker.host,
      port: this.options.tracker.port,
      localAddress: this.options.ip,
      connectTimeoutMs: 2000,
      networkTimeoutMs: this.options.networkTimeoutMs ?? 10_000,
    });
  }

  /** STORAGE_JOIN (81). `initFlag` 1 = a storage that has not finished its first sync. */
  async join(initFlag: 0 | 1, status: number): Promise<StorageJoinResponse> {
    const body = encodeStorageJoinBody({
      groupName: this.options.groupName,
      storagePort: this.options.port,
      storePathCount: this.disk.length,
      subdirCountPerPath: this.options.subdirCountPerPath ?? 256,
      uploadPriority: this.options.uploadPriority ?? 10,
      joinTime: this.joinTime,
      upTime: Math.floor(Date.now() / 1000),
      version: DEFAULT_WIRE_VERSION,
      initFlag,
      status,
      storageId: '',
      currentTrackerIp: this.options.tracker.host,
      trackers: this.options.trackers ?? [
        `${this.options.tracker.host}:${this.options.tracker.port}`,
      ],
    });
    const reply = await this.connection.request({
      cmd: TrackerCommand.STORAGE_JOIN,
      body,
      reply: { kind: 'whole', maxLength: 17 },
    });
    return decodeStorageJoinResponse(reply.body);
  }

  /** STORAGE_BEAT (83): empty, or with the 348-byte stat block. */
  async beat(stats?: StorageStatBlock): Promise<BeatResponse> {
    return this.syncResponse(
      TrackerCommand.STORAGE_BEAT,
      stats ? encodeStorageStatBlock(stats) : undefined,
    );
  }

  /** STORAGE_REPORT_DISK_USAGE (84): (total_mb, free_mb) per store path. */
  async reportDiskUsage(): Promise<BeatResponse> {
    const w = new BufferWriter(this.disk.length * 16);
    for (const path of this.disk) w.i64(path.totalMb).i64(path.freeMb);
    return this.syncResponse(TrackerCommand.STORAGE_REPORT_DISK_USAGE, w.finish());
  }

  /** STORAGE_SYNC_REPORT (89): per source storage, "I have everything up to this timestamp". */
  async syncReport(entries: { srcId: string; timestamp: number }[]): Promise<BeatResponse> {
    const w = new BufferWriter(entries.length * (STORAGE_ID_MAX_SIZE + 4));
    for (const e of entries) w.fixedString(STORAGE_ID_MAX_SIZE, e.srcId).i32(e.timestamp);
    return this.syncResponse(TrackerCommand.STORAGE_SYNC_REPORT, w.finish());
  }

  /** STORAGE_SYNC_DEST_REQ (87): undefined when no source is needed (the storage went ONLINE). */
  async syncDestReq(): Promise<SyncBody | undefined> {
    const reply = await this.connection.request({
      cmd: TrackerCommand.STORAGE_SYNC_DEST_REQ,
      reply: { kind: 'whole', maxLength: 24 },
    });
    return reply.body.length === 0 ? undefined : decodeSyncBody(reply.body);
  }

  private async syncResponse(cmd: number, body: Buffer | undefined): Promise<BeatResponse> {
    const reply = await this.connection.request({
      cmd,
      ...(body ? { body } : {}),
      reply: { kind: 'whole', maxLength: SYNC_RESPONSE_MAX },
    });
    return decodeBeatResponse(reply.body);
  }

  /**
   * The first storage of a new group, as a real one starts: join as INIT, SYNC_DEST_REQ (no peer
   * to copy from: ONLINE), then a beat and a disk report (ACTIVE, §9.2).
   */
  async startAsFirstOfGroup(): Promise<void> {
    await this.connect();
    await this.join(1, StorageStatus.INIT);
    await this.syncDestReq();
    await this.beat();
    await this.reportDiskUsage();
  }

  /**
   * A storage that already belongs to the group (it restarted): join with its last status
   * ACTIVE (stored as ONLINE, §9.1), then beat and report disk usage (ACTIVE). Also what every
   * storage does after the tracker restarted: reconnect and join again (§9.13).
   */
  async rejoin(): Promise<StorageJoinResponse> {
    await this.connect();
    const joined = await this.join(0, StorageStatus.ACTIVE);
    await this.beat();
    await this.reportDiskUsage();
    return joined;
  }

  /** Drop the connection without QUIT, as real storages do (§16 #7). */
  close(): void {
    this.conn?.destroy();
    this.conn = undefined;
  }
}
