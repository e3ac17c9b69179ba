// The §6.2 sync requests recorded from the real 6.16.1 decode, and re-encode to the same bytes
// once the stray bytes after the group's NUL are cleared (§16 #5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StorageCommand } from '../src/protocol/commands.js';
import {
  decodeReportServerId,
  decodeSyncCreatePrefix,
  decodeSyncDeleteRequest,
  decodeSyncPairRequest,
  decodeSyncRangePrefix,
  decodeSyncTruncateRequest,
  encodeReportServerId,
  encodeSyncCreatePrefix,
  encodeSyncDeleteRequest,
  encodeSyncPairRequest,
  encodeSyncRangePrefix,
  encodeSyncTruncateRequest,
  isAcceptedRenameReply,
  SYNC_CREATE_NO_CONTENT_STATUS,
} from '../src/protocol/messages/sync.js';
import { frameBody, loadPackets, type PacketFrame } from './support/vectors.js';

const GROUP_OFFSET: Record<number, number> = {
  16: 20,
  18: 20,
  25: 28,
  35: 28,
  37: 28,
  17: 4,
  19: 20,
  40: 20,
};

/** The body with the group field cut at its first NUL and padded with NULs. */
function cleanGroup(cmd: number, body: Buffer): Buffer {
  const copy = Buffer.from(body);
  const at = GROUP_OFFSET[cmd]!;
  const nul = copy.subarray(at, at + 16).indexOf(0);
  if (nul >= 0) copy.fill(0, at + nul, at + 16);
  return copy;
}

/** Decode and re-encode one request; returns the re-encoded whole body. */
function roundTrip(f: PacketFrame): Buffer {
  const body = frameBody(f);
  switch (f.cmd) {
    case StorageCommand.REPORT_SERVER_ID:
      return encodeReportServerId(decodeReportServerId(body));
    case StorageCommand.SYNC_CREATE_FILE:
    case StorageCommand.SYNC_UPDATE_FILE: {
      const withContent = f.status !== SYNC_CREATE_NO_CONTENT_STATUS;
      const d = decodeSyncCreatePrefix(f.cmd, body, f.pkgLen, withContent);
      const { prefixLength, ...fields } = d;
      const e = encodeSyncCreatePrefix(f.cmd, fields, withContent);
      assert.equal(e.pkgLen, f.pkgLen);
      return Buffer.concat([e.prefix, body.subarray(prefixLength)]);
    }
    case StorageCommand.SYNC_APPEND_FILE:
    case StorageCommand.SYNC_MODIFY_FILE: {
      const { prefixLength, ...fields } = decodeSyncRangePrefix(f.cmd, body, f.pkgLen);
      const e = encodeSyncRangePrefix(f.cmd, fields);
      assert.equal(e.pkgLen, f.pkgLen);
      return Buffer.concat([e.prefix, body.subarray(prefixLength)]);
    }
    case StorageCommand.SYNC_TRUNCATE_FILE:
      return encodeSyncTruncateRequest(decodeSyncTruncateRequest(body));
    case StorageCommand.SYNC_DELETE_FILE:
      return encodeSyncDeleteRequest(decodeSyncDeleteRequest(body));
    case StorageCommand.SYNC_CREATE_LINK:
    case StorageCommand.SYNC_RENAME_FILE:
      return encodeSyncPairRequest(f.cmd, decodeSyncPairRequest(f.cmd, body));
    default:
      throw new Error(`unexpected cmd ${f.cmd}`);
  }
}

const SYNC_CMDS = new Set([9, 16, 17, 18, 19, 25, 35, 37, 40]);
const vectors = loadPackets().filter((v) => /^storage-(9|16|17|18|19|25|35|37|40)-/.test(v.file));

test('every recorded §6.2 sync request decodes and re-encodes byte for byte', () => {
  let requests = 0;
  for (const v of vectors) {
    for (const f of v.frames) {
      if (f.cmd === 100 || !SYNC_CMDS.has(f.cmd)) continue;
      const expected = f.cmd === 9 ? frameBody(f) : cleanGroup(f.cmd, frameBody(f));
      assert.deepEqual(roundTrip(f).toString('hex'), expected.toString('hex'), v.file);
      requests++;
    }
  }
  assert.ok(vectors.length >= 20, `found ${vectors.length} vectors`);
  assert.ok(requests >= 25, `checked ${requests} requests`);
});

test('stray bytes after the group NUL are ignored (§16 #5)', () => {
  const v = vectors.find((x) => x.file === 'storage-37-sync-truncate-file.json')!;
  const body = frameBody(v.frames[0]!);
  const d = decodeSyncTruncateRequest(body);
  assert.equal(d.groupName, 'group1');
  assert.match(d.filename, /^M0\d\/[0-9A-F]{2}\/[0-9A-F]{2}\//);
});

test('create with header status 17 carries no content (§16 #18)', () => {
  const v = vectors.find((x) => x.file === 'storage-16-sync-create-file-no-content.json')!;
  const f = v.frames.find((x) => x.cmd === 16)!;
  assert.equal(f.status, 17);
  const d = decodeSyncCreatePrefix(16, frameBody(f), f.pkgLen, false);
  assert.equal(d.prefixLength, f.pkgLen);
  assert.ok(d.fileSize > 0);
  assert.throws(() => decodeSyncCreatePrefix(16, frameBody(f), f.pkgLen, true));
});

test('rename reply: empty and the C echo are accepted, anything else is not (§16 #1)', () => {
  const v = vectors.find((x) => x.file === 'storage-40-sync-rename-file-echo.json')!;
  const req = frameBody(v.frames[0]!);
  const reply = frameBody(v.frames[1]!);
  assert.ok(isAcceptedRenameReply(req, reply));
  assert.ok(isAcceptedRenameReply(req, Buffer.alloc(0)));
  assert.ok(!isAcceptedRenameReply(req, Buffer.from('junk')));
  const d = decodeSyncPairRequest(40, req);
  assert.notEqual(d.filename, d.srcFilename);
});

test('refused bodies', () => {
  assert.throws(() => decodeReportServerId(Buffer.alloc(16)), /empty storage id/);
  assert.throws(() => decodeReportServerId(Buffer.alloc(15, 65)));
  assert.throws(() => decodeSyncDeleteRequest(Buffer.alloc(20)));
  const e = encodeSyncCreatePrefix(16, {
    timestamp: 1,
    groupName: 'g',
    filename: 'M00/00/00/x',
    fileSize: 5,
  });
  assert.throws(() => decodeSyncCreatePrefix(16, e.prefix, e.pkgLen + 1));
  assert.throws(() => encodeSyncDeleteRequest({ timestamp: -1, groupName: 'g', filename: 'a' }));
  assert.throws(() => encodeReportServerId(''));
});
