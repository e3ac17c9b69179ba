// Every recorded packet frames correctly: header, lengths, and the body shape of its command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDecoder, type BodyShape } from '#src/protocol/frame-decoder.js';
import { decodeHeader, type FrameHeader } from '#src/protocol/header.js';
import { replyShape, storageRequestShape, trackerRequestShape } from '#src/protocol/shapes.js';
import { FdfsError } from '#src/protocol/errors.js';
import { RESP_CMD } from '#src/protocol/commands.js';
import { loadPackets, type PacketFrame, type PacketVector } from './support/vectors.js';
import { CoverageRecorder, coverageTest } from './support/coverage.js';

interface Decoded {
  header: FrameHeader;
  shape: BodyShape['kind'];
  prefix: Buffer;
  content: Buffer;
}

/** Feed `bytes` split at `splits`, with `shapeOf` choosing the shape; return the frames seen. */
function decodeAll(
  bytes: Buffer,
  splits: number[],
  shapeOf: (h: FrameHeader) => BodyShape,
): Decoded[] {
  const out: Decoded[] = [];
  let current:
    { header: FrameHeader; shape: BodyShape['kind']; prefix: Buffer; chunks: Buffer[] } | undefined;
  let lastShape: BodyShape['kind'] = 'whole';
  const decoder = new FrameDecoder({
    shapeOf(h) {
      const shape = shapeOf(h);
      lastShape = shape.kind;
      return shape;
    },
    onPrefix(header, prefix) {
      current = { header, shape: lastShape, prefix: Buffer.from(prefix), chunks: [] };
    },
    onChunk(chunk) {
      current!.chunks.push(Buffer.from(chunk));
    },
    onEnd() {
      out.push({ ...current!, content: Buffer.concat(current!.chunks) });
      current = undefined;
    },
  });
  let last = 0;
  for (const s of [...splits, bytes.length]) {
    decoder.push(bytes.subarray(last, s));
    last = s;
  }
  decoder.finish();
  return out;
}

function frameBytes(f: PacketFrame): Buffer {
  return Buffer.concat([Buffer.from(f.headerHex, 'hex'), Buffer.from(f.bodyHex, 'hex')]);
}

function splitPlans(length: number): number[][] {
  const everyByte = Array.from({ length: Math.max(0, length - 1) }, (_, i) => i + 1);
  const plans = [[], everyByte, [1], [Math.floor(length / 2)], [Math.max(1, length - 1)]];
  return plans.map((p) => p.filter((s) => s > 0 && s < length));
}

/** The shape each frame of a packet file must be decoded with, pairing replies with requests. */
function shapesFor(packet: PacketVector): ((h: FrameHeader) => BodyShape)[] {
  let lastRequest = -1;
  return packet.frames.map((f) => {
    if (f.from !== 'server') {
      lastRequest = f.cmd;
      return (h: FrameHeader) =>
        packet.server === 'storage' ? storageRequestShape(h.cmd) : trackerRequestShape(h.cmd);
    }
    const request = lastRequest;
    return (h: FrameHeader) => replyShape(request, h);
  });
}

const packets = loadPackets();
const coverage = new CoverageRecorder();

test('all 209 recorded packet files are present', () => {
  assert.equal(packets.length, 209);
});

for (const packet of packets) {
  test(`frames: ${packet.file}`, () => {
    const shapes = shapesFor(packet);
    packet.frames.forEach((frame, i) => {
      const header = decodeHeader(Buffer.from(frame.headerHex, 'hex'));
      assert.deepEqual(header, { pkgLen: frame.pkgLen, cmd: frame.cmd, status: frame.status });
      if (frame.from === 'server') assert.equal(header.cmd, RESP_CMD, 'replies carry cmd 100');
      const body = Buffer.from(frame.bodyHex, 'hex');
      const bytes = frameBytes(frame);

      if (frame.closeDelimited) {
        // Cmd 26: the body is the text plus an 8-byte trailer; the aborted one has no trailer (§16 #2).
        const aborted = packet.file.includes('aborted');
        for (const splits of splitPlans(bytes.length).slice(0, 4)) {
          if (aborted) {
            assert.throws(
              () => decodeAll(bytes, splits, shapes[i]!),
              (e: unknown) => e instanceof FdfsError && e.code === 'ERR_PROTOCOL',
            );
            continue;
          }
          const [d] = decodeAll(bytes, splits, shapes[i]!);
          assert.equal(d!.shape, 'close-delimited');
          assert.deepEqual(d!.content, body.subarray(0, body.length - 8));
          assert.equal(body.readBigInt64BE(body.length - 8), BigInt(body.length - 8));
        }
        return;
      }

      assert.equal(body.length, frame.pkgLen, 'pkg_len equals the body length');
      for (const splits of splitPlans(bytes.length)) {
        const decoded = decodeAll(bytes, splits, shapes[i]!);
        assert.equal(decoded.length, 1);
        const d = decoded[0]!;
        assert.deepEqual(
          Buffer.concat([d.prefix, d.content]),
          body,
          `body survives splits ${splits.length}`,
        );
        if (d.shape === 'prefixed') {
          const spec = storageRequestShape(frame.cmd) as Extract<BodyShape, { kind: 'prefixed' }>;
          const nameLen =
            spec.lengthFieldOffset === undefined
              ? 0
              : Number(body.readBigInt64BE(spec.lengthFieldOffset));
          assert.equal(
            d.prefix.length,
            Math.min(body.length, spec.prefixLength + nameLen),
            'prefix ends after the file name',
          );
        }
        if (frame.from === 'server' && packet.frames[i - 1]?.cmd === 14 && frame.status === 0) {
          assert.equal(d.shape, 'stream', 'downloads stream from the first byte');
        }
      }
    });

    // The frames of each direction, back to back as on the wire, fed one byte at a time.
    for (const direction of ['request', 'reply'] as const) {
      const indexes = packet.frames
        .map((f, i) => ({ f, i }))
        .filter(({ f }) => (direction === 'reply') === (f.from === 'server') && !f.closeDelimited);
      if (indexes.length < 2) continue;
      const stream = Buffer.concat(indexes.map(({ f }) => frameBytes(f)));
      let n = 0;
      const decoded = decodeAll(
        stream,
        Array.from({ length: stream.length - 1 }, (_, k) => k + 1),
        (h) => shapes[indexes[n++]!.i]!(h),
      );
      assert.equal(decoded.length, indexes.length);
    }
    coverage.record('frameDecoder', packet.file);
  });
}

coverageTest('framing', coverage);
