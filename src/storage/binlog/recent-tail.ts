// The last bytes the binlog writer put into its current file, kept in memory so that the live
// readers — one per sync task, woken by every append — take new lines from here instead of a
// stat, open, read and close per wake-up (§8.6: sync is event-driven; those four thread-pool trips
// per batch were a tenth of a receiving storage's CPU). Only bytes whose write completed are
// here, so a reader sees what a read of the file would show. Older positions read the file.

/** What a reader may keep: the window of recent bytes of one binlog file. */
export class RecentTail {
  private chunks: Buffer[] = [];
  /** File offset of chunks[0]'s first byte. */
  private start = 0;
  private bytes = 0;

  constructor(private readonly maxBytes = 1 << 20) {}

  /** A new file (rotation, or the writer's open at `offset`): forget the old one's bytes. */
  reset(offset: number): void {
    this.chunks = [];
    this.start = offset;
    this.bytes = 0;
  }

  /** `data` was written at the current end. Whole chunks drop out from the front past maxBytes. */
  push(data: Buffer): void {
    this.chunks.push(data);
    this.bytes += data.length;
    while (this.chunks.length > 1 && this.bytes - this.chunks[0]!.length >= this.maxBytes) {
      const dropped = this.chunks.shift()!;
      this.bytes -= dropped.length;
      this.start += dropped.length;
    }
  }

  /** File offset just past the last byte held. */
  get end(): number {
    return this.start + this.bytes;
  }

  /**
   * Up to `max` bytes from file offset `from`; undefined when `from` is before the window or past
   * its end (the caller reads the file), an empty buffer at exactly its end.
   */
  read(from: number, max: number): Buffer | undefined {
    if (from < this.start || from > this.end) return undefined;
    const out: Buffer[] = [];
    let at = this.start;
    let left = Math.min(max, this.end - from);
    for (const c of this.chunks) {
      if (left === 0) break;
      const next = at + c.length;
      if (next > from) {
        const piece = c.subarray(Math.max(0, from - at), Math.max(0, from - at) + left);
        out.push(piece);
        left -= piece.length;
      }
      at = next;
    }
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }
}
