// The incremental frame decoder (§1.1, §1.4). It accepts chunks of any size, one byte at a time
// included, and never loses bytes that arrive in the same chunk as a header. It is pure: it
// reports prefix, chunk and end events, and pausing a socket is the caller's job (common/).
import { HEADER_SIZE, INFINITE_FILE_SIZE } from './constants.js';
import { FdfsError } from './errors.js';
import { decodeHeader, type FrameHeader } from './header.js';

/** How the body of one frame is shaped, chosen per frame from its header. */
export type BodyShape =
  /** A bounded body delivered whole in onPrefix. pkg_len is checked before the body is awaited. */
  | { kind: 'whole'; maxLength: number }
  /**
   * A fixed prefix, delivered whole in onPrefix, then the rest streamed as chunks (uploads,
   * appends, sync creates). With `lengthFieldOffset`, the i64 at that offset of the prefix
   * gives a variable part (a file name) that belongs to the prefix too. A variable length that
   * is negative, above `maxVariableLength` or past pkg_len is not a framing error: the prefix
   * is then cut to its fixed part and the handler sees the short prefix and refuses it.
   */
  | {
      kind: 'prefixed';
      prefixLength: number;
      lengthFieldOffset?: number;
      maxVariableLength?: number;
    }
  /** Content streamed from the first byte (download replies). */
  | { kind: 'stream' }
  /** Cmd 26's reply: pkg_len 2^58, text until the peer closes, then an 8-byte trailer. */
  | { kind: 'close-delimited' };

export interface FrameEvents {
  /** Shape of the body after this header. Throw an FdfsError to refuse the frame. */
  shapeOf(header: FrameHeader): BodyShape;
  /** The whole body ('whole'), the prefix ('prefixed'), or an empty buffer ('stream', 'close-delimited'). */
  onPrefix(header: FrameHeader, prefix: Buffer): void;
  /** A piece of streamed content; a view into the input, valid only during the call. */
  onChunk(chunk: Buffer): void;
  onEnd(header: FrameHeader): void;
}

const enum State {
  Header,
  Whole,
  PrefixFixed,
  PrefixVariable,
  Stream,
  CloseDelimited,
}

const DEFAULT_MAX_VARIABLE = 256;
const TRAILER_SIZE = 8;
const EMPTY = Buffer.alloc(0);

export class FrameDecoder {
  private state = State.Header;
  private readonly headerBuf = Buffer.allocUnsafe(HEADER_SIZE);
  private headerFill = 0;
  private header: FrameHeader = { pkgLen: 0, cmd: 0, status: 0 };
  private shape: BodyShape = { kind: 'whole', maxLength: 0 };
  /** Accumulates a whole body or a prefix that spans chunks. */
  private acc: Buffer = EMPTY;
  private accFill = 0;
  private prefixLength = 0;
  /** Bytes of the current body not yet consumed. */
  private remaining = 0;
  /** Close-delimited: the last bytes held back as a possible trailer, and the text count. */
  private tail: Buffer = EMPTY;
  private textBytes = 0;
  private paused = false;
  private queued: Buffer[] = [];
  private failure: FdfsError | undefined;

  constructor(private readonly events: FrameEvents) {}

  /** True between frames, i.e. when end-of-input would be clean. */
  get atFrameBoundary(): boolean {
    return this.state === State.Header && this.headerFill === 0;
  }

  /** Bytes held by the decoder (for tests: memory never grows without bound). */
  get bufferedBytes(): number {
    let queued = 0;
    for (const b of this.queued) queued += b.length;
    return this.headerFill + this.acc.length + this.tail.length + queued;
  }

  /** Stop emitting events; input is kept until resume(). */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    while (!this.paused && this.queued.length > 0) {
      this.process(this.queued.shift()!);
    }
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Feed bytes. Throws FdfsError (ERR_PROTOCOL / ERR_FRAME_TOO_LARGE) on a broken frame. */
  push(chunk: Buffer): void {
    if (this.failure) throw this.failure;
    if (chunk.length === 0) return;
    if (this.paused) {
      this.queued.push(chunk);
      return;
    }
    this.process(chunk);
  }

