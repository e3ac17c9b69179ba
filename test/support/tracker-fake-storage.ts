// A scripted storage for tracker tests: a plain FramedConnection from its own loopback address
// (127.0.0.x, so that trackers without storage ids tell storages apart), speaking the tracker
// message codecs (§5.3).
import { FramedConnection } from '#src/common/connection.js';
import { TrackerCommand as C } from '#src/protocol/commands.js';
import {
  encodeDiskUsageRequest,
  type DiskUsageEntry,
} from '#src/protocol/messages/tracker-reports.js';
import { decodeSyncSourceReply } from '#src/protocol/messages/tracker-sync-source.js';
import { decodeBeatResponse, type BeatResponse } from '#src/protocol/structs/beat-response.js';
import {
  decodeStorageJoinResponse,
  encodeStorageJoinBody,
  type StorageJoinBody,
  type StorageJoinResponse,
} from '#src/protocol/structs/join-body.js';
import type { SyncBody } from '#src/protocol/structs/sync-body.js';

export interface FakeStorageOptions {
  /** The storage's own address (its identity when storage ids are off). */
  ip: string;
  trackerHost: string;
  trackerPort: number;
}

export class FakeStorage {
  private constructor(
    readonly ip: string,
    readonly conn: FramedConnection,
    private readonly tracker: { host: string; port: number },
  ) {}

  static async connect(options: FakeStorageOptions): Promise<FakeStorage> {
    const conn = await FramedConnection.connect({
      host: options.trackerHost,
      port: options.trackerPort,
      localAddress: options.ip,
      connectTimeoutMs: 2000,
      networkTimeoutMs: 5000,
    });
    return new FakeStorage(options.ip, conn, {
      host: options.trackerHost,
      port: options.trackerPort,
    });
  }

  /** One request; a non-zero status rejects (and closes, as FramedConnection does). */
  async call(cmd: number, body: Buffer = Buffer.alloc(0)): Promise<Buffer> {
    const reply = await this.conn.request({
      cmd,
      body,
      reply: { kind: 'whole', maxLength: 1 << 20 },
    });
    return reply.body;
  }

  async join(over: Partial<StorageJoinBody> = {}): Promise<StorageJoinResponse> {
    const body = encodeStorageJoinBody({
      groupName: 'group1',
      storagePort: 23000,
      storePathCount: 1,
      subdirCountPerPath: 256,
      uploadPriority: 10,
      joinTime: 1_795_262_797,
      upTime: 1_795_262_797,
      version: '6.16.1',
      initFlag: 1,
      status: 0,
      storageId: '',
      currentTrackerIp: this.tracker.host,
      trackers: [`${this.tracker.host}:${this.tracker.port}`],
      ...over,
    });
    return decodeStorageJoinResponse(await this.call(C.STORAGE_JOIN, body));
  }

  async syncDestReq(): Promise<SyncBody | null> {
    return decodeSyncSourceReply(await this.call(C.STORAGE_SYNC_DEST_REQ), C.STORAGE_SYNC_DEST_REQ);
  }

  async beat(): Promise<BeatResponse> {
    return decodeBeatResponse(await this.call(C.STORAGE_BEAT));
  }

  async reportDiskUsage(paths: DiskUsageEntry[]): Promise<BeatResponse> {
    return decodeBeatResponse(
      await this.call(C.STORAGE_REPORT_DISK_USAGE, encodeDiskUsageRequest(paths)),
    );
  }

  /** Join, become ACTIVE (no peer to copy from, or a status it already had) and report space. */
  async bringUp(over: Partial<StorageJoinBody> = {}, freeMb = 50_000): Promise<BeatResponse> {
    const joined = await this.join(over);
    if (joined.myStatus === 0) await this.syncDestReq();
    const first = await this.beat();
    await this.reportDiskUsage([{ totalMb: 100_000, freeMb }]);
    return first;
  }

  quit(): Promise<void> {
    return this.conn.quit();
  }
}
