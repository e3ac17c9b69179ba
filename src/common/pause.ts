// Pauses that a stop signal cuts short (they resolve, never reject): for loops that check their
// own stop condition after each pause.

/** Wait `ms`, or less when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new WakeablePauses().pause(ms, signal);
}

/**
 * Pauses that wakeAll() also ends early. Each pause has its own timer and wake-up, both gone when
 * it ends, so a loop pausing for hours piles nothing up.
 */
export class WakeablePauses {
  private readonly waiting = new Set<() => void>();

  pause(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.waiting.add(done);
    });
  }

  /** End every pause in progress. */
  wakeAll(): void {
    for (const done of [...this.waiting]) done();
  }
}
