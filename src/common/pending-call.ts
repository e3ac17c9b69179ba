// One request on a FramedConnection, from the FIFO to its settlement: the caller's promise, its
// abort listener, and the accounting of a streamed reply's sink writes.
import type { Writable } from 'node:stream';
import { commandName } from '../protocol/commands.js';
import type { FramedRequest, StreamedReply, WholeReply } from './connection-types.js';

export interface CallHooks {
  /** The caller's signal fired. */
  abort(call: PendingCall): void;
  /** The sink failed (`err`) or closed (`undefined`) before it took the whole reply. */
  sinkFailed(call: PendingCall, err: Error | undefined): void;
}

const EMPTY = Buffer.alloc(0);

export class PendingCall {
  /** Names the command in errors. */
  readonly label: string;
  settled = false;
  /** The last request byte was handed to the duplex: a reply may now come. */
  sent = false;
  /** The body of a whole reply. */
  body: Buffer = EMPTY;
  /** Reply content bytes handed to the sink. */
  private received = 0;
  /** Sink writes not yet called back. */
  private unflushed = 0;
  private replyEnded = false;
  private readonly onAbort: (() => void) | undefined;
  private readonly onSinkClose: () => void;
  private readonly onWritten: (err?: Error | null) => void;

  constructor(
    readonly req: FramedRequest,
    /** Header and fixed fields, ready to send. */
    readonly head: Buffer,
    readonly contentLength: number,
    private readonly resolve: (reply: WholeReply | StreamedReply) => void,
    private readonly reject: (err: Error) => void,
    hooks: CallHooks,
  ) {
    this.label = req.label ?? commandName(req.cmd);
    this.onWritten = (err) => {
      this.unflushed--;
      if (err) hooks.sinkFailed(this, err);
      else this.settleWhenFlushed();
    };
    this.onSinkClose = () => {
      if (!this.settled) hooks.sinkFailed(this, undefined);
    };
    const signal = req.signal;
    if (signal) {
      this.onAbort = () => hooks.abort(this);
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  get sink(): Writable | undefined {
    const reply = this.req.reply;
    return reply.kind === 'whole' ? undefined : reply.sink;
  }

  /** Its turn has come: a sink that closes from now on fails the call. */
  started(): void {
    this.sink?.on('close', this.onSinkClose);
  }

  /** Hand reply content to the sink; false when the sink asks to wait for 'drain'. */
  write(chunk: Buffer): boolean {
    this.received += chunk.length;
    this.unflushed++;
    return this.sink!.write(chunk, this.onWritten);
  }

  /** The reply was read whole: settle now, or once the sink has taken the last byte. */
  replyComplete(): void {
    this.replyEnded = true;
    if (this.req.reply.kind === 'whole') this.settle(undefined, { status: 0, body: this.body });
    else this.settleWhenFlushed();
  }

  /** The reply was read whole and only the sink is still busy with it. */
  get replyRead(): boolean {
    return this.replyEnded;
  }

  settle(err: Error | undefined, reply?: WholeReply | StreamedReply): void {
    if (this.settled) return;
    this.settled = true;
    if (this.onAbort) this.req.signal?.removeEventListener('abort', this.onAbort);
    this.sink?.off('close', this.onSinkClose);
    if (err) this.reject(err);
    else this.resolve(reply!);
  }

  private settleWhenFlushed(): void {
    if (this.replyEnded && this.unflushed === 0) {
      this.settle(undefined, { status: 0, length: this.received });
    }
  }
}
