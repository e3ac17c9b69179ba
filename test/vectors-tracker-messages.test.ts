// Tracker message bodies beyond the client queries (§5.2–§5.4) against the real 6.16.1
// recordings: every recorded request and reply of these commands decodes, matches the recorder's
// decoding, and re-encodes byte for byte (decode only where the recorder saw junk after a NUL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as m from '#src/protocol/messages/index.js';
import { TrackerCommand as C } from '#src/protocol/commands.js';
import { loadPackets, frameBody, type PacketFrame, type PacketVector } from './support/vectors.js';
import { CoverageRecorder, coverageTest } from './support/coverage.js';

type Fields = Record<string, unknown>;

interface Checked {
  /** Named as the recorder names them (context.decoded). */
  fields: Fields;
  reencoded: Buffer;
}

interface Codec {
  name: string;
  check(body: Buffer): Checked;
}

interface CommandCodecs {
  request?: Codec;
  /** Checked on status-0 replies. */
  reply?: Codec;
}

function emptyBody(name: string): Codec {
  return {
    name,
    check(body) {
      assert.equal(body.length, 0);
      return { fields: {}, reencoded: Buffer.alloc(0) };
    },
  };
}

const groupRequest = (cmd: number): Codec => ({
  name: 'groupRequest',
  check(body) {
    const groupName = m.decodeGroupRequest(cmd, body);
    return { fields: { group_name: groupName }, reencoded: m.encodeGroupRequest(groupName, cmd) };
  },
});

const groupStorageRequest = (cmd: number): Codec => ({
  name: 'groupStorageRequest',
  check(body) {
    const v = m.decodeGroupStorageRequest(cmd, body);
    return {
      fields: { group_name: v.groupName, storage_id: v.storageId ?? null },
      reencoded: m.encodeGroupStorageRequest(cmd, v),
    };
  },
});

const groupAddressRequest = (
  name: string,
  decode: (b: Buffer) => m.GroupAddressRequest,
  encode: (v: m.GroupAddressRequest) => Buffer,
): Codec => ({
  name,
  check(body) {
    const v = decode(body);
    return {
      fields: { group_name: v.groupName, ip_port: m.formatIpPort(v.ip, v.port) },
      reencoded: encode(v),
    };
  },
});

const syncSourceReply = (cmd: number): Codec => ({
  name: 'syncSourceReply',
  check(body) {
    const v = m.decodeSyncSourceReply(body, cmd);
    return {
      fields: v ? { src_id: v.srcId, until_timestamp: v.untilTimestamp } : {},
      reencoded: m.encodeSyncSourceReply(v),
    };
  },
});

const textReply = (name: string, decode: (b: Buffer) => string, encode: (s: string) => Buffer) => ({
  name,
  check(body: Buffer): Checked {
    const text = decode(body);
    return { fields: { text }, reencoded: encode(text) };
  },
});

