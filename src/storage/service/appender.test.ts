// APPEND_FILE (24), MODIFY_FILE (34), TRUNCATE_FILE (36) and REGENERATE_APPENDER_FILENAME (38)
// through the command table: the content after each, and the EINVAL / ENOENT answers, after
// which the connection still serves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { isFdfsError } from '../../common/errors.js';
import { StorageCommand as S } from '../../protocol/commands.js';
import { Errno } from '../../protocol/errno.js';
import { decodeFileId } from '../../protocol/file-id/file-id.js';
import {
  encodeAppendPrefix,
  encodeModifyPrefix,
  encodeTruncateRequest,
} from '../../protocol/messages/file-ops.js';
import { GROUP, rawFrame, withService, type RawClient } from './harness.test.helper.js';

const rejectsWith = (errno: number) => (err: unknown) => isFdfsError(err) && err.errno === errno;

async function answer(conn: RawClient, frame: Buffer): Promise<number> {
  conn.send(frame);
  return (await conn.reply()).status;
}

test('append, modify and truncate change an appender file; regenerate makes it normal', async () => {
  await withService(async ({ client, address }) => {
    const id = await client.upload(address, { content: Buffer.from('0123456789'), appender: true });
    await client.append(address, id, { content: Buffer.from('abcdef') });
    assert.equal((await client.downloadToBuffer(address, id)).toString(), '0123456789abcdef');
    // An empty append does nothing (§6.1 cmd 24).
    await client.append(address, id, { content: Buffer.alloc(0) });
    await client.modify(address, id, { offset: 4, content: Buffer.from('XY') });
    assert.equal((await client.downloadToBuffer(address, id)).toString(), '0123XY6789abcdef');
    // A modify at the very end extends the file.
    await client.modify(address, id, { offset: 16, content: Buffer.from('!!') });
    assert.equal((await client.downloadToBuffer(address, id)).toString(), '0123XY6789abcdef!!');
    await client.truncate(address, id, 6);
    assert.equal((await client.downloadToBuffer(address, id)).toString(), '0123XY');
    await client.truncate(address, id, 8);
    assert.deepEqual(
      await client.downloadToBuffer(address, id),
      Buffer.concat([Buffer.from('0123XY'), Buffer.alloc(2)]),
    );
    const info = await client.queryFileInfo(address, id);
    assert.equal(info.fileSize, 8n);
    const normal = await client.regenerateAppenderName(address, id);
    const decoded = decodeFileId(normal);
    assert.equal(decoded.kind, 'normal');
    assert.equal(decoded.fileSize, 8n);
    assert.equal(decoded.crc32, crc32(Buffer.concat([Buffer.from('0123XY'), Buffer.alloc(2)])));
    assert.equal(normal.slice(0, GROUP.length + 10), id.slice(0, GROUP.length + 10));
    await assert.rejects(client.downloadToBuffer(address, id), rejectsWith(Errno.ENOENT));
    assert.equal((await client.downloadToBuffer(address, normal)).length, 8);
  });
});

test('appender commands refuse normal files (EINVAL) and missing ones (ENOENT); the connection stays', async () => {
  await withService(async ({ client, address, raw }) => {
    const normal = (await client.upload(address, { content: Buffer.from('plain') })).slice(
      GROUP.length + 1,
    );
    const appender = (
      await client.upload(address, { content: Buffer.from('12345'), appender: true })
    ).slice(GROUP.length + 1);
    const missing = appender.replace(/[A-Za-z0-9_-]{4}(\.|$)/, 'AAAA$1');
    const conn = await raw();
    const append = (name: string, content: Buffer) => {
      const { prefix, pkgLen } = encodeAppendPrefix({ filename: name, fileSize: content.length });
      return Buffer.concat([rawFrame(S.APPEND_FILE, prefix, pkgLen), content]);
    };
    const modify = (name: string, offset: number, content: Buffer) => {
      const { prefix, pkgLen } = encodeModifyPrefix({
        filename: name,
        offset,
        fileSize: content.length,
      });
      return Buffer.concat([rawFrame(S.MODIFY_FILE, prefix, pkgLen), content]);
    };
    const truncate = (name: string, size: number) =>
      rawFrame(S.TRUNCATE_FILE, encodeTruncateRequest({ filename: name, truncatedSize: size }));
    const regenerate = (name: string) =>
      rawFrame(S.REGENERATE_APPENDER_FILENAME, Buffer.from(name));

    assert.equal(await answer(conn, append(normal, Buffer.from('x'))), Errno.EINVAL);
    assert.equal(await answer(conn, modify(normal, 0, Buffer.from('x'))), Errno.EINVAL);
    assert.equal(await answer(conn, truncate(normal, 0)), Errno.EINVAL);
    assert.equal(await answer(conn, regenerate(normal)), Errno.EINVAL);
    assert.equal(await answer(conn, append(missing, Buffer.from('x'))), Errno.ENOENT);
    assert.equal(await answer(conn, truncate(missing, 1)), Errno.ENOENT);
    // An offset past the end (5 bytes) is EINVAL; the content is drained.
    assert.equal(await answer(conn, modify(appender, 6, Buffer.from('zz'))), Errno.EINVAL);
    // A name shorter than 44 bytes fails on the fixed fields.
    const short = Buffer.concat([
      rawFrame(S.APPEND_FILE, Buffer.alloc(16), 16 + 20 + 1).subarray(0, 26),
      Buffer.from('M00/00/00/shortname1x'),
    ]);
    short.writeBigInt64BE(20n, 10);
    short.writeBigInt64BE(1n, 18);
    assert.equal(await answer(conn, short), Errno.EINVAL);
    assert.equal(await answer(conn, rawFrame(S.ACTIVE_TEST)), 0);
    assert.equal(
      (await client.downloadToBuffer(address, `${GROUP}/${appender}`)).toString(),
      '12345',
    );
  });
});
