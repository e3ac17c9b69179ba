// The shared wire structures (§4, §14; src/protocol/structs/) against packets recorded from the
// real FastDFS 6.16.1. Each use is checked four ways (STYLE §4): decode (matched field by field
// against the recorder's context.decoded), encode (hex compared), round trip, and the frame fed to
// FrameDecoder whole, one byte at a time and split at the front, middle and end.
// Packets with junk after a NUL (`*_padding_clean: false`, §16 #5) are checked by decode only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDecoder } from '#src/protocol/frame-decoder.js';
import {
  decodeBeatResponse,
  decodeGroupStat,
  decodeGroupStatList,
  decodeStorageBrief,
  decodeStorageBriefList,
  decodeStorageClusterStatReply,
  decodeStorageJoinBody,
  decodeStorageJoinResponse,
  decodeStorageStatBlock,
  decodeStorageStatFilter,
  decodeStorageStatList,
  decodeSyncBody,
  decodeTrackerClusterStatReply,
  decodeTrackerJoinLeaderBody,
  decodeTrackerPingLeaderBody,
  decodeTrackerPingLeaderReply,
  decodeTrackerStatFilter,
  decodeTrackerStatus,
  decodeVolumnStatFilter,
  decodeVolumnStatReply,
  encodeBeatResponse,
  encodeGroupStat,
  encodeGroupStatList,
  encodeStorageBrief,
  encodeStorageBriefList,
  encodeStorageClusterStatReply,
  encodeStorageJoinBody,
  encodeStorageJoinResponse,
  encodeStorageStatBlock,
  encodeStorageStatFilter,
  encodeStorageStatList,
  encodeSyncBody,
  encodeTrackerClusterStatReply,
  encodeTrackerJoinLeaderBody,
  encodeTrackerPingLeaderBody,
  encodeTrackerPingLeaderReply,
  encodeTrackerStatFilter,
  encodeTrackerStatus,
  encodeVolumnStatFilter,
  encodeVolumnStatReply,
  groupStatLayoutOf,
  STORAGE_STAT_SIZES,
  storageStatLayoutOf,
  type BeatResponse,
} from '#src/protocol/structs/index.js';
import {
  frameBody,
  frameBytes,
  loadPacket,
  loadPackets,
  type PacketVector,
} from './support/vectors.js';
import { CoverageRecorder, coverageTest } from './support/coverage.js';

type Side = 'request' | 'reply';

/** One exchange of the recorder's context.decoded. */
interface Exchange {
  cmd: number;
  request?: Record<string, unknown> | null;
  response?: Record<string, unknown> | null;
  responseStatus?: number;
}

interface Codec<T> {
  decode(body: Buffer): T;
  /** `recorded` is the recorded bytes, for codecs whose layout a server picks by configuration. */
  encode(value: T, recorded: Buffer): Buffer;
  /** Our value reshaped like the recorder's, when the shapes differ. */
  view?(value: T): unknown;
  /** Where the recorder put this structure. */
  recorder(exchange: Exchange, side: Side): unknown;
  /** The bytes of the body this structure occupies (default: all of it). */
  part?(body: Buffer, cmd: number): Buffer;
  /** Extra checks of the decoded value against the recorder. */
  check?(value: T, body: Buffer, exchange: Exchange): void;
  /** Packet file, command code and side of each use. */
  uses: [file: string, cmd: number, side: Side][];
}

type AnyCodec = Codec<unknown>;

function codec<T>(c: Codec<T>): AnyCodec {
  return c as unknown as AnyCodec;
}

function field(obj: unknown, key: string): unknown {
  return obj !== null && typeof obj === 'object'
    ? (obj as Record<string, unknown>)[key]
    : undefined;
}

const req = (e: Exchange): unknown => e.request;
const resp = (e: Exchange): unknown => e.response;

const beatView = (v: BeatResponse): unknown => ({
  flags: v.flags,
  briefs: [
    ...(v.leader ? [v.leader] : []),
    ...(v.trunkServer ? [v.trunkServer] : []),
    ...(v.groupServers ?? []),
  ],
});

const JOIN_FILES = [
  'tracker-81-storage-join-2-trackers.json',
  'tracker-81-storage-join-first.json',
  'tracker-81-storage-join-restart-ip46.json',
  'tracker-81-storage-join-second.json',
];

