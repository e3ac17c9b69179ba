// The trackers of this tracker's cluster (§9.12 "Discovery"): the `tracker_server` lines of its own
// tracker.conf (our key) and the tracker lines of storage JOIN bodies (§9.1 step 2), minus itself.
// A tracker is itself when it lists our port at one of our local addresses.
import { networkInterfaces } from 'node:os';
import { MAX_TRACKERS } from '../../protocol/constants.js';
import {
  formatHostPort,
  parseTrackerAddress,
  type TrackerAddress,
} from '../../common/config/values.js';

/** Every address of this host's interfaces, as FastDFS's local-IP table holds them. */
export function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .map((i) => i?.address)
    .filter((a): a is string => a !== undefined);
}

export class TrackerPeers {
  private readonly localIps: Set<string>;
  private readonly peers = new Map<string, TrackerAddress>();
  private joined = false;

  constructor(
    configured: readonly TrackerAddress[],
    private readonly ownPort: () => number,
    localIps: Iterable<string> = interfaceAddresses(),
  ) {
    this.localIps = new Set(localIps);
    for (const t of configured) this.add(t);
  }

  /** An address this host answers on (the local side of an accepted connection, bind_addr...). */
  noteLocalAddress(ip: string): void {
    if (ip !== '') this.localIps.add(ip);
  }

  isSelf(t: TrackerAddress): boolean {
    return t.port === this.ownPort() && t.hosts.some((h) => this.localIps.has(h));
  }

  /**
   * The tracker lines of a storage join ("ip:port", "ip1,ip2:port", "[v6]:port"). Lines that do
   * not parse are skipped; the list holds at most 16 trackers. True when a peer was added.
   */
  addJoinLines(lines: readonly string[]): boolean {
    this.joined = true;
    let added = false;
    for (const line of lines) {
      let address: TrackerAddress;
      try {
        address = parseTrackerAddress(line.trim());
      } catch {
        continue;
      }
      added = this.add(address) || added;
    }
    return added;
  }

  private add(t: TrackerAddress): boolean {
    const key = formatHostPort(t);
    if (this.peers.has(key) || this.peers.size >= MAX_TRACKERS) return false;
    this.peers.set(key, t);
    return true;
  }

  /** The peers, without this tracker (re-checked: local addresses are learnt over time). */
  list(): TrackerAddress[] {
    return [...this.peers.values()].filter((t) => !this.isSelf(t));
  }

  /** True once the cluster is known: configured peers or a storage's join (C elects only then). */
  get known(): boolean {
    return this.joined || this.peers.size > 0;
  }
}