const CODECS: ReadonlyMap<number, CommandCodecs> = new Map<number, CommandCodecs>([
  [
    C.STORAGE_CHANGE_STATUS,
    {
      request: {
        name: 'changeStatusRequest',
        check(body) {
          const status = m.decodeChangeStatusRequest(body);
          return { fields: { status }, reencoded: m.encodeChangeStatusRequest(status) };
        },
      },
      reply: emptyBody('emptyReply'),
    },
  ],
  [
    C.STORAGE_GET_MY_IP,
    {
      request: {
        name: 'getMyIpRequest',
        check(body) {
          const v = m.decodeGetMyIpRequest(body);
          return {
            fields: { group_name: v.groupName, port: v.port },
            reencoded: m.encodeGetMyIpRequest(v),
          };
        },
      },
      reply: textReply(
        'myIpReply',
        (b) => m.decodeMyIpReply(b).join(','),
        (s) => m.encodeMyIpReply(s.split(',')),
      ),
    },
  ],
  [
    C.TRACKER_GET_SYS_FILES_START,
    { request: emptyBody('sysFilesStart'), reply: emptyBody('emptyReply') },
  ],
  [
    C.TRACKER_GET_SYS_FILES_END,
    { request: emptyBody('sysFilesEnd'), reply: emptyBody('emptyReply') },
  ],
  [
    C.TRACKER_GET_ONE_SYS_FILE,
    {
      request: {
        name: 'sysFileRequest',
        check(body) {
          const v = m.decodeSysFileRequest(body);
          return {
            fields: { index: v.index, offset: v.offset },
            reencoded: m.encodeSysFileRequest(v),
          };
        },
      },
      reply: {
        name: 'sysFileReply',
        check(body) {
          const v = m.decodeSysFileReply(body);
          return {
            fields: { file_size: v.fileSize, content: v.content.toString('latin1') },
            reencoded: m.encodeSysFileReply(v),
          };
        },
      },
    },
  ],
  [
    C.STORAGE_FETCH_STORAGE_IDS,
    {
      request: {
        name: 'fetchStorageIdsRequest',
        check(body) {
          const v = m.decodeFetchStorageIdsRequest(body);
          return {
            fields: { start_index: v.startIndex, allow_empty: v.allowEmpty ? 1 : 0 },
            reencoded: m.encodeFetchStorageIdsRequest(v),
          };
        },
      },
      reply: {
        name: 'fetchStorageIdsReply',
        check(body) {
          const v = m.decodeFetchStorageIdsReply(body);
          return {
            fields: {
              total_count: v.totalCount,
              current_count: v.entries.length,
              lines: v.entries.map(m.formatStorageIdLine),
            },
            reencoded: m.encodeFetchStorageIdsReply(v),
          };
        },
      },
    },
  ],
  [
    C.STORAGE_GET_SERVER_ID,
    {
      request: groupAddressRequest(
        'getServerIdRequest',
        m.decodeGetServerIdRequest,
        m.encodeGetServerIdRequest,
      ),
      reply: textReply('serverIdReply', m.decodeServerIdReply, m.encodeServerIdReply),
    },
  ],
  [
    C.STORAGE_GET_STATUS,
    {
      request: groupAddressRequest(
        'storageStatusRequest',
        m.decodeStorageStatusRequest,
        m.encodeStorageStatusRequest,
      ),
    },
  ],
  [
    C.STORAGE_PARAMETER_REQ,
    {
      request: emptyBody('parameterRequest'),
      reply: {
        name: 'parameterReply',
        check(body) {
          const v = m.decodeParameterReply(body);
          return {
            fields: { text: m.formatTrackerParameters(v) },
            reencoded: m.encodeParameterReply(v),
          };
        },
      },
    },
  ],
  [
    C.STORAGE_REPORT_STATUS,
    {
      request: {
        name: 'reportStatusRequest',
        check(body) {
          const v = m.decodeReportStatusRequest(body);
          return {
            fields: { group_name: v.groupName, brief: { ...v.brief } },
            reencoded: m.encodeReportStatusRequest(v),
          };
        },
      },
      reply: emptyBody('emptyReply'),
    },
  ],
  [
    C.STORAGE_CHANGELOG_REQ,
    {
      request: {
        name: 'changelogRequest',
        check(body) {
          const v = m.decodeChangelogRequest(body);
          return {
            fields: v ? { group_name: v.groupName, storage_id: v.storageId } : {},
            reencoded: m.encodeChangelogRequest(v),
          };
        },
      },
    },
  ],
  [
    C.STORAGE_REPORT_DISK_USAGE,
    {
      request: {
        name: 'diskUsageRequest',
        check(body) {
          const paths = m.decodeDiskUsageRequest(body);
          return {
            fields: { paths: paths.map((p) => ({ total_mb: p.totalMb, free_mb: p.freeMb })) },
            reencoded: m.encodeDiskUsageRequest(paths),
          };
        },
      },
    },
  ],
  [
    C.STORAGE_SYNC_SRC_REQ,
    {
      request: {
        name: 'syncSrcRequest',
        check(body) {
          const v = m.decodeSyncSrcRequest(body);
          return {
            fields: { group_name: v.groupName, dest_storage_id: v.destId },
            reencoded: m.encodeSyncSrcRequest(v),
          };
        },
      },
      reply: syncSourceReply(C.STORAGE_SYNC_SRC_REQ),
    },
  ],
  [
    C.STORAGE_SYNC_DEST_REQ,
    { request: emptyBody('syncDestRequest'), reply: syncSourceReply(C.STORAGE_SYNC_DEST_REQ) },
  ],
  [
    C.STORAGE_SYNC_DEST_QUERY,
    { request: emptyBody('syncDestQuery'), reply: syncSourceReply(C.STORAGE_SYNC_DEST_QUERY) },
  ],
  [
    C.STORAGE_SYNC_REPORT,
    {
      request: {
        name: 'syncReportRequest',
        check(body) {
          const entries = m.decodeSyncReportRequest(body);
          return {
            fields: { entries: entries.map((e) => ({ src_id: e.srcId, timestamp: e.timestamp })) },
            reencoded: m.encodeSyncReportRequest(entries),
          };
        },
      },
    },
  ],
  [C.SERVER_LIST_ONE_GROUP, { request: groupRequest(C.SERVER_LIST_ONE_GROUP) }],
  [C.SERVER_DELETE_GROUP, { request: groupRequest(C.SERVER_DELETE_GROUP) }],
  [C.SERVER_LIST_STORAGE, { request: groupStorageRequest(C.SERVER_LIST_STORAGE) }],
  [C.SERVER_DELETE_STORAGE, { request: groupStorageRequest(C.SERVER_DELETE_STORAGE) }],
  [C.SERVER_SET_TRUNK_SERVER, { request: groupStorageRequest(C.SERVER_SET_TRUNK_SERVER) }],
  [
    C.SERVER_GET_LEADER,
    {
      request: emptyBody('getLeaderRequest'),
      reply: {
        name: 'leaderReply',
        check(body) {
          const v = m.decodeLeaderReply(body);
          return {
            fields: { text: m.formatIpPort(v.ip, v.port) },
            reencoded: m.encodeLeaderReply(v),
          };
        },
      },
    },
  ],
  [
    C.STORAGE_GET_GROUP_NAME,
    {
      request: {
        name: 'getGroupNameRequest',
        check(body) {
          const v = m.decodeGetGroupNameRequest(body);
          return {
            fields: { ip: v.ip ?? null, port: v.port },
            reencoded: m.encodeGetGroupNameRequest(v),
          };
        },
      },
      reply: {
        name: 'groupNameReply',
        check(body) {
          const groupName = m.decodeGroupNameReply(body);
          return {
            fields: { group_name: groupName },
            reencoded: m.encodeGroupNameReply(groupName),
          };
        },
      },
    },
  ],
]);

