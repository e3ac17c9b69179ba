// One request/response connection to a tracker or a storage (§1.2): one request in flight at a
// time, later calls wait in a FIFO (STYLE §2), every reply byte goes through FrameDecoder
// (reply-reader.ts). After an error status, a broken frame, a timeout or an abort the connection
// is destroyed, as the C client closes it after any error (§1.2, §13).
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { TrackerCommand } from '../protocol/commands.js';
import { ACTIVE_TEST_FRAME, QUIT_FRAME, type FrameHeader } from '../protocol/header.js';
import type {
  ConnectOptions,
  DuplexOptions,
  FramedRequest,
  ReplyOf,
  ReplySpec,
  StreamedReply,
  WholeReply,
  WholeReplySpec,
} from './connection-types.js';
import {
  checkReplySpec,
  closedError,
  earlyReplyError,
  protocolError,
  sinkError,
  timeoutError,
} from './connection-errors.js';
import { FdfsError, serverStatusError } from './errors.js';
import { PendingCall, type CallHooks } from './pending-call.js';
import { ReplyReader, type ReaderHost } from './reply-reader.js';
import {
  contentLengthOf,
  encodeRequestHead,
  isStream,
  writeRequest,
  type RequestTarget,
} from './request-writer.js';
import { abortError, connectSocket, formatServer } from './socket-connect.js';
import { ProgressTimer } from './progress-timer.js';

export type * from './connection-types.js';
export { formatServer } from './socket-connect.js';

const EMPTY_REPLY: WholeReplySpec = { kind: 'whole', maxLength: 0 };
const EMPTY = Buffer.alloc(0);

type State = 'open' | 'quitting' | 'dead';

export class FramedConnection {
  /** "host:port" of the peer. */
  readonly server: string;
  /** Resolves once the underlying duplex has closed. */
  readonly closed: Promise<void>;
  private readonly networkTimeoutMs: number;
  private readonly reader: ReplyReader;
  private readonly hooks: CallHooks;
  private readonly target: RequestTarget;
  private queue: PendingCall[] = [];
  private state: State = 'open';
  private failure: FdfsError | undefined;
  private readonly timer: ProgressTimer;
  private quitTimer: NodeJS.Timeout | undefined;
  private lastDone = performance.now();
  private drainWaiter: { resolve: () => void; reject: (err: Error) => void } | undefined;

  /** Connect over TCP (connect_timeout), then network_timeout applies to every exchange. */
  static async connect(options: ConnectOptions): Promise<FramedConnection> {
    const socket = await connectSocket(options);
    return new FramedConnection(socket, {
      networkTimeoutMs: options.networkTimeoutMs,
      peer: formatServer(options.host, options.port),
    });
  }

  /** Run the protocol over any duplex (tests: stream.duplexPair()). */
  static fromDuplex(duplex: Duplex, options: DuplexOptions): FramedConnection {
    return new FramedConnection(duplex, options);
  }

  private constructor(
    private readonly duplex: Duplex,
    options: DuplexOptions,
  ) {
    this.server = options.peer;
    this.networkTimeoutMs = options.networkTimeoutMs;
    this.timer = new ProgressTimer(this.networkTimeoutMs, () => this.onTimeout());
    this.reader = new ReplyReader(duplex, this.readerHost());
    this.target = this.requestTarget();
    this.hooks = {
      abort: (call) => this.abort(call),
      sinkFailed: (call, err) => this.sinkFailed(call, err),
    };
    let onClosed!: () => void;
    this.closed = new Promise((resolve) => (onClosed = resolve));
    duplex.on('data', (chunk: Buffer) => {
      this.progress();
      this.reader.push(chunk);
    });
    duplex.on('end', () => this.reader.end());
    duplex.on('drain', () => this.onDrain());
    duplex.on('error', (err: Error) =>
      this.fail(this.closedError(`connection to ${this.server} failed: ${err.message}`, err)),
    );
    duplex.on('close', () => {
      clearTimeout(this.quitTimer);
      // A close-delimited reply (§1.4) whose end is held back for a full sink completes on the
      // sink's drain: the close that follows the peer's end is no failure of it.
      const held = this.reader.ended && this.queue[0]?.req.reply.kind === 'close-delimited';
      if (!held) this.fail(this.closedError(`connection to ${this.server} closed`));
      onClosed();
    });
  }

