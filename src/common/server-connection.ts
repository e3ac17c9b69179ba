// The server side of one FastDFS connection, over any Duplex (STYLE §1: servers take any Duplex).
// One request at a time: the decoder is paused from a request's end until its reply is written.
// Streamed request content reaches the handler as a Readable with backpressure to the socket.
import { Readable, type Duplex } from 'node:stream';
import { FrameDecoder, type BodyShape } from '../protocol/frame-decoder.js';
import { encodeResponse, writeHeader, type FrameHeader } from '../protocol/header.js';
import { HEADER_SIZE, INFINITE_FILE_SIZE } from '../protocol/constants.js';
import { RESP_CMD, commandName } from '../protocol/commands.js';
import { Errno } from '../protocol/errno.js';
import { FdfsError } from './errors.js';
import type { Logger } from './logger.js';

export interface PeerAddress {
  address: string;
  port: number;
}

export interface ServerRequest<S> {
  header: FrameHeader;
  /** The whole body, or the fixed prefix of a streamed request. */
  body: Buffer;
  /** Content after the prefix, for streamed requests (uploads, sync creates); else undefined. */
  content: Readable | undefined;
  /** Bytes of `content` (pkg_len minus the prefix). */
  contentLength: number;
  session: S;
  peer: PeerAddress;
  /** The address the peer reached us on (a tracker names itself by it in beat replies). */
  local: PeerAddress;
}

export type ServerReply =
  /** A reply frame: status and (when status is 0) body parts, written without concatenation. */
  | { status: number; body?: Buffer | readonly Buffer[] }
  /** A download: pkg_len = length, then `stream` (exactly `length` bytes). */
  | { status: 0; stream: Readable; length: number }
  /** Cmd 26: pkg_len 2^58, the stream's text, the 8-byte trailer, then close (§1.4). */
  | { status: 0; closeDelimited: Readable }
  /** QUIT: no reply; the connection is closed. */
  | { close: true };

export interface ServerHandler<S> {
  /** Shape of a request body (protocol/shapes.ts). */
  requestShape(cmd: number): BodyShape;
  /** Per-connection state (the joined storage of a tracker connection, the peer of a sync connection...). */
  createSession(peer: PeerAddress, local: PeerAddress): S;
  handle(request: ServerRequest<S>): Promise<ServerReply> | ServerReply;
  /** The connection closed (QUIT, peer close, error). */
  onClose?(session: S): void;
  /** 'tracker' or 'storage', for command names in logs. */
  readonly role: 'tracker' | 'storage';
}

export interface ServerConnectionOptions {
  /** network_timeout: first request and mid-frame stalls (§1.2). */
  networkTimeoutMs: number;
  logger: Logger;
  /** Refused streamed requests drain at most this much before the connection is closed (§16 #20). */
  maxDrainBytes?: number;
}

const DEFAULT_MAX_DRAIN = 1024 * 1024;

function ignoreError(): void {}

/** Serve one connection until it closes. */
export class ServerConnection<S> {
  private readonly decoder: FrameDecoder;
  private readonly session: S;
  private busy = false;
  private servedOne = false;
  private closed = false;
  /** A bad frame was seen: nothing more is read, and the socket closes after its last reply. */
  private ending = false;
  private current: { header: FrameHeader; body: Buffer; shape: BodyShape } | undefined;
  private content: Readable | undefined;
  private contentLength = 0;
  private contentReceived = 0;
  /** The content of the current streamed request has fully arrived. */
  private contentEnded = true;
  /** The handler answered before the content ended: the rest is dropped (or the connection closed). */
  private draining = false;

