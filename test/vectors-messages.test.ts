// Client-facing message bodies against the real 6.16.1 recordings (§5.1, §6.1, §3.2): every
// request and reply of tracker 101–107 and storage 11–38 decodes, re-encodes byte for byte,
// matches the recorder's decoding, and frames identically however the bytes are split.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FrameDecoder, type BodyShape } from '#src/protocol/frame-decoder.js';
import { FdfsError } from '#src/protocol/errors.js';
import { decodeMetadata, encodeMetadata, sortMetadata } from '#src/protocol/metadata.js';
import * as m from '#src/protocol/messages/index.js';
import { loadPackets, vectorPath, type PacketFrame, type PacketVector } from './support/vectors.js';
import { CoverageRecorder, coverageTest } from './support/coverage.js';

type Fields = Record<string, unknown>;

interface Pair {
  packet: PacketVector;
  request: PacketFrame;
  reply: PacketFrame | undefined;
  decoded: { cmd: number; request?: Fields | null; response?: Fields | null } | undefined;
}

/** A request checked: the fields to compare with the recorder's, and the bytes re-encoded. */
interface RequestCheck {
  fields: Fields;
  reencoded: Buffer;
  /** Streamed requests: the prefix length the frame decoder must deliver. */
  prefixLength?: number;
}

interface Codec {
  name: string;
  request(body: Buffer, frame: PacketFrame): RequestCheck;
  /** Fields of a status-0 reply, after checking its re-encoding; undefined = empty body. */
  reply?(body: Buffer, pair: Pair): Fields;
  shape?: BodyShape;
}

const hex = (b: Buffer): string => b.toString('hex');
const STREAM_NAME_MAX = 127;

// ---- replies -----------------------------------------------------------------------------

function ipSizeOf(pair: Pair): m.ResponseIpSize {
  return pair.packet.context.responseIpSize === 46 ? 46 : 16;
}

function fileIdReply(body: Buffer): Fields {
  const r = m.decodeFileIdReply(body);
  assert.equal(hex(m.encodeFileIdReply(r)), hex(body));
  return { group_name: r.groupName, filename: r.filename };
}

function storeOneReply(body: Buffer, pair: Pair): Fields {
  const r = m.decodeStoreOneReply(body);
  assert.equal(r.ipSize, ipSizeOf(pair));
  assert.equal(hex(m.encodeStoreOneReply(r, r.ipSize)), hex(body));
  return { group_name: r.groupName, ip: r.ip, port: r.port, store_path_index: r.storePathIndex };
}

function storeAllReply(body: Buffer, pair: Pair): Fields {
  const r = m.decodeStoreAllReply(body);
  assert.equal(r.ipSize, ipSizeOf(pair));
  assert.equal(hex(m.encodeStoreAllReply(r, r.ipSize)), hex(body));
  return { group_name: r.groupName, servers: r.servers, store_path_index: r.storePathIndex };
}

function fetchOneReply(body: Buffer, pair: Pair): Fields {
  const r = m.decodeFetchOneReply(body);
  assert.equal(r.ipSize, ipSizeOf(pair));
  assert.equal(hex(m.encodeFetchOneReply(r, r.ipSize)), hex(body));
  return { group_name: r.groupName, ip: r.ip, port: r.port };
}

function fetchAllReply(body: Buffer, pair: Pair): Fields {
  const r = m.decodeFetchAllReply(body);
  assert.equal(r.ipSize, ipSizeOf(pair));
  assert.equal(r.form, '6.16', 'a 6.16.1 tracker sends ip + port for every server (§16 #21)');
  assert.equal(hex(m.encodeFetchAllReply(r, r.ipSize, r.form)), hex(body));
  return { group_name: r.groupName, servers: r.servers };
}

function fileInfoReply(body: Buffer): Fields {
  const r = m.decodeFileInfoReply(body);
  assert.equal(hex(m.encodeFileInfoReply(r, r.ipSize)), hex(body));
  return {
    file_size: r.fileSize,
    create_timestamp: r.createTimestamp,
    crc32_i64: r.crc32 | 0,
    crc32_hex: r.crc32.toString(16).padStart(8, '0'),
    source_ip: r.sourceIp,
    ip_field_size: r.ipSize,
  };
}

function metadataReply(body: Buffer): Fields {
  const list = decodeMetadata(body);
  assert.equal(hex(encodeMetadata(list)), hex(body));
  return { metadata: list.map((e) => [e.name, e.value]) };
}

// ---- requests ----------------------------------------------------------------------------

