// A follower's one connection to its leader (§9.12 "Followers"): JOIN_LEADER (58) once, then
// PING_LEADER (65) with this tracker's connection counters. Any failure closes the connection;
// the next ping reconnects and joins again. Bound to bind_addr (§16 #8).
import type { FramedConnection } from '../../common/connection.js';
import { formatHostPort, type TrackerAddress } from '../../common/config/values.js';
import { TrackerCommand as C } from '../../protocol/commands.js';
import {
  encodeTrackerJoinLeaderBody,
  encodeTrackerPingLeaderBody,
  type TrackerJoinLeaderBody,
} from '../../protocol/structs/tracker-cluster.js';
import { connectPeer, requestOn, type PeerCallOptions } from './peer-call.js';

export interface FollowerLinkOptions extends PeerCallOptions {
  join(): TrackerJoinLeaderBody;
  counters(): { allocCount: number; currentCount: number; maxCount: number };
}

/** The leader's trunk-server map can list up to 64K groups of 32 bytes. */
const MAX_PING_REPLY = 2 * 1024 * 1024;

export class FollowerLink {
  private conn: FramedConnection | undefined;
  private target = '';

  constructor(private readonly options: FollowerLinkOptions) {}

  /** One ping (joining first when needed); false when it failed. */
  async ping(leader: TrackerAddress): Promise<boolean> {
    const key = formatHostPort(leader);
    if (this.target !== key) this.close();
    try {
      if (!this.conn || !this.conn.usable) {
        this.close();
        this.conn = await this.connect(leader);
        this.target = key;
        const joined = await requestOn(
          this.conn,
          C.TRACKER_JOIN_LEADER,
          encodeTrackerJoinLeaderBody(this.options.join()),
          64,
          this.options.signal,
        );
        if (joined.status !== 0) throw new Error(`JOIN_LEADER answered ${joined.status}`);
      }
      const pinged = await requestOn(
        this.conn,
        C.TRACKER_PING_LEADER,
        encodeTrackerPingLeaderBody(this.options.counters()),
        MAX_PING_REPLY,
        this.options.signal,
      );
      if (pinged.status !== 0) throw new Error(`PING_LEADER answered ${pinged.status}`);
      return true;
    } catch {
      this.close();
      return false;
    }
  }

  private async connect(leader: TrackerAddress): Promise<FramedConnection> {
    let last: unknown;
    for (const host of leader.hosts) {
      try {
        return await connectPeer(host, leader.port, this.options);
      } catch (err) {
        last = err;
      }
    }
    throw last instanceof Error ? last : new Error('no address');
  }

  close(): void {
    this.conn?.destroy();
    this.conn = undefined;
    this.target = '';
  }
}
