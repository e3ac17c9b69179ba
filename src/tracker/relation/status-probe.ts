// GET_STATUS (64) to a peer tracker over a short connection (§9.12 step 1): connect timeout about
// 1 s, bound to bind_addr (§16 #8). Failures and ENOENT (a tracker without groups) answer
// undefined: such trackers are left out of the election.
import { FramedConnection } from '../../common/connection.js';
import type { TrackerAddress } from '../../common/config/values.js';
import { FdfsError } from '../../common/errors.js';
import { TrackerCommand } from '../../protocol/commands.js';
import { Errno } from '../../protocol/errno.js';
import {
  TRACKER_STATUS_SIZE,
  decodeTrackerStatus,
} from '../../protocol/structs/tracker-cluster.js';
import type { StatusProbe } from './leader-driver.js';

export interface ProbeOptions {
  connectTimeoutMs: number;
  networkTimeoutMs: number;
  /** bind_addr: the address outgoing connections come from. */
  localAddress?: string;
  /** Aborts every probe in flight (the tracker is closing). */
  signal: AbortSignal;
}

export function statusProbe(options: ProbeOptions): StatusProbe {
  return async (peer: TrackerAddress) => {
    for (const host of peer.hosts) {
      let conn: FramedConnection | undefined;
      try {
        conn = await FramedConnection.connect({
          host,
          port: peer.port,
          connectTimeoutMs: options.connectTimeoutMs,
          networkTimeoutMs: options.networkTimeoutMs,
          signal: options.signal,
          ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        });
        const reply = await conn.request({
          cmd: TrackerCommand.TRACKER_GET_STATUS,
          reply: { kind: 'whole', maxLength: TRACKER_STATUS_SIZE },
          signal: options.signal,
        });
        const status = decodeTrackerStatus(reply.body);
        void conn.quit().catch(() => undefined);
        return {
          ifLeader: status.ifLeader !== 0,
          runningTime: status.runningTime,
          restartInterval: status.restartInterval,
        };
      } catch (err) {
        conn?.destroy();
        // It answered: no groups yet. Its other address would say the same.
        if (
          err instanceof FdfsError &&
          err.code === 'ERR_SERVER_STATUS' &&
          err.errno === Errno.ENOENT
        ) {
          return undefined;
        }
        if (options.signal.aborted) return undefined;
      }
    }
    return undefined;
  };
}
