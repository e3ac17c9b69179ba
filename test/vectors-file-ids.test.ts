// The file-id codec against what the real FastDFS 6.16.1 produced: the 61 uploaded files of
// file-ids.json (name decoding and fdfs_file_info's output), and the new names carried by the
// recorded UPLOAD / UPLOAD_SLAVE / UPLOAD_APPENDER / CREATE_LINK / REGENERATE replies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { crc32 as zlibCrc32 } from 'node:zlib';
import {
  decodeFileId,
  decodeNameBlock,
  encodeNameBlockBytes,
  extFromName,
  fdfsBase64Decode,
  fileInfoNeedsServer,
  isAppenderSizeField,
  isServerIdText,
  isTrunkSizeField,
  parseFileId,
  parseLogicName,
  sizeFromSizeField,
  slaveFileName,
  type StorageIdEntry,
} from '#src/protocol/file-id/index.js';
import { readFixedString } from '#src/protocol/buffer.js';
import {
  frameBody,
  loadPackets,
  readVectorJson,
  vectorPath,
  type PacketVector,
} from './support/vectors.js';
import { CoverageRecorder, coverageTest } from './support/coverage.js';

interface FileInfoParsed {
  getFromServer: boolean;
  fileType: string;
  sourceStorageId: number;
  sourceIpAddr: string;
  createTimestamp: number;
  fileSize: number;
  crc32Signed?: number;
}

interface FileIdEntry extends FileInfoParsed {
  fileId: string;
  kind: string;
  config: { label: 'a' | 'b' | 'c' };
  ext: string;
  localFileExt: string;
  storePathIndex: number;
  subdirs: string;
  fileInfoVariants?: Record<string, { parsed: FileInfoParsed }>;
  decoded: {
    b27: string;
    rawHex: string;
    sourceField: string;
    timestamp: number;
    sizeFieldHex: string;
    isAppender: boolean;
    isTrunk: boolean;
    bit63: boolean;
    sizeFromName: number | null;
    crc32FromName: number;
    crc32FromNameHex: string;
    ext7: string;
    slaveSuffix: string | null;
  };
}

interface ToolRun {
  case: string;
  unixTimeStart: number;
}

/** Minimal storage_ids.conf reader: `<id> <group> <host>[,<host2>][:port] [options]`. */
function readStorageIds(path: string): StorageIdEntry[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [id, groupName, hostPort] = line.split(/\s+/) as [string, string, string];
      const colon = hostPort.lastIndexOf(':');
      const hosts = colon < 0 ? hostPort : hostPort.slice(0, colon);
      return {
        id,
        groupName,
        ips: hosts.split(','),
        port: colon < 0 ? 23000 : Number(hostPort.slice(colon + 1)),
      };
    });
}

const STORAGE_IDS = readStorageIds(vectorPath('tools', 'conf', 'B-storage_ids.conf'));
const ENTRIES = readVectorJson<FileIdEntry[]>('file-ids.json');
const TOOL_RUNS = new Map(
  readVectorJson<ToolRun[]>('tools/INDEX.json').map((r) => [r.case, r.unixTimeStart]),
);

test('storage_ids.conf of cluster B reads as expected', () => {
  assert.equal(STORAGE_IDS.length, 5);
  assert.deepEqual(STORAGE_IDS[0], {
    id: '100001',
    groupName: 'group1',
    ips: ['127.0.0.22'],
    port: 23300,
  });
  assert.deepEqual(STORAGE_IDS[3]!.ips, ['10.0.0.26', '192.168.0.26']);
});

test('file-ids.json holds the 61 entries the README describes', () => {
  assert.equal(ENTRIES.length, 61);
  const count = (label: string) => ENTRIES.filter((e) => e.config.label === label).length;
  assert.deepEqual([count('a'), count('b'), count('c')], [29, 25, 7]);
});

