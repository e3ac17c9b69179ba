// The shapes of a FramedConnection's requests and replies (§1.1, §1.4).
import type { Writable } from 'node:stream';
import type { Content } from './request-writer.js';
import type { SocketConnectOptions } from './socket-connect.js';

export type { Content } from './request-writer.js';

/** A bounded reply body, delivered whole. */
export interface WholeReplySpec {
  kind: 'whole';
  maxLength: number;
}
/** Reply content written into `sink` with backpressure; the sink is not ended (the caller owns it). */
export interface StreamReplySpec {
  kind: 'stream';
  sink: Writable;
}
/** Cmd 26's reply (§1.4): text until the peer closes, then an 8-byte trailer. Ends the connection. */
export interface CloseDelimitedReplySpec {
  kind: 'close-delimited';
  sink: Writable;
}
export type ReplySpec = WholeReplySpec | StreamReplySpec | CloseDelimitedReplySpec;

export interface WholeReply {
  status: number;
  body: Buffer;
}
/** `length`: content bytes the sink has taken. */
export interface StreamedReply {
  status: number;
  length: number;
}
export type ReplyOf<R extends ReplySpec> = R extends WholeReplySpec ? WholeReply : StreamedReply;

export interface FramedRequest<R extends ReplySpec = ReplySpec> {
  cmd: number;
  /** The request's status byte (§1.1: cmds 16/18/22/28 use it). */
  status?: number;
  /** Fixed fields, sent with the header in one buffer. */
  body?: Uint8Array;
  /** File content after the fixed fields; pkg_len = body.length + contentLength. */
  content?: Content;
  /** Required with a Readable content. */
  contentLength?: number;
  reply: R;
  signal?: AbortSignal;
  /** Names the command in errors; commandName(cmd) by default. */
  label?: string;
  /**
   * Error statuses after which the connection stays open (the reply frame was read whole, so the
   * stream is in step): a sync sender's EEXIST/ENOENT answers (§8.6), as C keeps the connection.
   */
  keepOpenOn?: readonly number[];
}

export interface ConnectOptions extends SocketConnectOptions {
  networkTimeoutMs: number;
}

export interface DuplexOptions {
  networkTimeoutMs: number;
  /** "host:port" of the peer, for messages. */
  peer: string;
}
