// TrackerClient: the client queries of §5.1, one method per command, on pooled connections to
// the configured trackers, chosen in rotation with failover (§12, tracker-rotation.ts). Replies
// are decoded by their length, so trackers of every IP size and both QUERY_FETCH_ALL forms work
// (§14.6).
import type { FramedConnection, WholeReplySpec } from '../common/connection.js';
import { FdfsError } from '../common/errors.js';
import { PoolSet, type PoolOptions } from '../common/pool.js';
import { TrackerCommand } from '../protocol/commands.js';
import {
  GROUP_NAME_MAX_LEN,
  IPV6_ADDRESS_SIZE,
  MAX_SERVERS_EACH_GROUP,
} from '../protocol/constants.js';
import { isValidGroupName, parseFileId } from '../protocol/file-id/index.js';
import {
  decodeFetchAllReply,
  decodeFetchOneReply,
  decodeStoreAllReply,
  decodeStoreOneReply,
  encodeQueryFileRequest,
  encodeQueryStoreRequest,
  type ServerAddress,
} from '../protocol/messages/index.js';
import { ownPoolOptions } from './config.js';
import { decodeReply } from './replies.js';
import { TrackerRotation } from './tracker-rotation.js';
import type { StorageTarget, TrackerEndpoint } from './types.js';

export interface TrackerClientOptions {
  /** client.conf `tracker_server` lines (at least one). */
  trackers: readonly TrackerEndpoint[];
  /** connect_timeout (default 10 s, §10.3); used when the client makes its own pools. */
  connectTimeoutMs?: number;
  /** network_timeout (default 30 s, §10.3); used when the client makes its own pools. */
  networkTimeoutMs?: number;
  /** Pools to use, owned by the caller. Without them the client makes its own, closed by close(). */
  pools?: PoolSet;
  /** Options of the client's own pools. */
  poolOptions?: PoolOptions;
}

/**
 * The largest query reply: group + 32 servers of IP size 46 + the store path index (§5.1); the
 * decoders then check each exact length.
 */
const QUERY_REPLY: WholeReplySpec = {
  kind: 'whole',
  maxLength: GROUP_NAME_MAX_LEN + MAX_SERVERS_EACH_GROUP * (IPV6_ADDRESS_SIZE - 1 + 8) + 1,
};
const NO_BODY = Buffer.alloc(0);

export class TrackerClient {
  private readonly rotation: TrackerRotation;
  private readonly pools: PoolSet;
  private readonly ownsPools: boolean;

  constructor(options: TrackerClientOptions) {
    this.rotation = new TrackerRotation(options.trackers);
    this.ownsPools = options.pools === undefined;
    this.pools = options.pools ?? new PoolSet(ownPoolOptions(options));
  }

  /** "host:port" of each configured tracker. */
  get trackers(): string[] {
    return this.rotation.servers;
  }

  /** Where to upload: 101 without a group, 104 with one (§5.1). */
  async queryStore(groupName?: string, signal?: AbortSignal): Promise<StorageTarget> {
    const cmd =
      groupName === undefined
        ? TrackerCommand.SERVICE_QUERY_STORE_WITHOUT_GROUP_ONE
        : TrackerCommand.SERVICE_QUERY_STORE_WITH_GROUP_ONE;
    const body = storeRequest(cmd, groupName);
    return this.use(async (conn) => {
      const reply = await request(conn, cmd, body, signal);
      const r = decodeReply(conn, cmd, () => decodeStoreOneReply(reply, cmd));
      return { groupName: r.groupName, host: r.ip, port: r.port, storePathIndex: r.storePathIndex };
    }, signal);
  }