/** Every structure codec and the recorded packets that carry it. */
export const CODECS: Record<string, AnyCodec> = {
  storageJoinBody: codec({
    decode: decodeStorageJoinBody,
    encode: encodeStorageJoinBody,
    recorder: req,
    uses: JOIN_FILES.map((f) => [f, 81, 'request']),
  }),
  storageJoinResponse: codec({
    decode: decodeStorageJoinResponse,
    encode: encodeStorageJoinResponse,
    recorder: resp,
    uses: JOIN_FILES.map((f) => [f, 81, 'reply']),
  }),
  storageStatBlock: codec({
    decode: decodeStorageStatBlock,
    encode: encodeStorageStatBlock,
    recorder: (e) => field(e.request, 'stat'),
    uses: [
      ['tracker-83-beat-3-briefs.json', 83, 'request'],
      ['tracker-83-beat-with-stats.json', 83, 'request'],
    ],
  }),
  beatResponse: codec({
    decode: (b) => decodeBeatResponse(b),
    encode: (v) => encodeBeatResponse(v),
    view: beatView,
    recorder: resp,
    uses: [
      ['tracker-83-beat-3-briefs.json', 83, 'reply'],
      ['tracker-83-beat-leader-and-group-changed.json', 83, 'reply'],
      ['tracker-83-beat-with-stats.json', 83, 'reply'],
      ['tracker-84-report-disk-usage.json', 84, 'reply'],
      ['tracker-89-sync-report.json', 89, 'reply'],
    ],
  }),
  storageBriefList: codec({
    decode: (b) => decodeStorageBriefList(b),
    encode: (v) => encodeStorageBriefList(v),
    recorder: (e) => field(e.request, 'briefs'),
    uses: [['tracker-85-replica-chg.json', 85, 'request']],
  }),
  storageBrief: codec({
    decode: (b) => decodeStorageBrief(b),
    encode: (v) => encodeStorageBrief(v),
    // 76 is group_name[16] + one brief; 71 answers one brief.
    part: (body, cmd) => (cmd === 76 ? body.subarray(16) : body),
    recorder: (e, side) => field(side === 'request' ? e.request : e.response, 'brief'),
    uses: [
      ['tracker-76-report-status-ids.json', 76, 'request'],
      ['tracker-76-report-status-offline.json', 76, 'request'],
      ['tracker-76-report-status-recovery.json', 76, 'request'],
      ['tracker-76-report-status-syncing.json', 76, 'request'],
      ['tracker-71-get-storage-status.json', 71, 'reply'],
      ['tracker-71-get-storage-status-from-storage.json', 71, 'reply'],
      ['tracker-71-get-storage-status-ids.json', 71, 'reply'],
      ['tracker-71-get-storage-status-ip46.json', 71, 'reply'],
    ],
  }),
  syncBody: codec({
    decode: decodeSyncBody,
    encode: encodeSyncBody,
    recorder: (e, side) => (side === 'request' ? e.request : e.response),
    uses: [
      ['tracker-86-sync-src-req-ids.json', 86, 'reply'],
      ['tracker-86-sync-src-req-with-source.json', 86, 'reply'],
      ['tracker-87-sync-dest-req-ids.json', 87, 'reply'],
      ['tracker-87-sync-dest-req-with-source.json', 87, 'reply'],
      ['tracker-88-sync-notify-empty.json', 88, 'request'],
      ['tracker-88-sync-notify-multi.json', 88, 'request'],
      ['tracker-88-sync-notify-with-source.json', 88, 'request'],
    ],
  }),
  groupStat: codec({
    decode: decodeGroupStat,
    encode: (v) => encodeGroupStat(v),
    recorder: (e) => (field(e.response, 'groups') as unknown[] | undefined)?.[0],
    check: (_v, _b, e) => assert.equal((field(e.response, 'groups') as unknown[]).length, 1),
    uses: [
      ['tracker-90-list-one-group.json', 90, 'reply'],
      ['tracker-90-list-one-group-ip46.json', 90, 'reply'],
      ['tracker-71-get-storage-status-from-storage.json', 90, 'reply'],
    ],
  }),
  groupStatList: codec({
    decode: decodeGroupStatList,
    encode: (v) => encodeGroupStatList(v),
    recorder: (e) => field(e.response, 'groups'),
    check: (_v, body) => assert.equal(groupStatLayoutOf(body.length), '6.13.1'),
    uses: [
      ['tracker-91-list-all-groups.json', 91, 'reply'],
      ['tracker-91-list-all-groups-2-groups.json', 91, 'reply'],
    ],
  }),
  storageStatList: codec({
    decode: decodeStorageStatList,
    // The layout a server chooses from its response_ip_addr_size: taken from the recorded length.
    encode: (v, recorded) =>
      encodeStorageStatList(v, { layout: storageStatLayoutOf(recorded.length) }),
    recorder: (e) => field(e.response, 'storages'),
    check: (_v, body, e) =>
      assert.equal(
        STORAGE_STAT_SIZES[storageStatLayoutOf(body.length)],
        field(e.response, 'record_size'),
      ),
    uses: [
      ['tracker-92-list-storage-2-storages.json', 92, 'reply'],
      ['tracker-92-list-storage-by-id.json', 92, 'reply'],
      ['tracker-92-list-storage-by-id-ids.json', 92, 'reply'],
      ['tracker-92-list-storage-by-id-ip46.json', 92, 'reply'],
      ['tracker-92-list-storage-ip46.json', 92, 'reply'],
      ['tracker-91-list-all-groups.json', 92, 'reply'],
      ['tracker-71-get-storage-status-from-storage.json', 92, 'reply'],
    ],
  }),
  trackerStatFilter: codec({
    decode: decodeTrackerStatFilter,
    encode: encodeTrackerStatFilter,
    recorder: req,
    uses: [
      ['tracker-96-tracker-cluster-stat.json', 96, 'request'],
      ['tracker-96-tracker-cluster-stat-2-trackers.json', 96, 'request'],
      ['tracker-96-tracker-cluster-stat-follower-eopnotsupp.json', 96, 'request'],
    ],
  }),
  trackerClusterStatReply: codec({
    decode: decodeTrackerClusterStatReply,
    encode: encodeTrackerClusterStatReply,
    view: (v) => ({ trackers: v }),
    recorder: resp,
    uses: [
      ['tracker-96-tracker-cluster-stat.json', 96, 'reply'],
      ['tracker-96-tracker-cluster-stat-2-trackers.json', 96, 'reply'],
    ],
  }),
  storageStatFilter: codec({
    decode: decodeStorageStatFilter,
    encode: encodeStorageStatFilter,
    recorder: req,
    uses: [
      ['tracker-97-storage-cluster-stat.json', 97, 'request'],
      ['tracker-97-storage-cluster-stat-ip46.json', 97, 'request'],
    ],
  }),
  storageClusterStatReply: codec({
    decode: decodeStorageClusterStatReply,
    encode: encodeStorageClusterStatReply,
    recorder: resp,
    uses: [
      ['tracker-97-storage-cluster-stat.json', 97, 'reply'],
      ['tracker-97-storage-cluster-stat-ip46.json', 97, 'reply'],
    ],
  }),
  volumnStatFilter: codec({
    decode: decodeVolumnStatFilter,
    encode: encodeVolumnStatFilter,
    recorder: req,
    uses: [
      ['tracker-98-storage-volumn-stat.json', 98, 'request'],
      ['tracker-98-storage-volumn-stat-d.json', 98, 'request'],
    ],
  }),
  volumnStatReply: codec({
    decode: decodeVolumnStatReply,
    encode: encodeVolumnStatReply,
    recorder: resp,
    uses: [
      ['tracker-98-storage-volumn-stat.json', 98, 'reply'],
      ['tracker-98-storage-volumn-stat-d.json', 98, 'reply'],
    ],
  }),
  trackerJoinLeaderBody: codec({
    decode: decodeTrackerJoinLeaderBody,
    encode: encodeTrackerJoinLeaderBody,
    recorder: req,
    uses: [
      ['tracker-58-join-leader.json', 58, 'request'],
      ['tracker-58-join-leader-enoent-unbound.json', 58, 'request'],
      ['tracker-58-join-leader-not-leader-eopnotsupp.json', 58, 'request'],
      ['tracker-58-join-leader-unknown-tracker-enoent.json', 58, 'request'],
      ['tracker-61-63-62-get-sys-files.json', 58, 'request'],
    ],
  }),
  trackerPingLeaderBody: codec({
    decode: decodeTrackerPingLeaderBody,
    encode: encodeTrackerPingLeaderBody,
    recorder: req,
    uses: [
      ['tracker-65-ping-leader.json', 65, 'request'],
      ['tracker-65-ping-leader-first.json', 65, 'request'],
      ['tracker-65-ping-leader-not-joined-einval.json', 65, 'request'],
    ],
  }),
  trackerPingLeaderReply: codec({
    decode: decodeTrackerPingLeaderReply,
    encode: encodeTrackerPingLeaderReply,
    // An empty reply (nothing changed) is recorded as null.
    recorder: (e) => field(e.response, 'entries'),
    uses: [
      ['tracker-65-ping-leader.json', 65, 'reply'],
      ['tracker-65-ping-leader-first.json', 65, 'reply'],
    ],
  }),
  trackerStatus: codec({
    decode: decodeTrackerStatus,
    encode: encodeTrackerStatus,
    recorder: resp,
    uses: [
      ['tracker-64-get-status.json', 64, 'reply'],
      ['tracker-64-get-status-follower.json', 64, 'reply'],
      ['tracker-64-get-status-leader.json', 64, 'reply'],
      ['tracker-61-63-62-get-sys-files.json', 64, 'reply'],
      ['tracker-66-67-notify-commit-next-leader.json', 64, 'reply'],
    ],
  }),
};

