// Writing one request (§1.4, STYLE §2): the header and fixed fields in one buffer, then the
// content chunks as they are (never concatenated), corked, respecting backpressure.
import type { Duplex, Readable } from 'node:stream';
import { HEADER_SIZE } from '../protocol/constants.js';
import { writeHeader } from '../protocol/header.js';
import { errnoFromNodeCode } from '../protocol/errno.js';
import { FdfsError } from './errors.js';

/** Request content after the fixed fields: one buffer, a list of buffers, or a stream. */
export type Content = Uint8Array | readonly Uint8Array[] | Readable;

/** What the writer needs from the connection it writes on. */
export interface RequestTarget {
  readonly duplex: Duplex;
  /** Resolves on the duplex's next 'drain'; rejects once the connection has failed. */
  drained(): Promise<void>;
  /** Throws when the request may no longer write (connection failed, request settled). */
  ensureAlive(): void;
  /**
   * Called just before the last bytes are handed to the duplex: the peer may answer at once,
   * even synchronously (an in-memory duplex), and the reply must find the request sent.
   */
  markSent(): void;
  /** Bytes went out: the network timer restarts. */
  progress(): void;
}

const MAX_PKG_LEN = Number.MAX_SAFE_INTEGER;

/** pkg_len = fixed fields + content (§1.1); a Readable's length must be declared. */
export function contentLengthOf(
  content: Content | undefined,
  declared: number | undefined,
): number {
  let actual: number | undefined;
  if (content === undefined) actual = 0;
  else if (content instanceof Uint8Array) actual = content.length;
  else if (Array.isArray(content)) {
    actual = 0;
    for (const chunk of content as readonly Uint8Array[]) actual += chunk.length;
  }
  if (declared !== undefined) {
    if (!Number.isSafeInteger(declared) || declared < 0) {
      throw new FdfsError('ERR_INVALID_ARGUMENT', `contentLength ${declared} is not a length`);
    }
    if (actual !== undefined && actual !== declared) {
      throw new FdfsError(
        'ERR_INVALID_ARGUMENT',
        `contentLength ${declared} differs from the ${actual} bytes of content given`,
      );
    }
    return declared;
  }
  if (actual === undefined) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', 'a Readable content needs its contentLength');
  }
  return actual;
}

/** The header and the fixed fields in one buffer. */
export function encodeRequestHead(
  cmd: number,
  status: number,
  body: Uint8Array,
  contentLength: number,
): Buffer {
  if (!isByte(cmd) || !isByte(status)) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', `cmd ${cmd} / status ${status} is not a byte`);
  }
  const pkgLen = body.length + contentLength;
  if (pkgLen > MAX_PKG_LEN) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', `request of ${pkgLen} bytes is too large`);
  }
  const head = Buffer.allocUnsafe(HEADER_SIZE + body.length);
  writeHeader(head, 0, pkgLen, cmd, status);
  head.set(body, HEADER_SIZE);
  return head;
}

/** Write head and content. Throws (and the caller destroys the connection) on any failure. */
export async function writeRequest(
  target: RequestTarget,
  head: Buffer,
  content: Content | undefined,
  contentLength: number,
): Promise<void> {
  if (content === undefined || content instanceof Uint8Array || Array.isArray(content)) {
    const chunks: readonly Uint8Array[] =
      content === undefined ? [] : content instanceof Uint8Array ? [content] : content;
    await writeChunks(target, head, chunks);
    return;
  }
  await writeStream(target, head, content as Readable, contentLength);
}

async function writeChunks(
  target: RequestTarget,
  head: Buffer,
  chunks: readonly Uint8Array[],
): Promise<void> {
  const { duplex } = target;
  duplex.cork();
  let ok = duplex.write(head);
  for (const chunk of chunks) {
    if (chunk.length === 0) continue;
    if (!ok) {
      duplex.uncork();
      await target.drained();
      target.ensureAlive();
      duplex.cork();
    }
    ok = duplex.write(chunk);
  }
  target.markSent();
  duplex.uncork();
}

async function writeStream(
  target: RequestTarget,
  head: Buffer,
  source: Readable,
  contentLength: number,
): Promise<void> {
  const { duplex } = target;
  // The header waits, corked, for the first chunk, so that both leave in one write.
  duplex.cork();
  let corked = true;
  let sent = 0;
  duplex.write(head);
  try {
    for await (const chunk of source as AsyncIterable<unknown>) {
      target.ensureAlive();
      if (!(chunk instanceof Uint8Array)) {
        throw new FdfsError(
          'ERR_INVALID_ARGUMENT',
          'request content stream gave a non-binary chunk',
        );
      }
      if (chunk.length === 0) continue;
      if (sent + chunk.length > contentLength) {
        throw new FdfsError(
          'ERR_INVALID_ARGUMENT',
          `request content runs past its contentLength of ${contentLength} bytes`,
        );
      }
      sent += chunk.length;
      if (sent === contentLength) target.markSent();
      const ok = duplex.write(chunk);
      target.progress();
      if (corked) {
        corked = false;
        duplex.uncork();
      }
      if (!ok) {
        await target.drained();
        target.ensureAlive();
      }
    }
    target.ensureAlive();
    if (sent < contentLength) {
      throw new FdfsError(
        'ERR_INVALID_ARGUMENT',
        `request content ended after ${sent} of its ${contentLength} bytes`,
      );
    }
    if (contentLength === 0) target.markSent();
  } catch (err) {
    if (err instanceof FdfsError) throw err;
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    throw new FdfsError('ERR_IO', 'request content stream failed', {
      cause: err,
      errno: errnoFromNodeCode(code),
    });
  } finally {
    if (corked) duplex.uncork();
  }
}

function isByte(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 255;
}

/** A content stream (not bytes in memory): what a failed connection must destroy. */
export function isStream(content: Content): content is Readable {
  return !(content instanceof Uint8Array) && !Array.isArray(content);
}
