// A scripted tracker on a loopback address, port 0, for the reporter tests: it records every
// request (command, body, peer address, connection number) and answers from a script. The
// standard script answers like a lone tracker would. (*.test.helper.ts: compiled, not run.)
import type { TrackerAddress } from '../../common/config/index.js';
import { FramedServer } from '../../common/framed-server.js';
import { silentLogger } from '../../common/logger.js';
import type { PeerAddress } from '../../common/server-connection.js';
import { TrackerCommand as C } from '../../protocol/commands.js';
import {
  encodeFetchStorageIdsReply,
  encodeGroupNameReply,
  encodeMyIpReply,
  encodeServerIdReply,
  decodeFetchStorageIdsRequest,
  type StorageIdLine,
} from '../../protocol/messages/tracker-identity.js';
import {
  DEFAULT_TRACKER_PARAMETERS,
  encodeParameterReply,
  type TrackerParameters,
} from '../../protocol/messages/tracker-parameters.js';
import { encodeSyncSourceReply } from '../../protocol/messages/tracker-sync-source.js';
import { trackerRequestShape } from '../../protocol/shapes.js';
import { encodeBeatResponse, type BeatResponse } from '../../protocol/structs/beat-response.js';
import {
  encodeStorageJoinResponse,
  type StorageJoinResponse,
} from '../../protocol/structs/join-body.js';
import type { SyncBody } from '../../protocol/structs/sync-body.js';

export interface Recorded {
  cmd: number;
  body: Buffer;
  peer: PeerAddress;
  /** 1, 2, ... in the order connections were accepted. */
  conn: number;
  /** performance.now() on arrival. */
  at: number;
}

/** A reply (status 0 by default), or 'drop': close the connection without answering. */
export type FakeAnswer = { status?: number; body?: Buffer } | 'drop';
export type FakeScript = (req: Recorded, fake: FakeTracker) => FakeAnswer | Promise<FakeAnswer>;

interface Session {
  conn: number;
  peer: PeerAddress;
}

export class FakeTracker {
  readonly requests: Recorded[] = [];
  private connections = 0;
  private waiters: { pred: (r: Recorded) => boolean; resolve: (r: Recorded) => void }[] = [];

  private readonly server: FramedServer<Session>;
  private listening = 0;

  private constructor(
    script: FakeScript,
    readonly host: string,
  ) {
    this.server = new FramedServer<Session>({
      handler: {
        role: 'tracker',
        requestShape: (cmd) => trackerRequestShape(cmd),
        createSession: (peer) => ({ conn: ++this.connections, peer }),
        handle: async (req) => {
          const rec: Recorded = {
            cmd: req.header.cmd,
            body: Buffer.from(req.body),
            peer: req.session.peer,
            conn: req.session.conn,
            at: performance.now(),
          };
          this.record(rec);
          if (rec.cmd === C.QUIT) return { close: true };
          const answer = await script(rec, this);
          if (answer === 'drop') return { close: true };
          return { status: answer.status ?? 0, ...(answer.body ? { body: answer.body } : {}) };
        },
      },
      networkTimeoutMs: 10_000,
      maxConnections: 100,
      logger: silentLogger,
    });
  }

  static async start(script: FakeScript, host = '127.0.0.1'): Promise<FakeTracker> {
    const fake = new FakeTracker(script, host);
    fake.listening = (await fake.server.listen(0, host)).port;
    return fake;
  }

  get port(): number {
    return this.listening;
  }

  get address(): TrackerAddress {
    return { hosts: [this.host], port: this.port };
  }

  private record(rec: Recorded): void {
    this.requests.push(rec);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(rec)) return true;
      w.resolve(rec);
      return false;
    });
  }

  /** Commands in arrival order, optionally only those of one connection. */
  commands(conn?: number): number[] {
    return this.requests.filter((r) => conn === undefined || r.conn === conn).map((r) => r.cmd);
  }

  count(cmd: number): number {
    return this.requests.filter((r) => r.cmd === cmd).length;
  }

  /** The n-th (1-based) request matching, now or when it arrives. */
  waitFor(pred: (r: Recorded) => boolean, n = 1, timeoutMs = 10_000): Promise<Recorded> {
    const seen = this.requests.filter(pred);
    if (seen.length >= n) return Promise.resolve(seen[n - 1]!);
    let remaining = n - seen.length;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`fake tracker: no request #${n} after ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        pred: (r) => pred(r) && --remaining === 0,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
    });
  }

  waitForCmd(cmd: number, n = 1, timeoutMs = 10_000): Promise<Recorded> {
    return this.waitFor((r) => r.cmd === cmd, n, timeoutMs);
  }

  /** Connections open right now. */
  get connectionCount(): number {
    return this.server.connectionCount;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

export interface StandardOptions {
  params?: Partial<TrackerParameters>;
  groupName?: string;
  storageIds?: StorageIdLine[];
  /** FETCH_STORAGE_IDS page size. */
  idsPageSize?: number;
  serverId?: string;
  /** 81's reply; INIT and no source by default. */
  join?: (req: Recorded, fake: FakeTracker) => StorageJoinResponse;
  /** 87's reply; null (nothing to copy) by default. */
  syncDest?: SyncBody | null;
  /** 83/84/89 replies; a single 0 flags byte by default. */
  sync?: (req: Recorded, fake: FakeTracker) => Partial<BeatResponse> | undefined;
  /** Asked first; undefined falls through to the standard answer. */
  override?: (req: Recorded, fake: FakeTracker) => FakeAnswer | undefined;
}

/** Answers like a lone tracker: every storage command gets a plausible reply. */
export function standardTracker(options: StandardOptions = {}): FakeScript {
  const params = { ...DEFAULT_TRACKER_PARAMETERS, ...options.params };
  const ids = options.storageIds ?? [];
  return (req, fake) => {
    const custom = options.override?.(req, fake);
    if (custom !== undefined) return custom;
    switch (req.cmd) {
      case C.STORAGE_GET_GROUP_NAME:
        return { body: encodeGroupNameReply(options.groupName ?? 'group1') };
      case C.STORAGE_GET_MY_IP:
        return { body: encodeMyIpReply([req.peer.address]) };
      case C.STORAGE_PARAMETER_REQ:
        return { body: encodeParameterReply(params) };
      case C.STORAGE_FETCH_STORAGE_IDS: {
        const { startIndex } = decodeFetchStorageIdsRequest(req.body);
        const page = ids.slice(startIndex, startIndex + (options.idsPageSize ?? 100));
        return { body: encodeFetchStorageIdsReply({ totalCount: ids.length, entries: page }) };
      }
      case C.STORAGE_GET_SERVER_ID:
        return options.serverId
          ? { body: encodeServerIdReply(options.serverId) }
          : { status: 2 /* ENOENT */ };
      case C.STORAGE_JOIN:
        return {
          body: encodeStorageJoinResponse(options.join?.(req, fake) ?? { myStatus: 0, srcId: '' }),
        };
      case C.STORAGE_SYNC_DEST_REQ:
        return { body: encodeSyncSourceReply(options.syncDest ?? null) };
      case C.STORAGE_BEAT:
      case C.STORAGE_REPORT_DISK_USAGE:
      case C.STORAGE_SYNC_REPORT:
        return { body: encodeBeatResponse(options.sync?.(req, fake) ?? { flags: 0 }) };
      default:
        return {};
    }
  };
}