function streamed(
  body: Buffer,
  pkgLen: number,
  decoded: m.DecodedPrefix<object>,
  encoded: m.EncodedPrefix,
  extra: Fields,
): RequestCheck {
  const content = body.subarray(decoded.prefixLength);
  assert.equal(encoded.pkgLen, pkgLen, 'pkg_len of the re-encoded prefix');
  return {
    fields: { ...extra, content: hex(content) },
    reencoded: Buffer.concat([encoded.prefix, content]),
    prefixLength: decoded.prefixLength,
  };
}

function uploadRequest(cmd: number) {
  return (body: Buffer, frame: PacketFrame): RequestCheck => {
    const d = m.decodeUploadPrefix(body, frame.pkgLen, cmd);
    const fields = { store_path_index: d.storePathIndex, file_size: d.fileSize, ext: d.ext };
    return streamed(body, frame.pkgLen, d, m.encodeUploadPrefix(d, cmd), fields);
  };
}

function groupFileRequest(cmd: number) {
  return (body: Buffer, frame: PacketFrame): RequestCheck => {
    const d = m.decodeGroupFileRequest(cmd, body);
    const fields: Fields = { group_name: d.groupName, filename: d.filename };
    if (cmd === 22) fields.flags = frame.status;
    return { fields, reencoded: m.encodeGroupFileRequest(cmd, d) };
  };
}

function queryStoreRequest(cmd: number) {
  return (body: Buffer): RequestCheck => {
    const d = m.decodeQueryStoreRequest(cmd, body);
    const fields: Fields = d.groupName === undefined ? {} : { group_name: d.groupName };
    return { fields, reencoded: m.encodeQueryStoreRequest(d.groupName) };
  };
}

function queryFileRequest(cmd: number) {
  return (body: Buffer): RequestCheck => {
    const d = m.decodeQueryFileRequest(body, cmd);
    const fields = { group_name: d.groupName, filename: d.filename };
    return { fields, reencoded: m.encodeQueryFileRequest(d.groupName, d.filename, cmd) };
  };
}

const whole: BodyShape = { kind: 'whole', maxLength: 1 << 20 };
const named = (prefixLength: number): BodyShape => ({
  kind: 'prefixed',
  prefixLength,
  lengthFieldOffset: 0,
  maxVariableLength: STREAM_NAME_MAX,
});

const TRACKER_CODECS: Record<number, Codec> = {
  101: { name: 'queryStoreOne', request: queryStoreRequest(101), reply: storeOneReply },
  104: { name: 'queryStoreOne', request: queryStoreRequest(104), reply: storeOneReply },
  106: { name: 'queryStoreAll', request: queryStoreRequest(106), reply: storeAllReply },
  107: { name: 'queryStoreAll', request: queryStoreRequest(107), reply: storeAllReply },
  102: { name: 'queryFetchOne', request: queryFileRequest(102), reply: fetchOneReply },
  103: { name: 'queryFetchOne', request: queryFileRequest(103), reply: fetchOneReply },
  105: { name: 'queryFetchAll', request: queryFileRequest(105), reply: fetchAllReply },
};

