// The main-thread side of the small-file workers (worker.ts). Jobs that arrive in the same tick go
// to an idle worker as one message, and jobs that arrive while every worker is busy wait for the
// next one: under load many uploads and downloads share each round trip, where each of them
// alone would take four or five trips through libuv's thread pool (measured per request: the
// thread-pool hand-offs, not the bytes, were most of the storage's CPU for 4 KiB files).
// Two workers, so that one slow disk call (a rename waiting on the journal) does not hold every
// small request. The name generation, the unique-name check and the binlog stay on the main
// thread; a worker only touches the files it is given.
import { Worker } from 'node:worker_threads';
import { FdfsError } from '../../../common/errors.js';
import { ioError } from '../errors.js';
import type { SmallIoJob, SmallIoResult } from './jobs.js';

interface Waiting {
  job: SmallIoJob;
  resolve: (result: SmallIoResult) => void;
  reject: (err: unknown) => void;
}

interface Slot {
  worker: Worker;
  /** The batch in flight, in order; undefined when idle. */
  batch: Waiting[] | undefined;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

export class SmallFileIo {
  private readonly slots: Slot[] = [];
  private queue: Waiting[] = [];
  private scheduled = false;
  private closed = false;

  constructor(private readonly workers = 2) {}

  /** Run one job; resolves with its result (failures of the call are results, not rejections). */
  run(job: SmallIoJob): Promise<SmallIoResult> {
    if (this.closed) return Promise.reject(new FdfsError('ERR_CLOSED', 'the store is closing'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // Let the other requests of this tick join the batch.
        setImmediate(() => {
          this.scheduled = false;
          this.dispatch();
        });
      }
    });
  }

  private dispatch(): void {
    if (this.queue.length === 0) return;
    const slot = this.idleSlot();
    if (!slot) return; // the next answer dispatches
    const batch = this.queue;
    this.queue = [];
    slot.batch = batch;
    const transfer: ArrayBuffer[] = [];
    for (const w of batch) {
      if (w.job.kind === 'create') transfer.push(w.job.body.buffer as ArrayBuffer);
    }
    slot.worker.postMessage(
      batch.map((w) => w.job),
      transfer,
    );
  }

  private idleSlot(): Slot | undefined {
    for (const s of this.slots) if (!s.batch) return s;
    if (this.slots.length < this.workers) return this.spawn();
    return undefined;
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_URL);
    worker.unref();
    const slot: Slot = { worker, batch: undefined };
    worker.on('message', (results: SmallIoResult[]) => {
      const batch = slot.batch ?? [];
      slot.batch = undefined;
      batch.forEach((w, i) => w.resolve(results[i]!));
      this.dispatch();
    });
    const lost = (err: unknown): void => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots.splice(i, 1);
      const batch = slot.batch ?? [];
      slot.batch = undefined;
      for (const w of batch) w.reject(err);
      if (!this.closed) this.dispatch();
    };
    worker.on('error', lost);
    worker.on('exit', (code) =>
      lost(new FdfsError('ERR_IO', `a small-file worker exited (code ${code})`)),
    );
    this.slots.push(slot);
    return slot;
  }

  /** Wait for the jobs already given, then stop the workers. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.queue.length > 0 || this.scheduled || this.slots.some((s) => s.batch)) {
      this.dispatch();
      await new Promise((r) => setTimeout(r, 1));
    }
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

/** A failed job as the store's FdfsError, with the errno of its call (ENOSPC stays ENOSPC). */
export function jobError(result: SmallIoResult & { ok: false }, what: string): FdfsError {
  return ioError(Object.assign(new Error(result.message), { code: result.code }), what);
}