  /** True while the connection can take a request. */
  get usable(): boolean {
    return this.state === 'open' && !this.reader.ended && !this.duplex.destroyed;
  }

  /** performance.now() when the last request completed (or the connection was made). */
  get idleSinceMs(): number {
    return this.lastDone;
  }

  /** Bytes received and not yet handed on (stays bounded under backpressure). */
  get bufferedBytes(): number {
    return this.reader.bufferedBytes;
  }

  /** Requests sent or waiting. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Send one request and read its reply. A non-zero status rejects and closes the connection,
   * unless the request lists it in `keepOpenOn`.
   */
  request<R extends ReplySpec>(req: FramedRequest<R>): Promise<ReplyOf<R>> {
    return this.enqueue(req, undefined) as Promise<ReplyOf<R>>;
  }

  /** ACTIVE_TEST (cmd 111): header only, the reply is an empty status-0 header (§1.2). */
  async activeTest(signal?: AbortSignal): Promise<void> {
    const req: FramedRequest = { cmd: TrackerCommand.ACTIVE_TEST, reply: EMPTY_REPLY };
    if (signal) req.signal = signal;
    await this.enqueue(req, ACTIVE_TEST_FRAME);
  }

  /**
   * QUIT (cmd 82) once the pending requests are done, then end the socket: there is no reply,
   * the server closes (§1.2). Resolves when the connection has closed.
   */
  quit(): Promise<void> {
    if (this.state === 'open') {
      this.state = 'quitting';
      if (this.queue.length === 0) this.sendQuit();
    }
    return this.closed;
  }

  /** Close at once; pending requests reject with `err` (ERR_CONNECTION_CLOSED by default). */
  destroy(err?: Error): void {
    this.fail(
      err instanceof FdfsError
        ? err
        : this.closedError(`connection to ${this.server} destroyed`, err),
    );
  }

  private get dead(): boolean {
    return this.state === 'dead';
  }

  private enqueue(req: FramedRequest, constantHead: Buffer | undefined): Promise<unknown> {
    return new Promise<WholeReply | StreamedReply>((resolve, reject) => {
      if (this.state !== 'open') {
        reject(this.closedError(`connection to ${this.server} is closed`, this.failure, req.cmd));
        return;
      }
      if (req.signal?.aborted) {
        reject(abortError(this.server, req.signal, req.cmd));
        return;
      }
      let head: Buffer;
      let contentLength: number;
      try {
        checkReplySpec(req.reply);
        contentLength = contentLengthOf(req.content, req.contentLength);
        head =
          constantHead ??
          encodeRequestHead(req.cmd, req.status ?? 0, req.body ?? EMPTY, contentLength);
      } catch (err) {
        reject(err as Error);
        return;
      }
      const call = new PendingCall(req, head, contentLength, resolve, reject, this.hooks);
      this.queue.push(call);
      if (this.queue.length === 1) this.start(call);
    });
  }

  private start(call: PendingCall): void {
    this.timer.arm();
    call.started();
    writeRequest(this.target, call.head, call.req.content, call.contentLength).catch(
      (err: unknown) =>
        this.fail(err instanceof FdfsError ? err : this.closedError('request write failed', err)),
    );
  }

  /** What the request writer sees; only the head of the FIFO ever writes. */
  private requestTarget(): RequestTarget {
    return {
      duplex: this.duplex,
      drained: () => this.drained(),
      ensureAlive: () => {
        if (this.dead) throw this.failure!;
      },
      markSent: () => {
        const call = this.queue[0];
        if (call) call.sent = true;
      },
      progress: () => this.progress(),
    };
  }

  private readerHost(): ReaderHost {
    return {
      server: this.server,
      current: () => this.queue[0],
      onReply: (call, header) => this.onReply(call, header),
      onPeerEnd: (cut) => this.onPeerEnd(cut),
      onBrokenFrame: (err) => this.fail(this.protocolError(err)),
      progress: () => this.progress(),
    };
  }