const STORAGE_CODECS: Record<number, Codec> = {
  11: {
    name: 'upload',
    request: uploadRequest(11),
    reply: fileIdReply,
    shape: { kind: 'prefixed', prefixLength: m.UPLOAD_PREFIX_SIZE },
  },
  23: {
    name: 'upload',
    request: uploadRequest(23),
    reply: fileIdReply,
    shape: { kind: 'prefixed', prefixLength: m.UPLOAD_PREFIX_SIZE },
  },
  21: {
    name: 'uploadSlave',
    shape: named(m.UPLOAD_SLAVE_FIXED_SIZE),
    reply: fileIdReply,
    request(body, frame) {
      const d = m.decodeUploadSlavePrefix(body, frame.pkgLen);
      const fields = {
        master_filename_len: Buffer.byteLength(d.masterFilename),
        file_size: d.fileSize,
        prefix: d.prefixName,
        ext: d.ext,
        master_filename: d.masterFilename,
      };
      return streamed(body, frame.pkgLen, d, m.encodeUploadSlavePrefix(d), fields);
    },
  },
  24: {
    name: 'append',
    shape: named(16),
    request(body, frame) {
      const d = m.decodeAppendPrefix(body, frame.pkgLen);
      const fields = {
        filename_len: Buffer.byteLength(d.filename),
        file_size: d.fileSize,
        filename: d.filename,
      };
      return streamed(body, frame.pkgLen, d, m.encodeAppendPrefix(d), fields);
    },
  },
  34: {
    name: 'modify',
    shape: named(24),
    request(body, frame) {
      const d = m.decodeModifyPrefix(body, frame.pkgLen);
      const fields = {
        filename_len: Buffer.byteLength(d.filename),
        file_offset: d.offset,
        file_size: d.fileSize,
        filename: d.filename,
      };
      return streamed(body, frame.pkgLen, d, m.encodeModifyPrefix(d), fields);
    },
  },
  36: {
    name: 'truncate',
    request(body) {
      const d = m.decodeTruncateRequest(body);
      return {
        fields: {
          filename_len: Buffer.byteLength(d.filename),
          truncated_file_size: d.truncatedSize,
          filename: d.filename,
        },
        reencoded: m.encodeTruncateRequest(d),
      };
    },
  },
  38: {
    name: 'regenerate',
    reply: fileIdReply,
    request(body) {
      const d = m.decodeRegenerateRequest(body);
      return {
        fields: { appender_filename: d.filename },
        reencoded: m.encodeRegenerateRequest(d.filename),
      };
    },
  },
  12: { name: 'deleteFile', request: groupFileRequest(12) },
  15: { name: 'getMetadata', request: groupFileRequest(15), reply: metadataReply },
  22: { name: 'queryFileInfo', request: groupFileRequest(22), reply: fileInfoReply },
  13: {
    name: 'setMetadata',
    request(body) {
      const d = m.decodeSetMetadataRequest(body);
      const fields = {
        filename_len: Buffer.byteLength(d.filename),
        meta_size: d.metadataBytes.length,
        op_flag: d.op,
        group_name: d.groupName,
        filename: d.filename,
        metadata: d.metadataBytes.toString('utf8'),
      };
      return { fields, reencoded: m.encodeSetMetadataRequest(d) };
    },
  },
  14: {
    name: 'download',
    request(body) {
      const d = m.decodeDownloadRequest(body);
      const fields = {
        file_offset: d.offset,
        download_bytes: d.length,
        group_name: d.groupName,
        filename: d.filename,
      };
      return { fields, reencoded: m.encodeDownloadRequest(d) };
    },
    reply: (body) => ({ content: hex(body) }),
  },
  20: {
    name: 'createLink',
    reply: fileIdReply,
    request(body) {
      const d = m.decodeCreateLinkRequest(body);
      const fields = {
        master_filename_len: Buffer.byteLength(d.masterFilename),
        src_filename_len: Buffer.byteLength(d.srcFilename),
        src_file_sig_len: d.signature.length,
        group_name: d.groupName,
        prefix: d.prefixName,
        ext: d.ext,
        master_filename: d.masterFilename,
        src_filename: d.srcFilename,
        signature: d.signature.toString('utf8'),
      };
      return { fields, reencoded: m.encodeCreateLinkRequest(d) };
    },
  },
};

/** Requests the real server answered 22 because of their layout: our decoders refuse them too. */
const REFUSED: Record<string, string> = {
  'storage-11-upload-file-bad-ext-einval.json': 'ERR_INVALID_ARGUMENT',
  'storage-11-upload-file-size-mismatch-einval.json': 'ERR_BAD_BODY',
  'storage-13-set-metadata-bad-flag-einval.json': 'ERR_BAD_BODY',
  'tracker-101-query-store-without-group-bad-body-einval.json': 'ERR_BAD_BODY',
  'tracker-102-query-fetch-one-short-name-einval.json': 'ERR_BAD_BODY',
};