for (const [i, e] of ENTRIES.entries()) {
  test(`file-ids[${i}] ${e.kind} ${e.fileId}`, () => {
    const { logicName } = parseFileId(e.fileId);
    const parsed = parseLogicName(logicName);
    const name = parsed.name;
    const want = e.decoded;

    // The name block, field by field, and re-encoded to the same bytes.
    const b27 = name.slice(0, 27);
    assert.equal(b27, want.b27);
    assert.equal(fdfsBase64Decode(b27).toString('hex'), want.rawHex);
    const block = decodeNameBlock(b27);
    assert.equal(encodeNameBlockBytes(block).toString('hex'), want.rawHex);
    const sourceType = isServerIdText(block.sourceIdOrIp) ? 'id' : 'ip';
    assert.equal(`${sourceType}:${block.sourceIdOrIp}`, want.sourceField);
    assert.equal(block.timestamp, want.timestamp);
    assert.equal(block.sizeField.toString(16).padStart(16, '0'), want.sizeFieldHex);
    assert.equal(isAppenderSizeField(block.sizeField), want.isAppender);
    assert.equal(isTrunkSizeField(block.sizeField), want.isTrunk);
    assert.equal(block.sizeField >> 63n === 1n, want.bit63);
    const sizeFromName = want.isAppender ? null : Number(sizeFromSizeField(block.sizeField));
    assert.equal(sizeFromName, want.sizeFromName);
    assert.equal(block.crc32 | 0, want.crc32FromName);
    assert.equal(block.crc32.toString(16).padStart(8, '0'), want.crc32FromNameHex);
    assert.equal(name.slice(27, 34), want.ext7);
    assert.equal(name.length > 34 ? name.slice(34) : null, want.slaveSuffix);

    // The Mpp/XX/YY prefix and the extension.
    assert.equal(parsed.storePathIndex, e.storePathIndex);
    assert.equal(
      [parsed.subdir1, parsed.subdir2].map((s) => s.toString(16).padStart(2, '0')).join('/'),
      e.subdirs.toLowerCase(),
    );
    assert.equal(extFromName(name), e.kind === 'slave' ? e.localFileExt : e.ext);

    // What fdfs_file_info printed. Configs b and c ran with the storage ids of cluster B.
    const storageIds = e.config.label === 'a' ? undefined : STORAGE_IDS;
    const d = decodeFileId(e.fileId, { storageIds });
    assert.equal(d.kind, e.fileType);
    assert.equal(d.sourceId, String(e.sourceStorageId));
    assert.equal(d.sourceIpAddr, e.sourceIpAddr);
    assert.equal(d.createTimestamp, e.createTimestamp);
    assert.equal(fileInfoNeedsServer(d), e.getFromServer);
    if (e.fileType === 'normal') {
      assert.equal(d.fileSize, BigInt(e.fileSize));
      assert.equal(d.crc32 | 0, e.crc32Signed);
    } else {
      // Appender and slave: size and CRC come from the server (checked with QUERY_FILE_INFO).
      assert.equal(d.fileSize, null);
    }

    // Runs with a client.conf without storage ids: id-based names then need the server.
    const noIds = e.fileInfoVariants?.['noStorageIds']?.parsed;
    if (noIds) {
      const bare = decodeFileId(e.fileId);
      assert.equal(fileInfoNeedsServer(bare), noIds.getFromServer);
      assert.equal(bare.sourceId, String(noIds.sourceStorageId));
      assert.equal(bare.sourceIpAddr, sourceType === 'id' ? '' : noIds.sourceIpAddr);
      assert.equal(bare.kind, noIds.fileType);
      // When the server was asked it printed the file's mtime, which for a regenerated name is
      // 1 s later than the name's timestamp (file-ids[44], §16 #10).
      if (!noIds.getFromServer) assert.equal(bare.createTimestamp, noIds.createTimestamp);
    }
    const noCrc = e.fileInfoVariants?.['-n']?.parsed;
    if (noCrc) {
      assert.equal(d.kind, noCrc.fileType);
      assert.equal(d.createTimestamp, noCrc.createTimestamp);
      assert.equal(d.sourceIpAddr, noCrc.sourceIpAddr);
    }
  });
}

// ---- New names in recorded storage replies --------------------------------------------------

/** The README's recording window: 2026-11-21 12:06 to 12:37 UTC. */
const RECORDING_START = Date.UTC(2026, 10, 21, 12, 6) / 1000;
const RECORDING_END = Date.UTC(2026, 10, 21, 12, 37) / 1000;
/** The last upload of configuration c; B-extra ran after B-iptype. */
const CONFIG_C_LAST = Math.max(
  ...ENTRIES.filter((e) => e.config.label === 'c').map((e) => e.createTimestamp),
);

interface Exchange {
  cmd: number;
  request: Buffer;
  reply: Buffer;
}

function exchanges(p: PacketVector): Exchange[] {
  const out: Exchange[] = [];
  for (let i = 0; i + 1 < p.frames.length; i++) {
    const req = p.frames[i]!;
    const res = p.frames[i + 1]!;
    if (req.from === 'server' || res.from !== 'server') continue;
    if (res.status === 0 && res.pkgLen > 16) {
      out.push({ cmd: req.cmd, request: frameBody(req), reply: frameBody(res) });
    }
    i++;
  }
  return out;
}

const i64 = (b: Buffer, at: number) => Number(b.readBigInt64BE(at));

/** Contents written to an appender by UPLOAD_APPENDER (23) and APPEND (24), in capture order. */
function appenderContent(logicName: string): Buffer {
  const parts: Buffer[] = [];
  for (const p of loadPackets()) {
    for (const x of exchanges(p).filter((x) => x.cmd === 23)) {
      if (readFixedString(x.reply, 16, x.reply.length - 16) === logicName) {
        parts.push(x.request.subarray(15));
      }
    }
    if (/^storage-24-/.test(p.file) && p.frames[1]?.status === 0) {
      const body = frameBody(p.frames[0]!);
      const nameLen = i64(body, 0);
      if (body.toString('utf8', 16, 16 + nameLen) === logicName) {
        parts.push(body.subarray(16 + nameLen));
      }
    }
  }
  return Buffer.concat(parts);
}

const REPLY_FILES = /^storage-(11|20|21|23|38)-/;
let namesChecked = 0;
const coverage = new CoverageRecorder();

