// A progress bar (cli-progress) for transfers over a few MB, on a terminal only: when stderr is
// piped or redirected nothing is drawn.
import { Transform, type Readable, type Writable } from 'node:stream';
import cliProgress from 'cli-progress';

/** Transfers at least this big show a bar. */
export const PROGRESS_MIN_BYTES = 4 * 1024 * 1024;

export function wantsProgress(size: number, stream: { isTTY?: boolean } = process.stderr): boolean {
  return size >= PROGRESS_MIN_BYTES && stream.isTTY === true;
}

export interface Progress {
  /** Count bytes flowing through. */
  meter(): Transform;
  stop(): void;
}

export function startProgress(label: string, total: number): Progress {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} bytes | {eta}s`,
      stream: process.stderr,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  let done = 0;
  return {
    meter() {
      // Counted as bytes pass, not with a 'data' listener, which would start the flow early.
      return new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          done += chunk.length;
          bar.update(done);
          callback(null, chunk);
        },
      });
    },
    stop: () => bar.stop(),
  };
}

/** `source` through a meter when a bar is wanted; else `source` as is. */
export function meteredSource(
  source: Readable,
  size: number,
  label: string,
): { stream: Readable; stop: () => void } {
  if (!wantsProgress(size)) return { stream: source, stop: () => undefined };
  const progress = startProgress(label, size);
  return { stream: source.pipe(progress.meter()), stop: () => progress.stop() };
}

/** A Writable that meters what it passes to `sink`, when a bar is wanted. */
export function meteredSink(
  sink: Writable,
  size: number,
  label: string,
): { stream: Writable; stop: () => void } {
  if (!wantsProgress(size)) return { stream: sink, stop: () => undefined };
  const progress = startProgress(label, size);
  const meter = progress.meter();
  meter.pipe(sink, { end: false });
  return { stream: meter, stop: () => progress.stop() };
}