/** Codec name → packet files the table names (what the tests below record once checked). */
export const COVERAGE: Record<string, string[]> = Object.fromEntries(
  Object.entries(CODECS).map(([name, c]) => [name, [...new Set(c.uses.map(([f]) => f))].sort()]),
);

/** The frame of `side` for the first request with `cmd` in the packet, and its exchange. */
function locate(packet: PacketVector, cmd: number, side: Side) {
  const index = packet.frames.findIndex((f) => f.from !== 'server' && f.cmd === cmd);
  assert.ok(index >= 0, `${packet.file}: no request with cmd ${cmd}`);
  const frameIndex = side === 'request' ? index : index + 1;
  const frame = packet.frames[frameIndex];
  assert.ok(frame, `${packet.file}: no reply to cmd ${cmd}`);
  if (side === 'reply') {
    assert.equal(frame.from, 'server');
    assert.equal(frame.status, 0, `${packet.file}: the reply to cmd ${cmd} is an error`);
  }
  const exchanges = (packet.context.decoded ?? []) as Exchange[];
  const exchange = exchanges.find((e) => e.cmd === cmd);
  assert.ok(exchange, `${packet.file}: the recorder decoded no cmd ${cmd}`);
  return { frame, exchange };
}

function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

const ALIASES: Record<string, string> = { tracker_lines: 'trackers' };