interface Exchange {
  packet: PacketVector;
  index: number;
  request: PacketFrame;
  reply: PacketFrame | undefined;
  decoded: { cmd: number; request?: Fields | null; response?: Fields | null } | undefined;
}

/** The n-th request of a connection with the n-th reply; QUIT has none (README). */
function exchanges(packet: PacketVector): Exchange[] {
  const requests = packet.frames.filter((f) => f.from !== 'server');
  const replies = packet.frames.filter((f) => f.from === 'server');
  const decoded = (packet.context.decoded ?? []) as Exchange['decoded'][];
  const out: Exchange[] = [];
  let r = 0;
  requests.forEach((request, index) => {
    const reply = request.cmd === C.QUIT ? undefined : replies[r++];
    out.push({ packet, index, request, reply, decoded: decoded[index] });
  });
  return out;
}

/** Every field the recorder decoded (junk markers aside) equals ours. */
function matchRecorder(recorded: Fields | null | undefined, ours: Fields, where: string): void {
  if (!recorded) return;
  for (const [key, value] of Object.entries(ours)) {
    if (!(key in recorded)) continue;
    assert.deepEqual(stripJunkMarkers(value), stripJunkMarkers(recorded[key]), `${where}.${key}`);
  }
}

function stripJunkMarkers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripJunkMarkers);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !k.endsWith('_padding_clean'))
        .map(([k, v]) => [k, stripJunkMarkers(v)]),
    );
  }
  return value;
}

const hasJunk = (recorded: unknown): boolean =>
  JSON.stringify(recorded ?? null).includes('_padding_clean":false');

const coverage = new CoverageRecorder();

function run(
  codec: Codec,
  frame: PacketFrame,
  recorded: Fields | null | undefined,
  where: string,
): void {
  const body = frameBody(frame);
  const { fields, reencoded } = codec.check(body);
  matchRecorder(recorded, fields, where);
  if (hasJunk(recorded)) {
    assert.equal(reencoded.length, body.length, `${where}: length`);
  } else {
    assert.equal(reencoded.toString('hex'), body.toString('hex'), `${where}: re-encoded bytes`);
  }
}

const checked = loadPackets().filter(
  (p) => p.server === 'tracker' && exchanges(p).some((e) => CODECS.has(e.request.cmd)),
);

test('every tracker packet file with one of these commands is covered', () => {
  assert.ok(checked.length >= 50, `${checked.length} packet files`);
});

for (const packet of checked) {
  test(`tracker messages: ${packet.file}`, () => {
    for (const e of exchanges(packet)) {
      const codecs = CODECS.get(e.request.cmd);
      if (!codecs) continue;
      const where = `${packet.file} #${e.index} cmd ${e.request.cmd}`;
      if (codecs.request) {
        run(codecs.request, e.request, e.decoded?.request, `${where} request`);
        coverage.record(codecs.request.name, packet.file);
      }
      if (codecs.reply && e.reply && e.reply.status === 0) {
        run(codecs.reply, e.reply, e.decoded?.response, `${where} reply`);
        coverage.record(codecs.reply.name, packet.file);
      }
    }
  });
}

coverageTest('tracker-messages', coverage);
