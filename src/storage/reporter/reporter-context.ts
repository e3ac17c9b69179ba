// What every reporter of one storage shares: the state, the host, the clocks, the connection
// options, the event sink.
import type { EventEmitter } from 'node:events';
import type { Logger } from '../../common/logger.js';
import type { ReporterEventMap } from './events.js';
import type { ReporterHost } from './host.js';
import type { ReportState } from './report-state.js';
import type { ReporterTiming } from './timing.js';
import type { LinkOptions } from './tracker-link.js';

export interface ReporterContext {
  state: ReportState;
  host: ReporterHost;
  timing: ReporterTiming;
  link: LinkOptions;
  logger: Logger;
  events: EventEmitter<ReporterEventMap>;
  /** Each tracker's GET_MY_IP answer; start-up fills what it got, a reporter asks for the rest. */
  ipsByTracker: (readonly string[] | undefined)[];
  /** Monotonic milliseconds. */
  now: () => number;
}

/** One reporter's view: the shared context, its tracker's index and its logger. */
export interface ReporterScope {
  ctx: ReporterContext;
  index: number;
  log: Logger;
}