  /**
   * The input ended (the peer closed). Completes a close-delimited stream after checking its
   * trailer; anywhere else but a frame boundary it is a truncated frame.
   */
  finish(): void {
    if (this.failure) throw this.failure;
    if (this.queued.length > 0) {
      throw this.fail('ERR_PROTOCOL', 'input ended while the decoder was paused with unread bytes');
    }
    if (this.state === State.CloseDelimited) {
      if (this.tail.length < TRAILER_SIZE) {
        throw this.fail('ERR_PROTOCOL', `close-delimited stream ended without its 8-byte trailer`);
      }
      const declared = this.tail.readBigInt64BE(0);
      if (declared !== BigInt(this.textBytes)) {
        throw this.fail(
          'ERR_PROTOCOL',
          `close-delimited stream trailer says ${declared} bytes, ${this.textBytes} were sent`,
        );
      }
      this.tail = EMPTY;
      this.state = State.Header;
      this.events.onEnd(this.header);
      return;
    }
    if (!this.atFrameBoundary) {
      throw this.fail('ERR_PROTOCOL', `input ended inside a frame (${this.describeState()})`);
    }
  }

  private process(chunk: Buffer): void {
    let pos = 0;
    try {
      while (pos < chunk.length && !this.paused) {
        switch (this.state) {
          case State.Header:
            pos = this.readHeader(chunk, pos);
            break;
          case State.Whole:
          case State.PrefixFixed:
          case State.PrefixVariable:
            pos = this.readAccumulated(chunk, pos);
            break;
          case State.Stream:
            pos = this.readStream(chunk, pos);
            break;
          case State.CloseDelimited:
            this.readCloseDelimited(chunk.subarray(pos));
            pos = chunk.length;
            break;
        }
      }
    } catch (err) {
      if (err instanceof FdfsError) {
        this.failure = err;
        throw err;
      }
      this.failure = new FdfsError('ERR_PROTOCOL', 'frame handler failed', { cause: err });
      throw err;
    }
    if (pos < chunk.length) this.queued.unshift(chunk.subarray(pos));
  }

  private readHeader(chunk: Buffer, pos: number): number {
    let header: FrameHeader;
    if (this.headerFill === 0 && chunk.length - pos >= HEADER_SIZE) {
      header = decodeHeader(chunk, pos);
      pos += HEADER_SIZE;
    } else {
      const n = Math.min(HEADER_SIZE - this.headerFill, chunk.length - pos);
      chunk.copy(this.headerBuf, this.headerFill, pos, pos + n);
      this.headerFill += n;
      pos += n;
      if (this.headerFill < HEADER_SIZE) return pos;
      this.headerFill = 0;
      header = decodeHeader(this.headerBuf, 0);
    }
    this.startFrame(header);
    return pos;
  }

  private startFrame(header: FrameHeader): void {
    this.header = header;
    const shape = this.events.shapeOf(header);
    this.shape = shape;
    switch (shape.kind) {
      case 'whole':
        if (header.pkgLen > shape.maxLength) {
          throw this.fail(
            'ERR_FRAME_TOO_LARGE',
            `pkg_len ${header.pkgLen} of cmd ${header.cmd} exceeds its limit of ${shape.maxLength}`,
          );
        }
        this.remaining = header.pkgLen;
        if (header.pkgLen === 0) {
          this.events.onPrefix(header, EMPTY);
          this.events.onEnd(header);
          return;
        }
        this.acc = EMPTY;
        this.accFill = 0;
        this.state = State.Whole;
        return;
      case 'prefixed': {
        if (
          shape.lengthFieldOffset !== undefined &&
          shape.lengthFieldOffset + 8 > shape.prefixLength
        ) {
          throw this.fail(
            'ERR_PROTOCOL',
            'prefixed shape: length field lies outside the fixed prefix',
          );
        }
        this.prefixLength = Math.min(shape.prefixLength, header.pkgLen);
        this.remaining = header.pkgLen;
        this.acc = EMPTY;
        this.accFill = 0;
        if (this.prefixLength === 0) {
          this.emitPrefix(EMPTY);
          return;
        }
        this.state = State.PrefixFixed;
        return;
      }
      case 'stream':
        this.remaining = header.pkgLen;
        this.events.onPrefix(header, EMPTY);
        if (header.pkgLen === 0) {
          this.events.onEnd(header);
          return;
        }
        this.state = State.Stream;
        return;
      case 'close-delimited':
        if (header.pkgLen !== INFINITE_FILE_SIZE) {
          throw this.fail(
            'ERR_PROTOCOL',
            `close-delimited frame with pkg_len ${header.pkgLen}, not 2^58`,
          );
        }
        this.tail = EMPTY;
        this.textBytes = 0;
        this.events.onPrefix(header, EMPTY);
        this.state = State.CloseDelimited;
        return;
    }
  }

