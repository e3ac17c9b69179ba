// One operation at a time per key (a logic file name): two appends to the same appender file, or
// a delete racing a set-metadata, run one after the other, as C's single disk writer thread per
// store path makes them. Different files never wait for each other.
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with an operation running or waiting (tests). */
  get size(): number {
    return this.tails.size;
  }
}
