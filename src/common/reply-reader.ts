// The receiving half of a FramedConnection. Every reply byte goes through FrameDecoder (§1.1,
// §1.4); streamed content goes to the call's sink, and the socket is paused while the sink is
// full, resumed on its 'drain' (STYLE §2).
import type { Duplex, Writable } from 'node:stream';
import { RESP_CMD } from '../protocol/commands.js';
import { FrameDecoder, type BodyShape } from '../protocol/frame-decoder.js';
import type { FrameHeader } from '../protocol/header.js';
import { FdfsError } from './errors.js';
import type { PendingCall } from './pending-call.js';

export interface ReaderHost {
  readonly server: string;
  /** The request whose reply is being read (the head of the FIFO). */
  current(): PendingCall | undefined;
  /** A reply frame was read whole, whatever its status. */
  onReply(call: PendingCall, header: FrameHeader): void;
  /** The peer closed and everything before was read; `cut` when the close cut a frame short. */
  onPeerEnd(cut: FdfsError | undefined): void;
  /** A frame broke the protocol. */
  onBrokenFrame(err: unknown): void;
  /** Bytes moved: the network timer restarts. */
  progress(): void;
}

/** A non-zero status normally comes with an empty body (§1.1); a small one is read and ignored. */
const ERROR_BODY_MAX = 64 * 1024;
const ERROR_SHAPE: BodyShape = { kind: 'whole', maxLength: ERROR_BODY_MAX };
const STREAM_SHAPE: BodyShape = { kind: 'stream' };
const CLOSE_DELIMITED_SHAPE: BodyShape = { kind: 'close-delimited' };

export class ReplyReader {
  private readonly decoder: FrameDecoder;
  /** True while the decoder runs; chunks that arrive meanwhile (an in-memory peer answers
   * synchronously) wait in `reentrant`, since the decoder cannot be re-entered. */
  private running = false;
  private readonly reentrant: Buffer[] = [];
  private peerEnded = false;
  private stopped = false;
  private sinkWait: { sink: Writable; onDrain: () => void } | undefined;

  constructor(
    private readonly duplex: Duplex,
    private readonly host: ReaderHost,
  ) {
    this.decoder = new FrameDecoder({
      shapeOf: (header) => this.shapeOf(header),
      onPrefix: (header, prefix) => {
        const call = host.current()!;
        if (header.status === 0 && call.req.reply.kind === 'whole') call.body = prefix;
      },
      // The decoder's chunks are views into the socket's own buffers, which Node never
      // reuses, so the sink may keep them: no copy of file data.
      onChunk: (chunk) => {
        const call = host.current()!;
        if (!call.write(chunk)) this.waitForSink(call.sink!);
      },
      onEnd: (header) => host.onReply(host.current()!, header),
    });
  }

  /** The peer has closed its side. */
  get ended(): boolean {
    return this.peerEnded;
  }

  /** Bytes received and not yet handed on. */
  get bufferedBytes(): number {
    let reentrant = 0;
    for (const b of this.reentrant) reentrant += b.length;
    return this.duplex.readableLength + this.decoder.bufferedBytes + reentrant;
  }

  push(chunk: Buffer): void {
    if (this.stopped) return;
    if (this.running) {
      this.reentrant.push(chunk);
      return;
    }
    this.run(() => this.decoder.push(chunk));
  }

  /** The duplex ended. Bytes held back for a full sink are read first. */
  end(): void {
    this.peerEnded = true;
    if (!this.decoder.isPaused) this.finish();
  }

  /** The connection is gone: no more events. */
  stop(): void {
    this.stopped = true;
    this.decoder.pause();
    this.stopSinkWait();
    this.reentrant.length = 0;
  }

  private shapeOf(header: FrameHeader): BodyShape {
    const call = this.host.current();
    const server = this.host.server;
    if (call === undefined) {
      throw new FdfsError(
        'ERR_PROTOCOL',
        `${server} sent a frame (cmd ${header.cmd}, ${header.pkgLen} bytes) with no request pending`,
        { server },
      );
    }
    if (header.cmd !== RESP_CMD) {
      throw new FdfsError(
        'ERR_PROTOCOL',
        `${server} answered ${call.label} with cmd ${header.cmd}, not ${RESP_CMD}`,
        { server, command: call.req.cmd },
      );
    }
    if (header.status !== 0) return ERROR_SHAPE;
    const reply = call.req.reply;
    if (reply.kind === 'whole') return reply;
    return reply.kind === 'stream' ? STREAM_SHAPE : CLOSE_DELIMITED_SHAPE;
  }

  private run(step: () => void): void {
    this.running = true;
    try {
      step();
      while (this.reentrant.length > 0 && !this.stopped) this.decoder.push(this.reentrant.shift()!);
    } catch (err) {
      this.host.onBrokenFrame(err);
    } finally {
      this.running = false;
    }
  }

  private finish(): void {
    if (this.stopped) return;
    let cut: FdfsError | undefined;
    this.running = true;
    try {
      this.decoder.finish();
    } catch (err) {
      cut =
        err instanceof FdfsError
          ? err
          : new FdfsError('ERR_PROTOCOL', 'reply handler failed', { cause: err });
    } finally {
      this.running = false;
    }
    this.host.onPeerEnd(cut);
  }

  /** The sink is full: stop reading until it drains. */
  private waitForSink(sink: Writable): void {
    this.decoder.pause();
    this.duplex.pause();
    if (this.sinkWait) return;
    const onDrain = (): void => {
      this.stopSinkWait();
      this.host.progress();
      this.resume();
    };
    sink.once('drain', onDrain);
    this.sinkWait = { sink, onDrain };
  }

  private stopSinkWait(): void {
    const wait = this.sinkWait;
    if (!wait) return;
    this.sinkWait = undefined;
    wait.sink.off('drain', wait.onDrain);
  }

  private resume(): void {
    this.run(() => this.decoder.resume());
    if (this.stopped || this.decoder.isPaused) return;
    if (this.peerEnded) this.finish();
    else this.duplex.resume();
  }
}