for (const p of loadPackets().filter((v) => REPLY_FILES.test(v.file))) {
  test(`reply names of ${p.file}`, () => {
    for (const x of exchanges(p).filter((x) => [11, 20, 21, 23, 38].includes(x.cmd))) {
      const groupName = readFixedString(x.reply, 0, 16);
      const logicName = x.reply.toString('utf8', 16);
      const fileId = `${groupName}/${logicName}`;
      const d = decodeFileId(fileId, { storageIds: STORAGE_IDS });
      const name = parseLogicName(logicName).name;
      const serverIp = String(p.context['serverAddr']).split(':')[0]!;
      const byIp = p.context.cluster === 'A' || ['B-iptype', 'B-extra'].includes(p.context.capture);
      const ownSource = byIp
        ? { sourceId: '0', sourceIpAddr: serverIp }
        : { sourceId: STORAGE_IDS.find((s) => s.ips[0] === serverIp)!.id, sourceIpAddr: serverIp };

      let master: string | undefined;
      let expectedKind: string;
      if (x.cmd === 21) {
        const masterLen = i64(x.request, 0);
        master = x.request.toString('utf8', 38, 38 + masterLen);
        const prefix = readFixedString(x.request, 16, 16);
        const ext = readFixedString(x.request, 32, 6);
        assert.equal(
          `${master.slice(0, 4)}${slaveFileName(master.slice(4), prefix, ext)}`,
          logicName,
        );
        coverage.record('slaveFileName', p.file);
        expectedKind = 'slave';
      } else if (x.cmd === 20) {
        const masterLen = i64(x.request, 0);
        const srcLen = i64(x.request, 8);
        const prefix = readFixedString(x.request, 40, 16);
        const ext = readFixedString(x.request, 56, 6);
        if (masterLen > 0) {
          master = x.request.toString('utf8', 62, 62 + masterLen);
          assert.equal(
            `${master.slice(0, 4)}${slaveFileName(master.slice(4), prefix, ext)}`,
            logicName,
          );
          coverage.record('slaveFileName', p.file);
          expectedKind = 'slave';
        } else {
          // §16 #17: a fresh link name carries the source's size and a random CRC.
          const src = x.request.toString('utf8', 62 + masterLen, 62 + masterLen + srcLen);
          assert.equal(d.fileSize, decodeFileId(`${groupName}/${src}`).fileSize);
          assert.equal(extFromName(name), ext);
          expectedKind = 'normal';
        }
      } else if (x.cmd === 38) {
        const appender = x.request.toString('utf8');
        const content = appenderContent(appender);
        assert.equal(d.fileSize, BigInt(content.length));
        assert.equal(d.crc32, zlibCrc32(content));
        assert.equal(name.slice(27), appender.slice(10 + 27), 'the EXT7 is kept');
        assert.equal(logicName.slice(0, 10), appender.slice(0, 10), 'same path and subdirs');
        expectedKind = 'normal';
      } else {
        const storePathIndex = x.request.readInt8(0);
        const size = i64(x.request, 1);
        const ext = readFixedString(x.request, 9, 6);
        if (storePathIndex >= 0) assert.equal(d.storePathIndex, storePathIndex);
        assert.equal(extFromName(name), ext);
        if (x.cmd === 11) {
          assert.equal(d.fileSize, BigInt(size));
          assert.equal(d.crc32, zlibCrc32(x.request.subarray(15)));
          expectedKind = 'normal';
        } else {
          assert.equal(decodeNameBlock(name.slice(0, 27)).sizeField & 0xffffffffn, 0n);
          expectedKind = 'appender';
        }
      }
      assert.equal(d.kind, expectedKind, fileId);

      // Source and timestamp: a slave carries its master's; anything else this server's and now.
      if (master) {
        const m = decodeFileId(`${groupName}/${master}`, { storageIds: STORAGE_IDS });
        assert.deepEqual([d.sourceId, d.sourceIpAddr], [m.sourceId, m.sourceIpAddr]);
        assert.equal(d.createTimestamp, m.createTimestamp);
      } else {
        assert.deepEqual(
          [d.sourceId, d.sourceIpAddr],
          [ownSource.sourceId, ownSource.sourceIpAddr],
        );
        const known = ENTRIES.find((e) => e.fileId === fileId);
        const started = TOOL_RUNS.get(String(p.context.runCase));
        if (known) {
          assert.equal(d.createTimestamp, known.createTimestamp);
        } else if (started !== undefined) {
          // Up to 2 s early: a regenerated name can predate the tool run by 1 s (§16 #10).
          assert.ok(d.createTimestamp >= started - 2 && d.createTimestamp <= started + 30, fileId);
        } else {
          const from = p.context.capture === 'B-extra' ? CONFIG_C_LAST : RECORDING_START;
          assert.ok(d.createTimestamp >= from && d.createTimestamp < RECORDING_END, fileId);
        }
      }
      coverage.record('decodeFileId', p.file);
      namesChecked++;
    }
  });
}

test('reply names were found and checked', () => {
  // 7 uploads, 2 slave uploads, 2 appender uploads, 2 links, 1 regenerate.
  assert.equal(namesChecked, 14);
});

coverageTest('file-ids', coverage);
