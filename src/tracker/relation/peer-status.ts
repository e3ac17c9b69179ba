// GET_STATUS (64) to every peer (§5.2 cmd 64): the election's step 1 (§9.12) and the ranking of
// the system-file copy (§9.1 step 1) ask the same question. Peers that fail or answer ENOENT (no
// groups) are left out of `answered`; `reachable` lists every peer that answered at all.
import type { TrackerAddress } from '../../common/config/values.js';
import { TrackerCommand as C } from '../../protocol/commands.js';
import {
  TRACKER_STATUS_SIZE,
  decodeTrackerStatus,
} from '../../protocol/structs/tracker-cluster.js';
import type { Candidate } from './election.js';
import type { PeerCall } from './peer-call.js';

export type AnsweredPeer = Candidate & { address: TrackerAddress };

export async function peerStatuses(
  list: readonly TrackerAddress[],
  call: PeerCall,
): Promise<{ answered: AnsweredPeer[]; reachable: TrackerAddress[] }> {
  const answered: AnsweredPeer[] = [];
  const reachable: TrackerAddress[] = [];
  await Promise.all(
    list.map(async (address) => {
      const a = await call(address, C.TRACKER_GET_STATUS, undefined, 64);
      if (!a) return;
      reachable.push(address);
      if (a.body?.length !== TRACKER_STATUS_SIZE) return;
      const s = decodeTrackerStatus(a.body);
      answered.push({
        ifLeader: s.ifLeader !== 0,
        runningTime: s.runningTime,
        restartInterval: s.restartInterval,
        ip: address.hosts[0] ?? '',
        port: address.port,
        address,
      });
    }),
  );
  return { answered, reachable };
}
