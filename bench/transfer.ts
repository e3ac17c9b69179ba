// Large transfers for the `storage` scenario, as lean as the load generator: one connection, an
// UPLOAD_FILE (11) whose body is sent from one reused 1 MiB chunk with backpressure, or a
// DOWNLOAD_FILE (14) whose reply is counted in the socket's own reused read buffer and dropped.
// Both time the whole exchange, from the first byte sent to the last byte of the reply. Also: a
// sampler of another process's resident memory during a transfer.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { StorageCommand } from '#src/protocol/commands.js';
import { HEADER_SIZE } from '#src/protocol/constants.js';
import { encodeFrame, encodeHeader } from '#src/protocol/header.js';
import { encodeDownloadRequest, encodeUploadPrefix } from '#src/protocol/messages/index.js';
import { open } from './load.js';
import { readRss, resetPeakRss } from './proc-stats.js';

const CHUNK = randomBytes(1024 * 1024);
/** Large reads: fewer callbacks per GiB. */
const READ_BUFFER = 256 * 1024;
/** Replies other than a download's body are small (an upload's is group + file name). */
const MAX_SMALL_REPLY = 64 * 1024;

export interface Endpoint {
  host: string;
  port: number;
}

export interface TransferResult {
  elapsedNs: bigint;
  /** Status of the reply (0 = success). */
  status: number;
  /** Body bytes of the reply. */
  replyBytes: number;
  /** The reply body when it is small (an upload's file id), else empty. */
  body: Buffer;
}

/**
 * Read one reply frame; a body over MAX_SMALL_REPLY is counted, not kept. Resolves when it is in
 * whole; rejects if the connection ends first.
 */
function readReply(
  socket: Socket,
  setOnRead: (f: (data: Buffer) => void) => void,
): Promise<{ status: number; replyBytes: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const header = Buffer.alloc(HEADER_SIZE);
    let headerHave = 0;
    let bodyLen = -1;
    let bodyHave = 0;
    let body = Buffer.alloc(0);
    const fail = (): void => reject(new Error('the connection closed before the reply was in'));
    socket.once('close', fail);
    socket.once('error', fail);
    setOnRead((data) => {
      let at = 0;
      if (headerHave < HEADER_SIZE) {
        const n = Math.min(HEADER_SIZE - headerHave, data.length);
        data.copy(header, headerHave, 0, n);
        headerHave += n;
        at = n;
        if (headerHave < HEADER_SIZE) return;
        bodyLen = header.readUInt32BE(0) * 0x100000000 + header.readUInt32BE(4);
        if (bodyLen <= MAX_SMALL_REPLY) body = Buffer.alloc(bodyLen);
      }
      const n = Math.min(bodyLen - bodyHave, data.length - at);
      if (body.length > 0) data.copy(body, bodyHave, at, at + n);
      bodyHave += n;
      if (bodyHave === bodyLen) {
        socket.off('close', fail);
        socket.off('error', fail);
        resolve({ status: header[9]!, replyBytes: bodyLen, body });
      }
    });
  });
}

function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/** UPLOAD_FILE of `size` bytes; the reply body is the file id's group and name. */
export async function uploadLarge(
  to: Endpoint,
  size: number,
  storePathIndex: number,
  ext: string,
): Promise<TransferResult> {
  const { socket, setOnRead } = await open(to.host, to.port, READ_BUFFER);
  try {
    const reply = readReply(socket, setOnRead);
    const { prefix, pkgLen } = encodeUploadPrefix({ storePathIndex, fileSize: size, ext });
    const start = process.hrtime.bigint();
    socket.write(Buffer.concat([encodeHeader(pkgLen, StorageCommand.UPLOAD_FILE), prefix]));
    for (let left = size; left > 0 && !socket.destroyed;) {
      const n = Math.min(left, CHUNK.length);
      left -= n;
      if (!socket.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) await drained(socket);
    }
    const result = await reply;
    return { elapsedNs: process.hrtime.bigint() - start, ...result };
  } finally {
    socket.destroy();
  }
}

/** DOWNLOAD_FILE of a whole file, its body counted and dropped. */
export async function downloadLarge(
  from: Endpoint,
  groupName: string,
  filename: string,
): Promise<TransferResult> {
  const { socket, setOnRead } = await open(from.host, from.port, READ_BUFFER);
  try {
    const reply = readReply(socket, setOnRead);
    const body = encodeDownloadRequest({ offset: 0, length: 0, groupName, filename });
    const start = process.hrtime.bigint();
    socket.write(encodeFrame(StorageCommand.DOWNLOAD_FILE, body));
    const result = await reply;
    return { elapsedNs: process.hrtime.bigint() - start, ...result };
  } finally {
    socket.destroy();
  }
}

export interface RssPeak {
  /** The largest VmRSS seen by sampling. */
  sampledMb: number;
  /** VmHWM after the run, reset before it; undefined where /proc/<pid>/clear_refs is refused. */
  hwmMb: number | undefined;
}

/** Run `fn` while sampling `pid`'s VmRSS every `everyMs` (and its VmHWM around it). */
export async function withRssPeak<T>(
  pid: number,
  fn: () => Promise<T>,
  everyMs = 10,
): Promise<{ value: T; peak: RssPeak }> {
  const reset = resetPeakRss(pid);
  let sampledMb = readRss(pid)?.rssMb ?? 0;
  const timer = setInterval(() => {
    sampledMb = Math.max(sampledMb, readRss(pid)?.rssMb ?? 0);
  }, everyMs);
  try {
    const value = await fn();
    const last = readRss(pid);
    sampledMb = Math.max(sampledMb, last?.rssMb ?? 0);
    return { value, peak: { sampledMb, hwmMb: reset ? last?.peakMb : undefined } };
  } finally {
    clearInterval(timer);
  }
}
