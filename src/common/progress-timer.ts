// network_timeout as the C peers apply it: it fires when nothing has moved for `ms`, and every
// sign of progress (a chunk sent or received, a drain) starts the wait again.

export class ProgressTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ms: number,
    private readonly onTimeout: () => void,
  ) {}

  /** Start waiting (or start again). */
  arm(): void {
    if (this.timer) {
      this.timer.refresh();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onTimeout();
    }, this.ms);
  }

  disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Something moved: the wait starts again, if one is running. */
  progress(): void {
    this.timer?.refresh();
  }
}
