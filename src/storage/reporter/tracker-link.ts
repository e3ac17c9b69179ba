// Connections from a storage to a tracker (§1.2, §9.13): every one binds to bind_addr when
// client_bind is on — the start-up and short connections too, unlike C (§16 #7).
import { isIP } from 'node:net';
import type { StorageConfig, TrackerAddress } from '../../common/config/index.js';
import { FramedConnection } from '../../common/connection.js';
import { FdfsError } from '../../common/errors.js';

export interface LinkOptions {
  connectTimeoutMs: number;
  networkTimeoutMs: number;
  /** bind_addr when client_bind is on; empty: let the system choose. */
  bindAddrs: readonly string[];
  signal: AbortSignal;
}

/** A connection and the tracker address it reached (the join's current_tracker_ip). */
export interface TrackerLink {
  conn: FramedConnection;
  host: string;
}

const EMPTY = Buffer.alloc(0);
/** Largest reply we accept: FETCH_STORAGE_IDS pages and changelog chunks stay far below. */
const MAX_REPLY = 1 << 20;
/** How long a short connection waits for the tracker to close after QUIT. */
const QUIT_WAIT_MS = 1000;

export function bindAddrsOf(config: Pick<StorageConfig, 'clientBind' | 'bindAddr'>): string[] {
  return config.clientBind ? [...config.bindAddr] : [];
}

/** The bind address of the target's family (bind_addr may list an IPv4 and an IPv6 address). */
export function localAddressFor(host: string, bindAddrs: readonly string[]): string | undefined {
  const family = isIP(host);
  if (family === 0) return bindAddrs[0];
  return bindAddrs.find((a) => isIP(a) === family);
}

/** "ip:port" of a tracker for messages. */
export function trackerLabel(tracker: TrackerAddress): string {
  return `${tracker.hosts.join(',')}:${tracker.port}`;
}

/** Connect to the first address of the tracker that answers (a tracker may list two, §10.2). */
export async function connectTracker(
  tracker: TrackerAddress,
  options: LinkOptions,
): Promise<TrackerLink> {
  let last: unknown;
  for (const host of tracker.hosts) {
    const localAddress = localAddressFor(host, options.bindAddrs);
    try {
      const conn = await FramedConnection.connect({
        host,
        port: tracker.port,
        connectTimeoutMs: options.connectTimeoutMs,
        networkTimeoutMs: options.networkTimeoutMs,
        signal: options.signal,
        ...(localAddress === undefined ? {} : { localAddress }),
      });
      return { conn, host };
    } catch (err) {
      last = err;
      if (options.signal.aborted) break;
    }
  }
  throw last ?? new FdfsError('ERR_CONNECT', `tracker ${trackerLabel(tracker)} has no address`);
}

/** One request; a non-zero status rejects with ERR_SERVER_STATUS and closes the connection. */
export async function call(
  conn: FramedConnection,
  cmd: number,
  body: Buffer = EMPTY,
  signal?: AbortSignal,
): Promise<Buffer> {
  const reply = await conn.request({
    cmd,
    body,
    reply: { kind: 'whole', maxLength: MAX_REPLY },
    ...(signal ? { signal } : {}),
  });
  return reply.body;
}

/**
 * A short connection: connect, run `fn`, then end it with QUIT (`quit`) or a plain close, as the
 * recordings show for each command (60, 76, 77 and 78 end with QUIT; 69/70 and 75 just close).
 */
export async function withShortConnection<T>(
  tracker: TrackerAddress,
  options: LinkOptions,
  quit: boolean,
  fn: (link: TrackerLink) => Promise<T>,
): Promise<T> {
  const link = await connectTracker(tracker, options);
  try {
    return await fn(link);
  } finally {
    if (quit && link.conn.usable) await quitWithin(link.conn, QUIT_WAIT_MS);
    else link.conn.destroy();
  }
}

/** QUIT, then wait a little for the tracker to close (it does at once); close it ourselves after. */
async function quitWithin(conn: FramedConnection, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  await Promise.race([conn.quit(), late]);
  clearTimeout(timer);
  conn.destroy();
}

/** The errno of a tracker's error answer, or undefined for any other failure. */
export function statusOf(err: unknown): number | undefined {
  return err instanceof FdfsError && err.code === 'ERR_SERVER_STATUS' ? err.errno : undefined;
}
