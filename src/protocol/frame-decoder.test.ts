import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDecoder, type BodyShape, type FrameEvents } from './frame-decoder.js';
import { encodeFrame, encodeHeader, type FrameHeader } from './header.js';
import { FdfsError } from './errors.js';

interface Collected {
  frames: { header: FrameHeader; prefix: string; content: string }[];
}

function collector(shapeOf: (h: FrameHeader) => BodyShape): {
  events: FrameEvents;
  out: Collected;
} {
  const out: Collected = { frames: [] };
  let prefix = '';
  let content: Buffer[] = [];
  const events: FrameEvents = {
    shapeOf,
    onPrefix(_h, p) {
      prefix = p.toString('hex');
      content = [];
    },
    onChunk(c) {
      content.push(Buffer.from(c));
    },
    onEnd(header) {
      out.frames.push({ header, prefix, content: Buffer.concat(content).toString('hex') });
    },
  };
  return { events, out };
}

const whole: BodyShape = { kind: 'whole', maxLength: 1024 };

function feedInSplits(bytes: Buffer, splits: number[], shapeOf: (h: FrameHeader) => BodyShape) {
  const { events, out } = collector(shapeOf);
  const d = new FrameDecoder(events);
  let last = 0;
  for (const s of [...splits, bytes.length]) {
    d.push(bytes.subarray(last, s));
    last = s;
  }
  d.finish();
  return out.frames;
}

test('two whole frames in one chunk: the bytes after the first header are not lost', () => {
  const bytes = Buffer.concat([encodeFrame(101), encodeFrame(104, Buffer.from('group1'))]);
  const frames = feedInSplits(bytes, [], () => whole);
  assert.equal(frames.length, 2);
  assert.equal(frames[0]!.header.cmd, 101);
  assert.equal(frames[1]!.prefix, Buffer.from('group1').toString('hex'));
});

test('every split point, one byte at a time included, gives the same frames', () => {
  const bytes = Buffer.concat([
    encodeFrame(11, Buffer.from('0123456789abcdefXYZ')),
    encodeFrame(111),
    encodeFrame(
      24,
      Buffer.concat([Buffer.from('0000000000000003', 'hex'), Buffer.from('abcHELLO')]),
    ),
  ]);
  const shapeOf = (h: FrameHeader): BodyShape =>
    h.cmd === 11
      ? { kind: 'prefixed', prefixLength: 15 }
      : h.cmd === 24
        ? { kind: 'prefixed', prefixLength: 8, lengthFieldOffset: 0 }
        : whole;
  const reference = feedInSplits(bytes, [], shapeOf);
  assert.equal(reference.length, 3);
  assert.equal(reference[2]!.prefix, Buffer.from('0000000000000003616263', 'hex').toString('hex'));
  assert.equal(reference[2]!.content, Buffer.from('HELLO').toString('hex'));
  const byteAtATime = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
  assert.deepEqual(feedInSplits(bytes, byteAtATime, shapeOf), reference);
  for (let s = 1; s < bytes.length; s++) {
    assert.deepEqual(feedInSplits(bytes, [s], shapeOf), reference, `split at ${s}`);
  }
});

test('pkg_len over the limit is refused before the body arrives', () => {
  const { events } = collector(() => ({ kind: 'whole', maxLength: 16 }));
  const d = new FrameDecoder(events);
  assert.throws(
    () => d.push(encodeHeader(17, 90)),
    (e: unknown) => e instanceof FdfsError && e.code === 'ERR_FRAME_TOO_LARGE',
  );
});

test('a negative pkg_len is a protocol error', () => {
  const { events } = collector(() => whole);
  const d = new FrameDecoder(events);
  const h = Buffer.from('ffffffffffffffff6400', 'hex');
  assert.throws(
    () => d.push(h),
    (e: unknown) => e instanceof FdfsError && e.code === 'ERR_PROTOCOL',
  );
});

test('input ending inside a frame is a protocol error naming the state', () => {
  const { events } = collector(() => whole);
  const d = new FrameDecoder(events);
  d.push(encodeFrame(90, Buffer.alloc(16)).subarray(0, 14));
  assert.throws(() => d.finish(), /inside a frame \(body of cmd 90, 4 of 16 bytes\)/);
});

test('close-delimited stream: text is emitted, the 8-byte trailer is checked and dropped', () => {
  const text = Buffer.from('1795263070 C M00/00/00/abc\n');
  const trailer = Buffer.alloc(8);
  trailer.writeBigInt64BE(BigInt(text.length));
  const bytes = Buffer.concat([encodeHeader(2 ** 58, 100), text, trailer]);
  for (let s = 1; s < bytes.length; s++) {
    const frames = feedInSplits(bytes, [s], () => ({ kind: 'close-delimited' }));
    assert.equal(frames.length, 1);
    assert.equal(Buffer.from(frames[0]!.content, 'hex').toString(), text.toString());
  }
  const bad = Buffer.concat([encodeHeader(2 ** 58, 100), text, Buffer.alloc(8)]);
  assert.throws(() => feedInSplits(bad, [], () => ({ kind: 'close-delimited' })), /trailer/);
});

test('pause keeps the following frames until resume', () => {
  const { events, out } = collector(() => whole);
  const d = new FrameDecoder({
    ...events,
    onEnd(h) {
      events.onEnd(h);
      d.pause();
    },
  });
  d.push(Buffer.concat([encodeFrame(111), encodeFrame(111), encodeFrame(82)]));
  assert.equal(out.frames.length, 1);
  d.resume();
  assert.equal(out.frames.length, 2);
  d.resume();
  assert.equal(out.frames.length, 3);
  assert.ok(d.atFrameBoundary);
});