/** Every packet named for one of these commands, plus one more that carries a cmd 22. */
const EXPECTED_FILES = [
  ...'11-upload-file-bad-ext-einval 11-upload-file-empty 11-upload-file-id-name 11-upload-file-id-type-ip 11-upload-file-size-mismatch-einval 11-upload-file-store-path-1 11-upload-file-tar-gz 11-upload-file-with-metadata 11-upload-file 12-delete-file-bad-name-einval 12-delete-file-missing-enoent 12-delete-file-slave-link 12-delete-file 13-set-metadata-bad-flag-einval 13-set-metadata-merge 13-set-metadata-overwrite 14-download-file-empty-file-einval 14-download-file-missing-enoent 14-download-file-offset-eof-einval 14-download-file-overlong-range 14-download-file-range 14-download-file-recovery-empty-einval 14-download-file-recovery 14-download-file-wrong-group-einval 14-download-file 15-get-metadata-after-merge 15-get-metadata-none-enoent 15-get-metadata 16-sync-create-file-eexist-then-query 20-create-link-slave-name 20-create-link 21-upload-slave-file-link 21-upload-slave-file 22-query-file-info-id-name 22-query-file-info-ip46 22-query-file-info-missing-enoent 22-query-file-info-missing-silent 22-query-file-info-no-crc-flag 22-query-file-info-normal-ip46 22-query-file-info-normal-negative-crc 22-query-file-info-short-name 22-query-file-info-slave-link 22-query-file-info-slave 22-query-file-info 23-appender-test-session 23-upload-appender-file 24-append-file-not-appender-einval 24-append-file 34-modify-file-crafted 34-modify-file 36-truncate-file-crafted 36-truncate-file-extend 36-truncate-file 38-regenerate-appender-filename'
    .split(' ')
    .map((s) => `storage-${s}.json`),
  ...'101-query-store-round-robin-group2 101-query-store-without-group-bad-body-einval 101-query-store-without-group-ip46 101-query-store-without-group-path1 101-query-store-without-group 102-query-fetch-one-2-storages 102-query-fetch-one-id-name 102-query-fetch-one-ip46 102-query-fetch-one-short-name-einval 102-query-fetch-one-unknown-group-enoent 102-query-fetch-one 103-query-update-2-storages 103-query-update-ip46 103-query-update 104-query-store-with-group-enoent 104-query-store-with-group-ip46 104-query-store-with-group 105-query-fetch-all-2-storages 105-query-fetch-all-ip46 105-query-fetch-all 106-query-store-without-group-all-2-storages 106-query-store-without-group-all-ip46 106-query-store-without-group-all 107-query-store-with-group-all-2-storages 107-query-store-with-group-all-ip46 107-query-store-with-group-all'
    .split(' ')
    .map((s) => `tracker-${s}.json`),
];

function codecFor(packet: PacketVector, cmd: number): Codec | undefined {
  return (packet.server === 'tracker' ? TRACKER_CODECS : STORAGE_CODECS)[cmd];
}

function pairsOf(packet: PacketVector): Pair[] {
  const out: Pair[] = [];
  const frames = packet.frames;
  for (let i = 0; i < frames.length; i++) {
    const request = frames[i]!;
    if (request.from === 'server') continue;
    const next = frames[i + 1];
    const reply = next?.from === 'server' ? next : undefined;
    const decoded = packet.context.decoded?.[out.length] as Pair['decoded'];
    if (decoded) assert.equal(decoded.cmd, request.cmd, `${packet.file}: decoded order`);
    out.push({ packet, request, reply, decoded });
  }
  return out;
}

/** Compare our fields with the recorder's, for every key the recorder gave. */
function sameFields(ours: Fields, theirs: Fields | null | undefined, where: string): void {
  if (!theirs) return;
  for (const [key, value] of Object.entries(theirs)) {
    if (key.endsWith('_padding_clean')) continue;
    assert.ok(key in ours, `${where}: no field ${key}`);
    assert.deepEqual(ours[key], value, `${where}: ${key}`);
  }
}

// ---- framing -----------------------------------------------------------------------------

interface Framed {
  prefix: Buffer;
  content: Buffer;
}

function frameOnce(bytes: Buffer, splits: number[], shape: BodyShape): Framed {
  const got: Framed[] = [];
  let prefix = Buffer.alloc(0);
  let chunks: Buffer[] = [];
  const decoder = new FrameDecoder({
    shapeOf: () => shape,
    onPrefix(_h, p) {
      prefix = Buffer.from(p);
      chunks = [];
    },
    onChunk(c) {
      chunks.push(Buffer.from(c));
    },
    onEnd() {
      got.push({ prefix, content: Buffer.concat(chunks) });
    },
  });
  let last = 0;
  for (const s of [...splits, bytes.length]) {
    decoder.push(bytes.subarray(last, s));
    last = s;
  }
  decoder.finish();
  assert.equal(got.length, 1, 'exactly one frame');
  return got[0]!;
}

/** Whole, one byte at a time, and split at the front, the middle and the end: same bytes. */
function checkFraming(
  frame: PacketFrame,
  shape: BodyShape,
  prefixLength: number | undefined,
): void {
  const bytes = Buffer.concat([
    Buffer.from(frame.headerHex, 'hex'),
    Buffer.from(frame.bodyHex, 'hex'),
  ]);
  const n = bytes.length;
  const plans = [[], Array.from({ length: n - 1 }, (_, i) => i + 1), [1], [n >> 1], [n - 1]];
  const first = frameOnce(bytes, [], shape);
  assert.equal(hex(Buffer.concat([first.prefix, first.content])), frame.bodyHex);
  if (prefixLength !== undefined) assert.equal(first.prefix.length, prefixLength, 'prefix length');
  for (const plan of plans) {
    const got = frameOnce(bytes, plan, shape);
    assert.equal(hex(got.prefix), hex(first.prefix), `prefix, splits ${plan.length}`);
    assert.equal(hex(got.content), hex(first.content), `content, splits ${plan.length}`);
  }
}

