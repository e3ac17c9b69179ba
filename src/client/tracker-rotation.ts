// Choosing a tracker as the C client does (`tracker_get_connection_ex`, §12): a server index
// rotates over the configured trackers on every call, and a tracker that cannot be reached is
// passed over for the next one, wrapping around once. Only connect failures move on: once a
// tracker has been reached, its answer (or its failure) is the call's.
import { formatServer, type FramedConnection } from '../common/connection.js';
import { FdfsError } from '../common/errors.js';
import type { PoolSet } from '../common/pool.js';
import type { TrackerEndpoint } from './types.js';

interface Address {
  host: string;
  port: number;
}

/** True for the failures that mean "this tracker cannot be reached": try the next one. */
export function isConnectFailure(err: unknown): err is FdfsError {
  return (
    err instanceof FdfsError && (err.code === 'ERR_CONNECT' || err.code === 'ERR_CONNECT_TIMEOUT')
  );
}

export class TrackerRotation {
  /** One entry per configured tracker: its addresses, tried in order. */
  private readonly slots: readonly (readonly Address[])[];
  private serverIndex = 0;

  constructor(trackers: readonly TrackerEndpoint[]) {
    if (trackers.length === 0) {
      throw new FdfsError('ERR_INVALID_ARGUMENT', 'no tracker server configured');
    }
    this.slots = trackers.map((t) => {
      const hosts = 'hosts' in t ? t.hosts : [t.host];
      if (hosts.length === 0 || !Number.isInteger(t.port) || t.port < 1 || t.port > 65535) {
        throw new FdfsError(
          'ERR_INVALID_ARGUMENT',
          `bad tracker server ${JSON.stringify(t)}: need a host and a port 1..65535`,
        );
      }
      return hosts.map((host) => ({ host, port: t.port }));
    });
  }

  /** "host:port" of each configured tracker (its first address). */
  get servers(): string[] {
    return this.slots.map((slot) => formatServer(slot[0]!.host, slot[0]!.port));
  }

  /** Index of the tracker the next call starts with. */
  get nextIndex(): number {
    return this.serverIndex;
  }

  /**
   * Run `fn` on a pooled connection to the next tracker. When no tracker can be reached,
   * ERR_NO_TRACKER lists why, with the connect errors as its cause (an AggregateError).
   */
  async use<T>(
    pools: PoolSet,
    fn: (conn: FramedConnection) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const n = this.slots.length;
    const start = this.serverIndex % n;
    // Moved on at once, so that concurrent calls spread over the trackers too.
    this.serverIndex = (start + 1) % n;
    const failures: FdfsError[] = [];
    for (let k = 0; k < n; k++) {
      const index = (start + k) % n;
      for (const { host, port } of this.slots[index]!) {
        try {
          const result = await pools.use(host, port, fn, signal);
          if (k > 0) this.serverIndex = (index + 1) % n;
          return result;
        } catch (err) {
          if (!isConnectFailure(err)) throw err;
          failures.push(err);
        }
      }
    }
    throw new FdfsError(
      'ERR_NO_TRACKER',
      `no tracker server could be reached: ${failures.map((e) => e.message).join('; ')}`,
      { cause: new AggregateError(failures, 'connect failures') },
    );
  }
}