/**
 * Match the recorder's decoding against ours, field by field (snake_case → camelCase, dotted keys
 * as paths). A `count` is checked against the length of the list beside it. Returns how many
 * leaf fields were compared.
 */
function matchRecorder(expected: unknown, actual: unknown, where: string): number {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected a list`);
    assert.equal(actual.length, expected.length, `${where}: list length`);
    return expected.reduce<number>(
      (n, e, i) => n + matchRecorder(e, actual[i], `${where}[${i}]`),
      0,
    );
  }
  if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${where}: expected an object`);
    let n = 0;
    for (const [key, value] of Object.entries(expected)) {
      if (key.endsWith('_padding_clean') || key === 'record_size') continue;
      if (key === 'count' || key === 'tracker_count') {
        const list = Object.values(actual).find((v) => Array.isArray(v)) as unknown[] | undefined;
        assert.ok(list, `${where}.${key}: no list beside the count`);
        assert.equal(list.length, value, `${where}.${key}`);
        n++;
        continue;
      }
      let cursor: unknown = actual;
      for (const part of (ALIASES[key] ?? key).split('.').map(camel)) {
        assert.ok(
          cursor !== null && typeof cursor === 'object' && part in cursor,
          `${where}.${key}: missing in our decoding`,
        );
        cursor = (cursor as Record<string, unknown>)[part];
      }
      n += matchRecorder(value, cursor, `${where}.${key}`);
    }
    return n;
  }
  assert.equal(actual, expected, where);
  return 1;
}

function hasJunk(recorded: unknown): boolean {
  return JSON.stringify(recorded ?? null).includes('_padding_clean":false');
}

/** The body of `bytes` as FrameDecoder delivers it when the input is split at `splits`. */
function frameThroughDecoder(bytes: Buffer, splits: number[]): Buffer[] {
  const bodies: Buffer[] = [];
  const decoder = new FrameDecoder({
    shapeOf: () => ({ kind: 'whole', maxLength: 1 << 20 }),
    onPrefix: (_h, body) => bodies.push(Buffer.from(body)),
    onChunk: () => assert.fail('a whole-body frame has no chunks'),
    onEnd: () => undefined,
  });
  let last = 0;
  for (const at of [...splits, bytes.length]) {
    decoder.push(bytes.subarray(last, at));
    last = at;
  }
  decoder.finish();
  return bodies;
}

function splitPlans(length: number): [string, number[]][] {
  return [
    ['whole', []],
    ['one byte at a time', Array.from({ length: length - 1 }, (_, i) => i + 1)],
    ['split at the front', [1]],
    ['split in the middle', [Math.floor(length / 2)]],
    ['split at the end', [length - 1]],
  ];
}

