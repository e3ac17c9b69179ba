// The reporters' clocks (§9.13): heart_beat_interval, stat_report_interval, the faster beat while
// the group's membership changes (issue 5), the start-up retry pause and the reconnect backoff.
import type { StorageConfig } from '../../common/config/index.js';

export interface ReporterTiming {
  /** heart_beat_interval: BEAT period, and the first pause after a failure. */
  heartBeatMs: number;
  /** stat_report_interval: REPORT_DISK_USAGE period. */
  statReportMs: number;
  /** BEAT period while the membership changes (issue 5: at most 0.5 s). */
  fastBeatMs: number;
  /**
   * Least pause between two sync reports (89). C waits heart_beat_interval; the watermark routes
   * downloads to peers (§9.7), so ours goes within a quarter second of a change (issue 5; PARITY).
   */
  syncReportMs: number;
  /** How often a reporter looks at its schedule when nothing wakes it (C polls once a second). */
  pollMs: number;
  /** Pause between two rounds of a start-up step that no tracker answered. */
  retryMs: number;
  /** Cap of the reconnect backoff (heart_beat_interval doubled per consecutive failure). */
  backoffMaxMs: number;
  /** connect_timeout */
  connectTimeoutMs: number;
  /** network_timeout */
  networkTimeoutMs: number;
  /** An OFFLINE member keeps the beat fast this long after we first saw it OFFLINE. */
  offlineWindowMs: number;
  /** A status we reported with 76 keeps the beat fast until the leader shows it, at most this long. */
  pendingWindowMs: number;
}

export const FAST_BEAT_MS = 500;
export const SYNC_REPORT_MS = 250;
const POLL_MS = 1000;
const BACKOFF_CAP_MS = 30_000;

export type TimingConfig = Pick<
  StorageConfig,
  'heartBeatInterval' | 'statReportInterval' | 'connectTimeout' | 'networkTimeout'
>;

export function timingFromConfig(
  config: TimingConfig,
  overrides: Partial<ReporterTiming> = {},
): ReporterTiming {
  const heartBeatMs = overrides.heartBeatMs ?? config.heartBeatInterval * 1000;
  return {
    heartBeatMs,
    statReportMs: config.statReportInterval * 1000,
    fastBeatMs: Math.min(FAST_BEAT_MS, heartBeatMs),
    pollMs: Math.min(POLL_MS, heartBeatMs),
    syncReportMs: Math.min(SYNC_REPORT_MS, heartBeatMs),
    retryMs: Math.min(POLL_MS, heartBeatMs),
    // At the default heart_beat_interval of 30 s this is C's fixed pause; shorter beats back off.
    backoffMaxMs: Math.max(heartBeatMs, BACKOFF_CAP_MS),
    connectTimeoutMs: config.connectTimeout * 1000,
    networkTimeoutMs: config.networkTimeout * 1000,
    offlineWindowMs: 2 * heartBeatMs,
    pendingWindowMs: 2 * heartBeatMs,
    ...overrides,
  };
}

/** The pause after `failures` consecutive failures (≥ 1): heart_beat_interval, doubled, capped. */
export function backoffDelay(failures: number, timing: ReporterTiming): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 20);
  return Math.min(timing.heartBeatMs * 2 ** exponent, timing.backoffMaxMs);
}

/** A sleep that ends early on wake() or when the signal aborts (never rejects). */
export class Sleeper {
  private wakeCurrent: (() => void) | undefined;
  private woken = false;

  constructor(private readonly signal: AbortSignal) {}

  sleep(ms: number): Promise<void> {
    if (this.signal.aborted || ms <= 0) return Promise.resolve();
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', done);
        this.wakeCurrent = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.signal.addEventListener('abort', done, { once: true });
      this.wakeCurrent = done;
    });
  }

  /** End the current sleep, or make the next one return at once. */
  wake(): void {
    if (this.wakeCurrent) this.wakeCurrent();
    else this.woken = true;
  }
}
