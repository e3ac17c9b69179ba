// One connection to the tracker: the storage bound to it by STORAGE_JOIN (§9.1 step 10) and the
// change counters already sent on it, so that each leader or membership change goes out once per
// connection in beat replies (§5.3).
import type { PeerAddress } from '../../common/server-connection.js';
import type { StorageKey } from '../state/index.js';

export class TrackerSession {
  /** The joined storage; commands marked J need it (§5.0). */
  storage: StorageKey | undefined;
  /** state.leaderChangeCount when the leader brief was last sent here (flag bit0). */
  leaderChangesSent = 0;
  /** state.groupChangeCount(group) when the member list was last sent here (flag bit2). */
  groupChangesSent = 0;
  /** The trunk-server map last sent in a PING_LEADER (65) reply on this connection. */
  trunkMapSent: string | undefined;

  constructor(
    readonly peer: PeerAddress,
    readonly local: PeerAddress,
  ) {}

  /** Bind the connection to a storage; a different storage starts with nothing sent. */
  bind(storage: StorageKey): void {
    const same =
      this.storage?.groupName === storage.groupName && this.storage.storageId === storage.storageId;
    if (!same) this.groupChangesSent = 0;
    this.storage = storage;
  }
}