  constructor(
    private readonly socket: Duplex,
    private readonly peer: PeerAddress,
    private readonly handler: ServerHandler<S>,
    private readonly options: ServerConnectionOptions,
    private readonly local: PeerAddress = { address: '', port: 0 },
  ) {
    this.session = handler.createSession(peer, local);
    this.decoder = new FrameDecoder({
      shapeOf: (h) => this.shapeOf(h),
      onPrefix: (h, prefix) => this.onPrefix(h, prefix),
      onChunk: (chunk) => this.onChunk(chunk),
      onEnd: () => this.onEnd(),
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onPeerEnd());
    socket.on('error', (err) => this.close(err));
    socket.on('close', () => this.close());
    const timed = socket as Duplex & { setTimeout?: (ms: number, cb: () => void) => void };
    timed.setTimeout?.(options.networkTimeoutMs, () => this.onTimeout());
  }

  private get label(): string {
    return `${this.peer.address}:${this.peer.port}`;
  }

  private onData(chunk: Buffer): void {
    if (this.ending) return;
    this.feedDecoder(() => this.decoder.push(chunk));
  }

  /**
   * Every call into the decoder goes through here: pushing input, and resuming it after a reply
   * (queued input may hold the next frame). A broken frame closes this connection only, never the
   * process. A paused decoder queues input, so reading stops until the reply is out.
   */
  private feedDecoder(work: () => void): void {
    try {
      work();
      if (this.decoder.isPaused) this.socket.pause();
    } catch (err) {
      this.options.logger.warn(
        { peer: this.label, err: (err as Error).message },
        'bad frame, closing',
      );
      this.closeAfterFlush();
    }
  }

  /**
   * Stop reading and close once the replies already written (perhaps still corked) have gone out:
   * a good request followed by a bad header in one chunk still gets its answer. A peer that does
   * not read is cut off by the network timeout.
   */
  private closeAfterFlush(): void {
    if (this.closed || this.ending) return;
    this.ending = true;
    this.socket.end(() => this.close());
  }

  private onPeerEnd(): void {
    if (!this.decoder.atFrameBoundary) {
      this.options.logger.warn({ peer: this.label }, 'peer closed in the middle of a frame');
      this.content?.destroy(new FdfsError('ERR_CONNECTION_CLOSED', 'peer closed mid-request'));
    }
    this.close();
  }

  private onTimeout(): void {
    // Idle between requests after the first one is allowed (§1.2); a stalled frame or a silent
    // new connection is not. A connection closing after a bad frame gets no more time.
    if (this.ending) {
      this.close();
      return;
    }
    if (this.busy && this.decoder.atFrameBoundary) return;
    if (this.servedOne && this.decoder.atFrameBoundary && !this.busy) return;
    this.options.logger.info({ peer: this.label }, 'network timeout, closing');
    this.content?.destroy(new FdfsError('ERR_NETWORK_TIMEOUT', 'request stalled'));
    this.close();
  }

  private shapeOf(h: FrameHeader): BodyShape {
    return this.handler.requestShape(h.cmd);
  }

  private onPrefix(header: FrameHeader, body: Buffer): void {
    const shape = this.handler.requestShape(header.cmd);
    this.current = { header, body, shape };
    this.contentLength = header.pkgLen - body.length;
    this.contentReceived = 0;
    this.draining = false;
    if (shape.kind === 'prefixed' || shape.kind === 'stream') {
      // Streamed: the handler starts now and reads the content as it arrives.
      this.content = new Readable({ read: () => this.socket.resume(), highWaterMark: 256 * 1024 });
      // A handler that never reads the content must not turn its destruction into an uncaught error;
      // one that reads it still sees the error through its own iteration or pipeline.
      this.content.on('error', ignoreError);
      this.contentEnded = this.contentLength === 0;
      if (this.contentEnded) this.content.push(null);
      this.dispatch(true);
    }
  }

  private onChunk(chunk: Buffer): void {
    this.contentReceived += chunk.length;
    if (this.draining || !this.content) return;
    if (!this.content.push(chunk)) this.socket.pause();
  }

  private onEnd(): void {
    this.servedOne = true;
    if (this.content) {
      if (!this.contentEnded) {
        this.contentEnded = true;
        if (!this.draining) this.content.push(null);
      }
      this.content = undefined;
      // Wait for the reply before the next request, unless it was already written (early refusal).
      if (this.busy) this.decoder.pause();
      return;
    }
    this.dispatch(false);
  }

  private dispatch(streamed: boolean): void {
    const current = this.current!;
    this.busy = true;
    // A streamed request keeps the decoder running so that its content flows; it pauses at the end.
    if (!streamed) this.decoder.pause();
    const request: ServerRequest<S> = {
      header: current.header,
      body: current.body,
      content: this.content,
      contentLength: this.contentLength,
      session: this.session,
      peer: this.peer,
      local: this.local,
    };
    let reply: Promise<ServerReply>;
    try {
      reply = Promise.resolve(this.handler.handle(request));
    } catch (err) {
      reply = Promise.reject(err);
    }
    reply
      .catch((err: unknown) => this.errorReply(current.header, err))
      .then((r) => this.writeReply(r))
      .then(
        () => this.finishRequest(),
        (err: unknown) => {
          this.options.logger.warn(
            { peer: this.label, err: (err as Error).message },
            'reply failed',
          );
          this.close();
        },
      );
  }

  private errorReply(header: FrameHeader, err: unknown): ServerReply {
    if (err instanceof FdfsError) {
      this.options.logger.debug(
        { peer: this.label, cmd: commandName(header.cmd, this.handler.role), err: err.message },
        'request refused',
      );
      return { status: err.errno };
    }
    this.options.logger.error(
      { peer: this.label, cmd: commandName(header.cmd, this.handler.role), err },
      'request handler failed',
    );
    return { status: Errno.EIO };
  }

  private finishRequest(): void {
    this.busy = false;
    if (this.closed) return;
    if (!this.contentEnded) {
      // Answered before the content ended: drop the rest, or close if it is too much (§16 #20).
      const left = this.contentLength - this.contentReceived;
      if (left > (this.options.maxDrainBytes ?? DEFAULT_MAX_DRAIN)) {
        this.close();
        return;
      }
      this.draining = true;
      this.content?.destroy();
      this.socket.resume();
      return;
    }
    this.socket.resume();
    this.feedDecoder(() => this.decoder.resume());
  }

  private async writeReply(reply: ServerReply): Promise<void> {
    if (this.closed) return;
    if ('close' in reply) {
      this.socket.end();
      this.close();
      return;
    }
    if ('stream' in reply) {
      const header = Buffer.allocUnsafe(HEADER_SIZE);
      writeHeader(header, 0, reply.length, RESP_CMD, 0);
      this.socket.write(header);
      await this.pipeBody(reply.stream, reply.length);
      return;
    }
    if ('closeDelimited' in reply) {
      const header = Buffer.allocUnsafe(HEADER_SIZE);
      writeHeader(header, 0, INFINITE_FILE_SIZE, RESP_CMD, 0);
      this.socket.write(header);
      const sent = await this.pipeBody(reply.closeDelimited, undefined);
      const trailer = Buffer.allocUnsafe(8);
      trailer.writeBigInt64BE(BigInt(sent));
      // Let the text and trailer reach the peer before the socket goes: destroy() drops
      // what is still buffered.
      await new Promise<void>((resolve) => {
        this.socket.once('close', () => resolve());
        this.socket.end(trailer, () => resolve());
      });
      this.close();
      return;
    }
    const parts =
      reply.body === undefined ? [] : Buffer.isBuffer(reply.body) ? [reply.body] : reply.body;
    if (reply.status !== 0 || parts.length <= 1) {
      this.socket.write(encodeResponse(reply.status, parts[0]));
      return;
    }
    let length = 0;
    for (const p of parts) length += p.length;
    const header = Buffer.allocUnsafe(HEADER_SIZE);
    writeHeader(header, 0, length, RESP_CMD, 0);
    const corkable = this.socket as Duplex;
    corkable.cork();
    corkable.write(header);
    for (const p of parts) corkable.write(p);
    process.nextTick(() => corkable.uncork());
  }

  /** Copy a stream to the socket with backpressure; returns the bytes sent. */
  private pipeBody(source: Readable, expected: number | undefined): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      let sent = 0;
      const onData = (chunk: Buffer): void => {
        sent += chunk.length;
        if (!this.socket.write(chunk)) {
          source.pause();
          this.socket.once('drain', () => source.resume());
        }
      };
      const cleanup = (): void => {
        source.off('data', onData);
        source.off('end', onEnd);
        source.off('error', onError);
      };
      const onEnd = (): void => {
        cleanup();
        if (expected !== undefined && sent !== expected) {
          reject(new FdfsError('ERR_IO', `reply stream sent ${sent} of ${expected} bytes`));
        } else resolve(sent);
      };
      const onError = (err: Error): void => {
        cleanup();
        reject(err);
      };
      source.on('data', onData);
      source.once('end', onEnd);
      source.once('error', onError);
    });
  }

  close(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    if (err) this.options.logger.debug({ peer: this.label, err: err.message }, 'connection error');
    this.content?.destroy(new FdfsError('ERR_CONNECTION_CLOSED', 'connection closed'));
    this.socket.destroy();
    this.handler.onClose?.(this.session);
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
