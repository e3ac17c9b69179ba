// When the system-file copy runs (§9.1 step 1): once, at the first storage join after start-up,
// if this tracker needs it (needsSysFileCopy). Joins that arrive meanwhile wait for the same copy.
// The copy is skipped when this tracker ranks best itself or no peer answers GET_STATUS (nothing
// better is known); a failed copy makes the join answer EAGAIN, and the next join tries again.
import type { TrackerAddress } from '../../common/config/values.js';
import type { Logger } from '../../common/logger.js';
import { formatHostPort } from '../../common/config/values.js';
import type { Candidate } from './election.js';
import type { PeerCall, PeerCallOptions } from './peer-call.js';
import { peerStatuses } from './peer-status.js';
import { copyFrom, rankForCopy } from './sys-file-copy.js';

export interface SysFileSyncOptions {
  /** needsSysFileCopy at start-up. */
  needed: boolean;
  peers(): TrackerAddress[];
  call: PeerCall;
  /** This tracker as the election ranks it. */
  self(): Candidate;
  peerOptions: PeerCallOptions;
  /** Write the four files (index order) and reload the state from them. */
  install(files: Buffer[]): Promise<void>;
  logger: Logger;
}

export class SysFileSync {
  private needed: boolean;
  private running: Promise<boolean> | undefined;

  constructor(private readonly options: SysFileSyncOptions) {
    this.needed = options.needed;
  }

  /** Before a join is served: true to go on, false for EAGAIN (the copy failed). */
  beforeJoin(): Promise<boolean> | true {
    if (!this.needed) return true;
    this.running ??= this.copy().finally(() => (this.running = undefined));
    return this.running;
  }

  private async copy(): Promise<boolean> {
    const { logger } = this.options;
    const { answered } = await peerStatuses(this.options.peers(), this.options.call);
    const best = rankForCopy(this.options.self(), answered);
    if (!best) {
      logger.info({ asked: answered.length }, 'system-file copy skipped: no better-ranked tracker');
      this.needed = false;
      return true;
    }
    const from = formatHostPort(best.address);
    try {
      const files = await copyFrom(best.address, this.options.peerOptions);
      await this.options.install(files);
      this.needed = false;
      logger.info(
        { from, bytes: files.map((f) => f.length) },
        'system files copied, state reloaded',
      );
      return true;
    } catch (err) {
      logger.warn({ err, from }, 'system-file copy failed: the join gets EAGAIN');
      return false;
    }
  }
}