  /** Whole bodies and prefixes: zero-copy when the bytes are all in this chunk. */
  private readAccumulated(chunk: Buffer, pos: number): number {
    const target = this.state === State.Whole ? this.header.pkgLen : this.prefixLength;
    const available = chunk.length - pos;
    if (this.accFill === 0 && available >= target) {
      this.completeAccumulated(chunk.subarray(pos, pos + target));
      return pos + target;
    }
    if (this.acc.length !== target) {
      const grown = Buffer.allocUnsafe(target);
      this.acc.copy(grown, 0, 0, this.accFill);
      this.acc = grown;
    }
    const n = Math.min(target - this.accFill, available);
    chunk.copy(this.acc, this.accFill, pos, pos + n);
    this.accFill += n;
    if (this.accFill === target) {
      const done = this.acc;
      this.acc = EMPTY;
      this.accFill = 0;
      this.completeAccumulated(done);
    }
    return pos + n;
  }

  private completeAccumulated(bytes: Buffer): void {
    if (this.state === State.Whole) {
      this.state = State.Header;
      this.events.onPrefix(this.header, bytes);
      this.events.onEnd(this.header);
      return;
    }
    const shape = this.shape as Extract<BodyShape, { kind: 'prefixed' }>;
    if (this.state === State.PrefixFixed && shape.lengthFieldOffset !== undefined) {
      const variable = this.variableLength(bytes, shape);
      if (variable > 0) {
        // Grow the prefix by the variable part and keep accumulating.
        const grown = Buffer.allocUnsafe(this.prefixLength + variable);
        bytes.copy(grown, 0);
        this.acc = grown;
        this.accFill = bytes.length;
        this.prefixLength += variable;
        this.state = State.PrefixVariable;
        return;
      }
    }
    this.emitPrefix(bytes);
  }

  /** The variable part's length, or 0 when it is invalid (the handler sees the short prefix). */
  private variableLength(fixed: Buffer, shape: Extract<BodyShape, { kind: 'prefixed' }>): number {
    if (fixed.length < shape.prefixLength) return 0;
    const v = fixed.readBigInt64BE(shape.lengthFieldOffset!);
    const max = BigInt(shape.maxVariableLength ?? DEFAULT_MAX_VARIABLE);
    if (v <= 0n || v > max) return 0;
    const n = Number(v);
    return this.prefixLength + n <= this.header.pkgLen ? n : 0;
  }

  private emitPrefix(prefix: Buffer): void {
    this.remaining = this.header.pkgLen - prefix.length;
    this.events.onPrefix(this.header, prefix);
    if (this.remaining === 0) {
      this.state = State.Header;
      this.events.onEnd(this.header);
      return;
    }
    this.state = State.Stream;
  }

  private readStream(chunk: Buffer, pos: number): number {
    const n = Math.min(this.remaining, chunk.length - pos);
    this.remaining -= n;
    if (this.remaining === 0) this.state = State.Header;
    this.events.onChunk(pos === 0 && n === chunk.length ? chunk : chunk.subarray(pos, pos + n));
    if (this.remaining === 0) this.events.onEnd(this.header);
    return pos + n;
  }

  /** Emit all but the last 8 bytes seen so far: they may be the trailer. */
  private readCloseDelimited(chunk: Buffer): void {
    const emitLen = this.tail.length + chunk.length - TRAILER_SIZE;
    if (emitLen <= 0) {
      this.tail = Buffer.concat([this.tail, chunk]);
      return;
    }
    if (emitLen >= this.tail.length) {
      if (this.tail.length > 0) this.emitText(this.tail);
      const fromChunk = emitLen - this.tail.length;
      if (fromChunk > 0) this.emitText(chunk.subarray(0, fromChunk));
      this.tail = Buffer.from(chunk.subarray(fromChunk));
    } else {
      this.emitText(this.tail.subarray(0, emitLen));
      this.tail = Buffer.concat([this.tail.subarray(emitLen), chunk]);
    }
  }

  private emitText(bytes: Buffer): void {
    this.textBytes += bytes.length;
    this.events.onChunk(bytes);
  }

  private describeState(): string {
    switch (this.state) {
      case State.Header:
        return `header, ${this.headerFill} of ${HEADER_SIZE} bytes`;
      case State.Whole:
        return `body of cmd ${this.header.cmd}, ${this.accFill} of ${this.header.pkgLen} bytes`;
      case State.PrefixFixed:
      case State.PrefixVariable:
        return `prefix of cmd ${this.header.cmd}, ${this.accFill} of ${this.prefixLength} bytes`;
      case State.Stream:
        return `content of cmd ${this.header.cmd}, ${this.remaining} bytes missing`;
      case State.CloseDelimited:
        return 'close-delimited stream';
    }
  }

  private fail(code: 'ERR_PROTOCOL' | 'ERR_FRAME_TOO_LARGE', message: string): FdfsError {
    this.failure = new FdfsError(code, message);
    return this.failure;
  }
}
