// Scenario `codec`: how fast the wire codec runs on one thread, with no I/O.
// Each entry of `codecBenchmarks` is one row of the table; adding a measurement is adding one entry.
import { encodeFrame, encodeHeader, decodeHeader } from '#src/protocol/header.js';
import { FrameDecoder, type BodyShape } from '#src/protocol/frame-decoder.js';
import { StorageCommand, TrackerCommand } from '#src/protocol/commands.js';
import { decodeFileId, formatFileId, generateFileName } from '#src/protocol/file-id/index.js';
import { mathRandomSource } from '#src/protocol/file-id/random.js';
import {
  decodeStorageStatList,
  encodeStorageStatList,
} from '#src/protocol/structs/storage-stat-record.js';
import { runMicro, type MicroBenchmark, type MicroRun } from '../micro.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../scenario.js';

/** Distinct headers decoded in turn, so the branch predictor does not see one value only. */
const HEADER_VARIANTS = 64;

const headerDecode: MicroBenchmark = {
  label: 'header decode',
  bytesPerOp: 10,
  setup(): MicroRun {
    const cmds = [TrackerCommand.SERVICE_QUERY_FETCH_ONE, StorageCommand.UPLOAD_FILE, 100];
    const expected: number[] = [];
    const headers = Buffer.concat(
      Array.from({ length: HEADER_VARIANTS }, (_, i) => {
        const cmd = cmds[i % cmds.length]!;
        expected.push(cmd);
        return encodeHeader(i * 4099, cmd, 0);
      }),
    );
    let i = 0;
    let errors = 0;
    return {
      call() {
        const h = decodeHeader(headers, i * 10);
        if (h.cmd !== expected[i]) errors++;
        i = (i + 1) % HEADER_VARIANTS;
      },
      errors: () => errors,
    };
  },
};

/**
 * A stream of the small frames a busy tracker sees: QUERY_FETCH_ONE and QUERY_STORE requests,
 * 40-byte QUERY_STORE replies and ACTIVE_TEST, repeated to fill about 64 KiB.
 */
function smallFrameStream(): { stream: Buffer; frames: number } {
  const fileName = Buffer.from('M00/00/00/fwAADGsBidyANlV7AAAAKSd8hCE597.jpg');
  const group = Buffer.alloc(16);
  group.write('group1');
  const pattern = [
    encodeFrame(TrackerCommand.SERVICE_QUERY_FETCH_ONE, Buffer.concat([group, fileName])),
    encodeFrame(TrackerCommand.SERVICE_QUERY_STORE_WITHOUT_GROUP_ONE),
    encodeFrame(100, Buffer.alloc(40, 0x31)),
    encodeFrame(TrackerCommand.ACTIVE_TEST),
  ];
  const patternBytes = pattern.reduce((n, f) => n + f.length, 0);
  const repeats = Math.floor((64 * 1024) / patternBytes);
  const parts: Buffer[] = [];
  for (let r = 0; r < repeats; r++) parts.push(...pattern);
  return { stream: Buffer.concat(parts), frames: repeats * pattern.length };
}

const WHOLE: BodyShape = { kind: 'whole', maxLength: 256 * 1024 };
/** A typical TCP payload on Ethernet: frames arrive cut at arbitrary points. */
const SEGMENT_SIZE = 1460;

/** Push the small-frame stream into a FrameDecoder, in one chunk or in TCP-sized segments. */
function frameDecoderBenchmark(label: string, segmentSize: number | undefined): MicroBenchmark {
  const { stream, frames } = smallFrameStream();
  return {
    label,
    opsPerCall: frames,
    bytesPerOp: stream.length / frames,
    setup(): MicroRun {
      let decoded = 0;
      let expected = 0;
      const decoder = new FrameDecoder({
        shapeOf: () => WHOLE,
        onPrefix: () => {},
        onChunk: () => {},
        onEnd: () => {
          decoded++;
        },
      });
      const chunks: Buffer[] = [];
      const size = segmentSize ?? stream.length;
      for (let at = 0; at < stream.length; at += size) chunks.push(stream.subarray(at, at + size));
      return {
        call() {
          for (const chunk of chunks) decoder.push(chunk);
          expected += frames;
        },
        errors: () => Math.abs(expected - decoded),
      };
    },
  };
}