const coverage = new CoverageRecorder();

for (const [name, c] of Object.entries(CODECS)) {
  for (const [file, cmd, side] of c.uses) {
    test(`${name}: ${file} (cmd ${cmd} ${side})`, () => {
      const packet = loadPacket(file);
      const { frame, exchange } = locate(packet, cmd, side);
      const body = frameBody(frame);
      const bytes = c.part ? c.part(body, cmd) : body;
      const recorded = c.recorder(exchange, side);

      // 1. Decode, and match the recorder's decoding where it gave one.
      const value = c.decode(bytes);
      if (recorded !== undefined && recorded !== null) {
        const compared = matchRecorder(recorded, c.view ? c.view(value) : value, name);
        assert.ok(compared > 0 || bytes.length <= 5, 'the recorder decoding compared no field');
      }
      c.check?.(value, bytes, exchange);

      const encoded = c.encode(value, bytes);
      if (hasJunk(recorded)) {
        // Decode only: our bytes differ from the recorded ones only where those hold junk after a NUL.
        assert.equal(encoded.length, bytes.length);
        assert.notDeepEqual(encoded, bytes, 'the junk the recorder reported is there');
        for (let i = 0; i < bytes.length; i++) {
          if (encoded[i] !== bytes[i])
            assert.equal(encoded[i], 0, `byte ${i} differs outside padding`);
        }
        coverage.record(name, file);
        return;
      }
      // 2. Encode: byte for byte.
      assert.equal(encoded.toString('hex'), bytes.toString('hex'));
      // 3. Round trip.
      assert.deepEqual(c.decode(encoded), value);
      // 4. The whole frame through FrameDecoder, whole and split.
      const wire = frameBytes(frame);
      for (const [label, splits] of splitPlans(wire.length)) {
        const bodies = frameThroughDecoder(wire, splits);
        assert.equal(bodies.length, 1, label);
        assert.deepEqual(bodies[0], body, `${label}: same body`);
        const again = c.part ? c.part(bodies[0]!, cmd) : bodies[0]!;
        assert.deepEqual(c.decode(again), value, `${label}: same value`);
      }
      coverage.record(name, file);
    });
  }
}

/** Commands whose request / successful reply body is one of our structures. */
const REQUEST_CMDS = new Set([58, 65, 76, 81, 83, 85, 88, 96, 97, 98]);
const REPLY_CMDS = new Set([64, 65, 71, 81, 83, 84, 86, 87, 89, 90, 91, 92, 96, 97, 98]);
/** Cmds whose empty body means something else (83: beat without stats; 86/87: no sync needed). */
const EMPTY_IS_NOT_A_STRUCT = new Set([83, 86, 87]);

test('every recorded tracker body that is one of our structures is covered', () => {
  const covered = new Set(
    Object.values(CODECS).flatMap((c) => c.uses.map(([f, cmd, side]) => `${f} ${cmd} ${side}`)),
  );
  const found: string[] = [];
  for (const packet of loadPackets()) {
    if (packet.server !== 'tracker') continue;
    const seen = new Set<number>();
    packet.frames.forEach((f, i) => {
      if (f.from === 'server') return;
      if (REQUEST_CMDS.has(f.cmd) || REPLY_CMDS.has(f.cmd)) {
        assert.ok(
          !seen.has(f.cmd),
          `${packet.file}: cmd ${f.cmd} twice; the table takes the first`,
        );
        seen.add(f.cmd);
      }
      if (REQUEST_CMDS.has(f.cmd) && !(f.pkgLen === 0 && EMPTY_IS_NOT_A_STRUCT.has(f.cmd))) {
        found.push(`${packet.file} ${f.cmd} request`);
      }
      const reply = packet.frames[i + 1];
      if (
        REPLY_CMDS.has(f.cmd) &&
        reply?.from === 'server' &&
        reply.status === 0 &&
        !(reply.pkgLen === 0 && EMPTY_IS_NOT_A_STRUCT.has(f.cmd))
      ) {
        found.push(`${packet.file} ${f.cmd} reply`);
      }
    });
  }
  const missing = found.filter((k) => !covered.has(k));
  assert.deepEqual(missing, [], 'recorded structures no codec is checked against');
  assert.equal(found.length, covered.size, 'every table entry names a recorded structure');
});

test('the table holds 71 uses of 20 codecs (a dropped entry is noticed)', () => {
  const total = Object.values(CODECS).reduce((n, c) => n + c.uses.length, 0);
  assert.equal(total, 71);
  assert.equal(Object.keys(COVERAGE).length, 20);
});

coverageTest('structs', coverage);