  /**
   * Every writable storage of the group a new file would go to: 106 without a group, 107 with
   * one (§5.1). Each carries the store path index the tracker computed for the first of them.
   */
  async queryStoreAll(groupName?: string, signal?: AbortSignal): Promise<StorageTarget[]> {
    const cmd =
      groupName === undefined
        ? TrackerCommand.SERVICE_QUERY_STORE_WITHOUT_GROUP_ALL
        : TrackerCommand.SERVICE_QUERY_STORE_WITH_GROUP_ALL;
    const body = storeRequest(cmd, groupName);
    return this.use(async (conn) => {
      const reply = await request(conn, cmd, body, signal);
      const r = decodeReply(conn, cmd, () => decodeStoreAllReply(reply, {}, cmd));
      return r.servers.map((s) => ({
        ...target(r.groupName, s),
        storePathIndex: r.storePathIndex,
      }));
    }, signal);
  }

  /** Where to download `fileId` from (102, §5.1, §9.7). */
  queryFetch(fileId: string, signal?: AbortSignal): Promise<StorageTarget> {
    return this.queryOne(TrackerCommand.SERVICE_QUERY_FETCH_ONE, fileId, signal);
  }

  /** Where to delete, modify or set metadata of `fileId` (103, §5.1). */
  queryUpdate(fileId: string, signal?: AbortSignal): Promise<StorageTarget> {
    return this.queryOne(TrackerCommand.SERVICE_QUERY_UPDATE, fileId, signal);
  }

  /** Every storage that holds `fileId` (105), in the 6.16 or the older reply form (§14.6). */
  async queryFetchAll(fileId: string, signal?: AbortSignal): Promise<StorageTarget[]> {
    const cmd = TrackerCommand.SERVICE_QUERY_FETCH_ALL;
    const body = fileRequest(cmd, fileId);
    return this.use(async (conn) => {
      const reply = await request(conn, cmd, body, signal);
      const r = decodeReply(conn, cmd, () => decodeFetchAllReply(reply));
      return r.servers.map((s) => target(r.groupName, s));
    }, signal);
  }

  /** ACTIVE_TEST (111) to the next tracker in rotation (§1.2). */
  activeTest(signal?: AbortSignal): Promise<void> {
    return this.use((conn) => conn.activeTest(signal), signal);
  }

  /**
   * Run `fn` on a pooled connection to the next tracker (§12): the way to send commands this
   * class has no method for. After any error the connection is dropped, not pooled.
   */
  use<T>(fn: (conn: FramedConnection) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.rotation.use(this.pools, fn, signal);
  }

  /** Close the client's own pools (QUIT to idle connections); pools passed in are left open. */
  async close(): Promise<void> {
    if (this.ownsPools) await this.pools.close();
  }

  private async queryOne(
    cmd: number,
    fileId: string,
    signal: AbortSignal | undefined,
  ): Promise<StorageTarget> {
    const body = fileRequest(cmd, fileId);
    return this.use(async (conn) => {
      const reply = await request(conn, cmd, body, signal);
      const r = decodeReply(conn, cmd, () => decodeFetchOneReply(reply, cmd));
      return target(r.groupName, r);
    }, signal);
  }
}

async function request(
  conn: FramedConnection,
  cmd: number,
  body: Buffer,
  signal: AbortSignal | undefined,
): Promise<Buffer> {
  const reply = await conn.request({
    cmd,
    body,
    reply: QUERY_REPLY,
    ...(signal ? { signal } : {}),
  });
  return reply.body;
}

function target(groupName: string, s: ServerAddress): StorageTarget {
  return { groupName, host: s.ip, port: s.port };
}

/** Body of 101/106 (empty) or 104/107 (the group). */
function storeRequest(cmd: number, groupName: string | undefined): Buffer {
  if (groupName === undefined) return NO_BODY;
  if (!isValidGroupName(groupName)) {
    throw new FdfsError(
      'ERR_INVALID_ARGUMENT',
      `group name ${JSON.stringify(groupName)}: not 1..${GROUP_NAME_MAX_LEN} letters and digits`,
      { command: cmd },
    );
  }
  return encodeQueryStoreRequest(groupName);
}

/** Body of 102/103/105: the group and the file name of a checked file id. */
function fileRequest(cmd: number, fileId: string): Buffer {
  const { groupName, logicName } = parseFileId(fileId);
  return encodeQueryFileRequest(groupName, logicName, cmd);
}
