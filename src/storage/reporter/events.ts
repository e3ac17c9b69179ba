// Events of the tracker reporters, for the storage server and for tests.
import type { StorageBrief } from '../../protocol/structs/storage-brief.js';

export interface ReporterEventMap {
  /** A tracker answered our join (`status`: its view of us). */
  joined: [trackerIndex: number, status: number];
  /** A report connection ended; `error` is undefined when we ended it (CHANGE_STATUS, rejoin). */
  disconnected: [trackerIndex: number, error: Error | undefined];
  /** The leader changed (null: the leader said there is none). */
  leader: [leader: StorageBrief | null];
  /** The leader's member list arrived. */
  members: [members: readonly StorageBrief[]];
  /** Our status at a tracker. */
  status: [status: number, fromLeader: boolean];
}