// ---- the test ----------------------------------------------------------------------------

test('every expected packet vector is present', () => {
  const files = new Set(loadPackets().map((p) => p.file));
  for (const f of EXPECTED_FILES) assert.ok(files.has(f), `missing vector ${f}`);
  for (const f of Object.keys(REFUSED)) assert.ok(files.has(f), `missing vector ${f}`);
});

const coverage = new CoverageRecorder();

test('message codecs reproduce every recorded request and reply', (t) => {
  const covered = new Set<string>();
  let pairsChecked = 0;
  for (const packet of loadPackets()) {
    for (const pair of pairsOf(packet)) {
      const codec = codecFor(packet, pair.request.cmd);
      if (!codec) continue;
      const where = `${packet.file} cmd ${pair.request.cmd}`;
      covered.add(packet.file);
      pairsChecked++;
      checkPair(pair, codec, where);
      coverage.record(codec.name, packet.file);
    }
  }
  for (const f of EXPECTED_FILES) assert.ok(covered.has(f), `${f} was not checked`);
  assert.ok(pairsChecked >= 90, `only ${pairsChecked} request/reply pairs checked`);
  for (const [name, files] of Object.entries(coverage.table())) {
    t.diagnostic(`"${name}": ${JSON.stringify(files)}`);
  }
  t.diagnostic(`${pairsChecked} request/reply pairs in ${covered.size} packet files`);
});

function checkPair(pair: Pair, codec: Codec, where: string): void {
  const body = Buffer.from(pair.request.bodyHex, 'hex');
  const refusal = REFUSED[pair.packet.file];
  const shape = codec.shape ?? whole;
  if (refusal) {
    assert.throws(
      () => codec.request(body, pair.request),
      (e: unknown) => e instanceof FdfsError && e.code === refusal,
      `${where}: must be refused`,
    );
    assert.equal(pair.reply?.status, 22, `${where}: the real server refused it`);
    checkFraming(pair.request, shape, undefined);
  } else {
    const check = codec.request(body, pair.request);
    assert.equal(hex(check.reencoded), pair.request.bodyHex, `${where}: request re-encoding`);
    sameFields(check.fields, pair.decoded?.request, `${where} request`);
    checkFraming(pair.request, shape, check.prefixLength);
  }
  const reply = pair.reply;
  assert.ok(reply, `${where}: no reply`);
  assert.equal(reply.cmd, 100);
  const replyBody = Buffer.from(reply.bodyHex, 'hex');
  if (reply.status !== 0 || !codec.reply) {
    assert.equal(replyBody.length, 0, `${where}: reply body must be empty`);
    checkFraming(reply, whole, undefined);
    return;
  }
  const fields = codec.reply(replyBody, pair);
  sameFields(fields, pair.decoded?.response, `${where} reply`);
  const replyShape: BodyShape = pair.request.cmd === 14 ? { kind: 'stream' } : whole;
  checkFraming(reply, replyShape, replyShape.kind === 'stream' ? 0 : undefined);
}

// ---- metadata files on disk (§8.2) ---------------------------------------------------------

function metadataFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) metadataFiles(path, out);
    else if (entry.name.endsWith('-m')) out.push(path);
  }
  return out;
}

test('metadata files on disk decode, re-encode byte for byte and are sorted by name', (t) => {
  const root = vectorPath('disk');
  const files = metadataFiles(root)
    .map((f) => relative(root, f))
    .sort();
  const expected = [
    'clusterA/storage-127.0.0.12/store_path0/data/00/00/fwAADGsBidyANlV7AAAAKSd8hCE597.jpg-m',
    'clusterA/storage-127.0.0.12/store_path0/data/00/00/fwAADGsBikmAerVsAAAAZD8kLWw342_big.jpg-m',
    'clusterB/storage-100001/store_path0/data/00/00/oYYBAGsBjB6AVAbiAAAAKSd8hCE001.jpg-m',
  ];
  for (const f of expected) assert.ok(files.includes(f), `missing metadata file ${f}`);
  for (const f of files) {
    const bytes = readFileSync(join(root, f));
    const list = decodeMetadata(bytes);
    assert.ok(list.length > 0, `${f}: no entries`);
    assert.equal(hex(encodeMetadata(list)), hex(bytes), `${f}: re-encoding`);
    assert.deepEqual(list, sortMetadata(list), `${f}: sorted by name`);
  }
  t.diagnostic(`${files.length} metadata files`);
});

coverageTest('messages', coverage);
