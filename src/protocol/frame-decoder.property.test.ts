import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrameDecoder, type BodyShape } from './frame-decoder.js';
import { encodeFrame, type FrameHeader } from './header.js';
import { FdfsError } from './errors.js';

const MAX_WHOLE = 4096;
const MAX_VARIABLE = 200;

/** A shape chosen from the command, so random input exercises every kind. */
function shapeFor(h: FrameHeader): BodyShape {
  switch (h.cmd % 4) {
    case 0:
      return { kind: 'whole', maxLength: MAX_WHOLE };
    case 1:
      return {
        kind: 'prefixed',
        prefixLength: 16,
        lengthFieldOffset: 0,
        maxVariableLength: MAX_VARIABLE,
      };
    case 2:
      return { kind: 'stream' };
    default:
      return { kind: 'prefixed', prefixLength: 15 };
  }
}

/** Split `bytes` at the given fractions. */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    if (p > last && p < bytes.length) {
      parts.push(bytes.subarray(last, p));
      last = p;
    }
  }
  parts.push(bytes.subarray(last));
  return parts;
}

test('property: random bytes yield frames or our protocol error, and memory stays bounded', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 0, maxLength: 3000 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 }),
      (input, cuts) => {
        const decoder = new FrameDecoder({
          shapeOf: shapeFor,
          onPrefix() {},
          onChunk() {},
          onEnd() {},
        });
        // Header (10) + the largest accumulated body or prefix; nothing else is held.
        const bound = 10 + Math.max(MAX_WHOLE, 16 + MAX_VARIABLE);
        try {
          for (const part of split(Buffer.from(input), cuts)) {
            decoder.push(part);
            assert.ok(decoder.bufferedBytes <= bound, `buffered ${decoder.bufferedBytes}`);
          }
          decoder.finish();
        } catch (err) {
          if (
            !(err instanceof FdfsError) ||
            (err.code !== 'ERR_PROTOCOL' && err.code !== 'ERR_FRAME_TOO_LARGE')
          ) {
            throw err;
          }
        }
      },
    ),
    { numRuns: 2000 },
  );
});

test('property: any sequence of frames, split anywhere, decodes to the same frames', () => {
  const frameArb = fc.record({
    cmd: fc.integer({ min: 0, max: 255 }),
    status: fc.integer({ min: 0, max: 255 }),
    body: fc.uint8Array({ maxLength: 600 }),
  });
  fc.assert(
    fc.property(
      fc.array(frameArb, { minLength: 1, maxLength: 8 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }),
      (frames, cuts) => {
        const seen: { cmd: number; status: number; body: Buffer }[] = [];
        let parts: Buffer[] = [];
        const decoder = new FrameDecoder({
          shapeOf: shapeFor,
          onPrefix(_h, prefix) {
            parts = [Buffer.from(prefix)];
          },
          onChunk(c) {
            parts.push(Buffer.from(c));
          },
          onEnd(h) {
            seen.push({ cmd: h.cmd, status: h.status, body: Buffer.concat(parts) });
          },
        });
        const wire = Buffer.concat(frames.map((f) => encodeFrame(f.cmd, f.body, f.status)));
        for (const part of split(wire, cuts)) decoder.push(part);
        decoder.finish();
        assert.deepEqual(
          seen,
          frames.map((f) => ({ cmd: f.cmd, status: f.status, body: Buffer.from(f.body) })),
        );
      },
    ),
    { numRuns: 500 },
  );
});
