// The STORAGE_JOIN body a reporter sends (§4.7, tracker_report_join): the identity from the host,
// our status as the trackers last told it (−1 while a tracker has not answered), and one line per
// configured tracker.
import { formatHostPort, type TrackerAddress } from '../../common/config/index.js';
import type { StorageJoinBody } from '../../protocol/structs/join-body.js';
import type { ReporterIdentity } from './host.js';
import type { SelfView } from './report-state.js';

export interface JoinInputs {
  identity: ReporterIdentity;
  self: SelfView;
  trackers: readonly TrackerAddress[];
  /** The reporter's own copy of sync_old_done (C: the thread's sync_old_done). */
  syncOldDone: boolean;
  /** ReportState.joinStatus(). */
  status: number;
  /** The tracker address this connection reached. */
  currentTrackerIp: string;
}

export function joinBodyFor(v: JoinInputs): StorageJoinBody {
  const { identity, self } = v;
  return {
    groupName: self.groupName,
    storagePort: identity.port,
    storePathCount: identity.storePathCount,
    subdirCountPerPath: identity.subdirCountPerPath,
    uploadPriority: identity.uploadPriority,
    joinTime: identity.joinTime,
    upTime: identity.upTime,
    version: identity.version,
    initFlag: v.syncOldDone ? 0 : 1,
    status: v.status,
    // Since 6.11 the id goes in only with storage ids (§4.7).
    storageId: self.useStorageId ? self.ownId : '',
    currentTrackerIp: v.currentTrackerIp,
    trackers: v.trackers.map(formatHostPort),
  };
}
