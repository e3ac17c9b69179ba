// The receiver's half of the sync low-watermark (issue 5, cmd 89; the sender's half is
// barrier.ts). A sender never sends a record of second M while one of an earlier second is
// unacknowledged, so once a record of second M from a source is applied here, every record of
// that source with a timestamp below M is here too: the watermark is M − 1, inclusive. It is what
// the 89 entry means (§5.3: "every operation with a source timestamp ≤ timestamp").
export class SourceWatermarks {
  private readonly highest = new Map<string, number>();
  /** Source id → inclusive low-watermark, as sent in 89. */
  readonly reported = new Map<string, number>();

  /** A record of `timestamp` from `source` is here; true when the watermark moved. */
  note(source: string, timestamp: number): boolean {
    if (timestamp <= (this.highest.get(source) ?? 0)) return false;
    this.highest.set(source, timestamp);
    const mark = timestamp - 1;
    if (mark <= 0 || mark === this.reported.get(source)) return false;
    this.reported.set(source, mark);
    return true;
  }
}