  private onReply(call: PendingCall, header: FrameHeader): void {
    if (header.status !== 0) {
      const err = serverStatusError(header.status, call.req.cmd, call.label, this.server);
      if (call.sent && call.req.keepOpenOn?.includes(header.status)) {
        this.queue.shift();
        this.lastDone = performance.now();
        call.settle(err);
        this.startNext();
      } else {
        this.fail(err);
      }
      return;
    }
    if (!call.sent) {
      this.fail(earlyReplyError(this.server, call.label, call.req.cmd));
      return;
    }
    this.queue.shift();
    this.lastDone = performance.now();
    call.replyComplete();
    if (call.req.reply.kind === 'close-delimited') {
      this.fail(this.closedError(`${this.server} ended the connection after ${call.label}`));
      return;
    }
    this.startNext();
  }

  private startNext(): void {
    const next = this.queue[0];
    if (next) this.start(next);
    else {
      this.timer.disarm();
      if (this.state === 'quitting') this.sendQuit();
    }
  }

  /** The peer closed: the end of a close-delimited reply (§1.4), or a failure for what is pending. */
  private onPeerEnd(cut: FdfsError | undefined): void {
    if (this.dead) return;
    const call = this.queue[0];
    if (cut && call?.req.reply.kind === 'close-delimited') {
      this.fail(this.protocolError(cut));
      return;
    }
    const what = cut
      ? ` in the middle of the reply to ${call?.label ?? 'a request'}`
      : call
        ? ` before answering ${call.label}`
        : '';
    this.fail(this.closedError(`${this.server} closed the connection${what}`, cut, call?.req.cmd));
  }

  private sinkFailed(call: PendingCall, err: Error | undefined): void {
    const sinkErr = sinkError(this.server, call.label, call.req.cmd, err);
    // Mid-reply the stream position goes with the sink; once the reply is read only the call fails.
    if (this.queue[0] === call) this.fail(sinkErr);
    else call.settle(sinkErr);
  }

  private abort(call: PendingCall): void {
    if (call.settled) return;
    const err = abortError(this.server, call.req.signal, call.req.cmd);
    const index = this.queue.indexOf(call);
    if (index > 0) {
      // Not started: the stream position is known and the connection stays.
      this.queue.splice(index, 1);
      call.settle(err);
    } else if (index === 0) {
      this.fail(err);
    } else {
      // The reply was read whole; only the wait for the sink is given up.
      call.settle(err);
    }
  }

  private onDrain(): void {
    this.progress();
    const waiter = this.drainWaiter;
    this.drainWaiter = undefined;
    waiter?.resolve();
  }

  private drained(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.dead) reject(this.failure!);
      else this.drainWaiter = { resolve, reject };
    });
  }

  private sendQuit(): void {
    this.duplex.end(QUIT_FRAME);
    // The server closes after QUIT; a peer that does not is closed for it.
    this.quitTimer = setTimeout(() => this.duplex.destroy(), this.networkTimeoutMs);
    this.quitTimer.unref();
  }

  /** Destroy the connection: the request in progress gets `err`, those behind it ERR_CONNECTION_CLOSED. */
  private fail(err: FdfsError): void {
    if (this.dead) return;
    this.state = 'dead';
    this.failure = err;
    this.timer.disarm();
    this.reader.stop();
    const calls = this.queue;
    this.queue = [];
    // A content stream still being sent is given up, as stream.pipeline would.
    const content = calls[0]?.sent === false ? calls[0].req.content : undefined;
    if (content !== undefined && isStream(content)) content.destroy();
    const behind =
      err.code === 'ERR_CONNECTION_CLOSED'
        ? err
        : this.closedError(`connection to ${this.server} closed after: ${err.message}`, err);
    calls.forEach((call, i) => call.settle(i === 0 ? err : behind));
    const waiter = this.drainWaiter;
    this.drainWaiter = undefined;
    waiter?.reject(err);
    this.duplex.destroy();
  }

  private progress(): void {
    this.timer.progress();
  }

  private onTimeout(): void {
    const call = this.queue[0];
    const what = call ? { label: call.label, command: call.req.cmd } : undefined;
    this.fail(timeoutError(this.server, this.networkTimeoutMs, what));
  }

  private closedError(message: string, cause?: unknown, command?: number): FdfsError {
    return closedError(this.server, message, cause, command);
  }

  /** Decoder errors gain the server and the command. */
  private protocolError(err: unknown): FdfsError {
    return protocolError(this.server, err, this.queue[0]?.req.cmd);
  }
}