/** Generate a file name (the storage's side of an upload) and format its file ID. */
const fileIdEncode: MicroBenchmark = {
  label: 'file-id encode',
  setup(): MicroRun {
    let errors = 0;
    let n = 0;
    return {
      call() {
        const name = generateFileName({
          storePathIndex: 0,
          subdirs: { subdir1: n & 0xff, subdir2: (n >> 8) & 0xff },
          source: '127.0.0.12',
          timestamp: 1795262932 + n,
          kind: 'normal',
          size: BigInt(n & 0xffff),
          crc32: n >>> 0,
          ext: 'jpg',
          random: mathRandomSource,
        });
        if (formatFileId('group1', name.logicName).length !== 51) errors++;
        n++;
      },
      errors: () => errors,
    };
  },
};

/** Decode recorded file IDs (the tracker's side of every QUERY_FETCH, and fdfs_file_info). */
const fileIdDecode: MicroBenchmark = {
  label: 'file-id decode',
  setup(): MicroRun {
    const vectors = fileURLToPath(
      new URL('../../../../test/vectors/file-ids.json', import.meta.url),
    );
    const ids = (JSON.parse(readFileSync(vectors, 'utf8')) as { fileId: string }[]).map(
      (e) => e.fileId,
    );
    let i = 0;
    let errors = 0;
    return {
      call() {
        const id = ids[i]!;
        if (decodeFileId(id).groupName.length === 0) errors++;
        i = (i + 1) % ids.length;
      },
      errors: () => errors,
    };
  },
};

/** Decode a LIST_STORAGE reply of 8 records (the client's side of fdfs_monitor). */
const storageRecordDecode: MicroBenchmark = {
  label: 'storage-record decode (8 x 487 bytes)',
  opsPerCall: 8,
  bytesPerOp: 487,
  setup(): MicroRun {
    const record = decodeStorageStatList(
      Buffer.from(
        (
          JSON.parse(
            readFileSync(
              fileURLToPath(
                new URL(
                  '../../../../test/vectors/packets/tracker-92-list-storage-by-id.json',
                  import.meta.url,
                ),
              ),
              'utf8',
            ),
          ) as { frames: { bodyHex: string }[] }
        ).frames[1]!.bodyHex,
        'hex',
      ),
    )[0]!;
    const body = encodeStorageStatList(
      Array.from({ length: 8 }, () => record),
      { layout: 'ip16' },
    );
    let errors = 0;
    return {
      call() {
        if (decodeStorageStatList(body).length !== 8) errors++;
      },
      errors: () => errors,
    };
  },
};

/** The micro-benchmarks of this scenario, one row each. */
export const codecBenchmarks: MicroBenchmark[] = [
  headerDecode,
  fileIdEncode,
  fileIdDecode,
  storageRecordDecode,
  frameDecoderBenchmark('frame decoder, small frames, 64 KiB chunks', undefined),
  frameDecoderBenchmark('frame decoder, small frames, 1460-byte segments', SEGMENT_SIZE),
];

export const codecScenario: Scenario = {
  name: 'codec',
  description: 'codec operations per second on one thread: headers, frame decoding',
  run(options) {
    if (options.concurrency !== 1) {
      options.log('codec: runs on one thread; --concurrency does not apply');
    }
    return Promise.resolve(
      codecBenchmarks.map((bench) => {
        options.log(`codec: ${bench.label}`);
        return runMicro('codec', bench, { durationS: options.durationS, count: options.count });
      }),
    );
  },
};
