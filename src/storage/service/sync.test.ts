// The receiving side of §6.2 over a real socket: idempotent apply, lower-case binlog letters,
// an empty answer to 40, a create with status 17, QUERY_FILE_INFO on a sync connection, and the
// per-source watermark of the sync report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, lstat, readlink } from 'node:fs/promises';
import { StorageCommand as S } from '../../protocol/commands.js';
import { Errno } from '../../protocol/errno.js';
import { encodeHeader } from '../../protocol/header.js';
import { encodeQueryFileInfoRequest } from '../../protocol/messages/file-ops.js';
import {
  encodeReportServerId,
  encodeSyncCreatePrefix,
  encodeSyncDeleteRequest,
  encodeSyncPairRequest,
  encodeSyncRangePrefix,
  encodeSyncTruncateRequest,
} from '../../protocol/messages/sync.js';
import { GROUP, rawFrame, withService } from './harness.test.helper.js';

const F = 'M00/00/00/fwAADWsBiq2ASPZaAAAAIOe9Ofk966.log';
const G = 'M00/00/01/fwAADWsBiqiEM8xnAAAAAHBp7QQ966.log';
const L = 'M00/00/02/fwAADWsBiqiEM8xnAAAAAHBp7QQ999.log';
const TS = 1_795_000_000;

function createFrame(cmd: 16 | 18, filename: string, content: Buffer, ts = TS): Buffer {
  const e = encodeSyncCreatePrefix(cmd, {
    timestamp: ts,
    groupName: GROUP,
    filename,
    fileSize: content.length,
  });
  return Buffer.concat([encodeHeader(e.pkgLen, cmd, 0), e.prefix, content]);
}

test('sync receiver: every record applied once, logged lower-case, resends harmless', async () => {
  await withService(async ({ raw, store, runtime, binlog }) => {
    const c = await raw();
    const send = async (frame: Buffer): Promise<number> => {
      c.send(frame);
      return (await c.reply()).status;
    };
    assert.equal(await send(rawFrame(S.REPORT_SERVER_ID, encodeReportServerId('127.0.0.13'))), 0);
    const body = Buffer.from('hello world');
    assert.equal(await send(createFrame(16, F, body)), 0);
    // Same file again: content read and dropped, EEXIST, the connection still usable; the line is
    // logged again (a kill between rename and log must not leave it unlogged; replica.ts).
    assert.equal(await send(createFrame(16, F, body)), Errno.EEXIST);
    const path = store.layout.resolve(F).dataPath;
    assert.deepEqual(await readFile(path), body);
    assert.equal(Math.floor((await lstat(path)).mtimeMs / 1000), TS);

    // QUERY_FILE_INFO on the sync connection, then a create with status 17 and no content.
    c.send(
      rawFrame(S.QUERY_FILE_INFO, encodeQueryFileInfoRequest({ groupName: GROUP, filename: F })),
    );
    assert.equal((await c.reply()).status, 0);
    const np = encodeSyncCreatePrefix(
      16,
      { timestamp: TS, groupName: GROUP, filename: F, fileSize: body.length },
      false,
    );
    assert.equal(
      await send(Buffer.concat([encodeHeader(np.pkgLen, 16, 17), np.prefix])),
      Errno.EEXIST,
    );

    // Append at the right offset applies; the same append again is EEXIST; past the end ENOENT.
    const more = Buffer.from('!!');
    const app = (offset: number): Buffer => {
      const e = encodeSyncRangePrefix(25, {
        timestamp: TS + 1,
        groupName: GROUP,
        filename: F,
        offset,
        length: more.length,
      });
      return Buffer.concat([encodeHeader(e.pkgLen, 25, 0), e.prefix, more]);
    };
    assert.equal(await send(app(11)), 0);
    assert.equal(await send(app(11)), Errno.EEXIST);
    assert.equal(await send(app(50)), Errno.ENOENT);
    const mod = encodeSyncRangePrefix(35, {
      timestamp: TS + 2,
      groupName: GROUP,
      filename: F,
      offset: 0,
      length: 5,
    });
    assert.equal(
      await send(
        Buffer.concat([encodeHeader(mod.pkgLen, 35, 0), mod.prefix, Buffer.from('HELLO')]),
      ),
      0,
    );
    assert.equal((await readFile(path)).toString(), 'HELLO world!!');
    const trunc = encodeSyncTruncateRequest({
      timestamp: TS + 3,
      groupName: GROUP,
      filename: F,
      oldSize: 13,
      newSize: 5,
    });
    assert.equal(await send(rawFrame(S.SYNC_TRUNCATE_FILE, trunc)), 0);
    assert.equal(await send(rawFrame(S.SYNC_TRUNCATE_FILE, trunc)), Errno.EEXIST);
    assert.equal((await readFile(path)).toString(), 'HELLO');

    // Metadata travels as SYNC_UPDATE of the -m file.
    assert.equal(await send(createFrame(18, `${F}-m`, Buffer.from('k\x02v'))), 0);
    assert.equal((await store.getMetadata(F)).toString(), 'k\x02v');

    // Rename answers an empty body (§16 #1); again → EEXIST.
    const ren = encodeSyncPairRequest(40, {
      timestamp: TS + 4,
      groupName: GROUP,
      filename: G,
      srcFilename: F,
    });
    c.send(rawFrame(S.SYNC_RENAME_FILE, ren));
    const rr = await c.reply();
    assert.deepEqual([rr.status, rr.body.length], [0, 0]);
    assert.equal(await send(rawFrame(S.SYNC_RENAME_FILE, ren)), Errno.EEXIST);
    const link = encodeSyncPairRequest(19, {
      timestamp: TS + 5,
      groupName: GROUP,
      filename: L,
      srcFilename: G,
    });
    assert.equal(await send(rawFrame(S.SYNC_CREATE_LINK, link)), 0);
    assert.equal(
      await readlink(store.layout.resolve(L).dataPath),
      store.layout.resolve(G).dataPath,
    );
    assert.equal(await send(rawFrame(S.SYNC_CREATE_LINK, link)), Errno.EEXIST);
    const del = encodeSyncDeleteRequest({ timestamp: TS + 6, groupName: GROUP, filename: L });
    assert.equal(await send(rawFrame(S.SYNC_DELETE_FILE, del)), 0);
    assert.equal(await send(rawFrame(S.SYNC_DELETE_FILE, del)), Errno.ENOENT);

    const ops = (await binlog()).map((r) => `${r.op} ${r.filename}`);
    assert.deepEqual(ops, [
      `c ${F}`,
      `c ${F}`,
      `c ${F}`,
      `a ${F}`,
      `m ${F}`,
      `t ${F}`,
      `u ${F}-m`,
      `r ${G}`,
      `l ${L}`,
      `d ${L}`,
    ]);
    assert.ok((await binlog()).every((r) => r.timestamp >= TS));
    // The watermark is one below the newest second applied (sync/watermark.ts).
    assert.equal(runtime.syncedFrom.get('127.0.0.13'), TS + 5);
  });
});

test('sync receiver: another group is refused, and a record without REPORT_SERVER_ID sets no watermark', async () => {
  await withService(async ({ raw, runtime }) => {
    const c = await raw();
    const del = encodeSyncDeleteRequest({ timestamp: TS, groupName: 'other', filename: F });
    c.send(rawFrame(S.SYNC_DELETE_FILE, del));
    assert.equal((await c.reply()).status, Errno.EINVAL);
    c.send(createFrame(16, F, Buffer.from('x')));
    assert.equal((await c.reply()).status, 0);
    assert.equal(runtime.syncedFrom.size, 0);
  });
});
