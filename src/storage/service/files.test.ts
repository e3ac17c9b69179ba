// DOWNLOAD_FILE (14) with its ranges at the edges, DELETE_FILE (12), QUERY_FILE_INFO (22) with
// its flags and order of checks, CREATE_LINK (20), wrong groups and path tricks in file names:
// every error answer leaves the connection usable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symlink } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { isFdfsError } from '../../common/errors.js';
import { StorageCommand as S } from '../../protocol/commands.js';
import { Errno } from '../../protocol/errno.js';
import { decodeFileId } from '../../protocol/file-id/file-id.js';
import { encodeCreateLinkRequest } from '../../protocol/messages/create-link.js';
import { decodeFileInfoReply } from '../../protocol/messages/file-info.js';
import { encodeDownloadRequest, encodeGroupFileRequest } from '../../protocol/messages/file-ops.js';
import { encodeSetMetadataRequest } from '../../protocol/messages/set-metadata.js';
import { ruleContent } from '../store/store.test.helper.js';
import { GROUP, rawFrame, withService, type RawClient } from './harness.test.helper.js';

const rejectsWith = (errno: number) => (err: unknown) => isFdfsError(err) && err.errno === errno;

function download(filename: string, offset: number, length: number, groupName = GROUP): Buffer {
  return rawFrame(S.DOWNLOAD_FILE, encodeDownloadRequest({ groupName, filename, offset, length }));
}

async function ask(conn: RawClient, frame: Buffer) {
  conn.send(frame.subarray(0, 10), frame.subarray(10));
  return conn.reply();
}

test('download ranges: whole, offset + length, length 0 = to the end, a length past the end is cut', async () => {
  await withService(async ({ client, address, raw }) => {
    const content = Buffer.from('Hello FastDFS golden vector!\n');
    const id = await client.upload(address, { content, ext: 'txt' });
    const name = id.slice(GROUP.length + 1);
    const conn = await raw();
    const cases: [number, number, string][] = [
      [0, 0, content.toString()],
      [6, 7, 'FastDFS'],
      [6, 0, content.subarray(6).toString()],
      [20, 100, content.subarray(20).toString()],
      [28, 1, '\n'],
      [0, 29, content.toString()],
    ];
    for (const [offset, length, expected] of cases) {
      const r = await ask(conn, download(name, offset, length));
      assert.equal(r.status, 0, `offset ${offset} length ${length}`);
      assert.equal(r.body.toString(), expected, `offset ${offset} length ${length}`);
    }
    // An offset at or past the end of a non-empty file is EINVAL; the connection stays.
    assert.equal((await ask(conn, download(name, 29, 0))).status, Errno.EINVAL);
    assert.equal((await ask(conn, download(name, 1000, 1))).status, Errno.EINVAL);
    assert.equal((await ask(conn, download(name, 0, 1))).body.toString(), 'H');
  });
});

test('an empty file downloads at offset 0 as status 0 with no bytes (§16 #3); offset 1 is EINVAL', async () => {
  await withService(async ({ client, address, raw }) => {
    const id = await client.upload(address, { content: Buffer.alloc(0) });
    const name = id.slice(GROUP.length + 1);
    const conn = await raw();
    const r = await ask(conn, download(name, 0, 0));
    assert.deepEqual([r.status, r.body.length], [0, 0]);
    const r2 = await ask(conn, download(name, 0, 10));
    assert.deepEqual([r2.status, r2.body.length], [0, 0]);
    assert.equal((await ask(conn, download(name, 1, 0))).status, Errno.EINVAL);
    assert.equal((await ask(conn, rawFrame(S.ACTIVE_TEST))).status, 0);
  });
});

test('a large download streams whole; a client that leaves mid-download is counted as failed', async () => {
  await withService(async ({ client, address, raw, store }) => {
    const content = ruleContent(12 * 1024 * 1024 + 17, 5);
    const id = await client.upload(address, { content, ext: 'bin' });
    assert.deepEqual(await client.downloadToBuffer(address, id), content);
    const before = store.stats.counters.totalDownloadCount;
    const conn = await raw();
    conn.send(download(id.slice(GROUP.length + 1), 0, 0));
    const deadline = Date.now() + 5000;
    while (conn.pending < 100_000 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    conn.pause();
    await new Promise((r) => setTimeout(r, 50));
    conn.destroy();
    while (store.stats.counters.totalDownloadCount === before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const c = store.stats.counters;
    assert.equal(c.totalDownloadCount, before + 1);
    assert.equal(c.successDownloadCount, before, 'the broken download is not a success');
  });
});

test('a wrong group is EINVAL for every command that carries one; the connection stays', async () => {
  await withService(async ({ client, address, raw }) => {
    const id = await client.upload(address, { content: Buffer.from('data'), ext: 'txt' });
    const name = id.slice(GROUP.length + 1);
    const conn = await raw();
    const other = 'group9';
    const frames = [
      download(name, 0, 0, other),
      rawFrame(
        S.DELETE_FILE,
        encodeGroupFileRequest(S.DELETE_FILE, { groupName: other, filename: name }),
      ),
      rawFrame(
        S.GET_METADATA,
        encodeGroupFileRequest(S.GET_METADATA, { groupName: other, filename: name }),
      ),
      rawFrame(
        S.QUERY_FILE_INFO,
        encodeGroupFileRequest(S.QUERY_FILE_INFO, { groupName: other, filename: name }),
      ),
      rawFrame(
        S.SET_METADATA,
        encodeSetMetadataRequest({
          groupName: other,
          filename: name,
          op: 'O',
          metadata: { a: '1' },
        }),
      ),
      rawFrame(
        S.CREATE_LINK,
        encodeCreateLinkRequest({
          groupName: other,
          masterFilename: '',
          srcFilename: name,
          signature: Buffer.from('sig'),
          prefixName: '',
          ext: 'txt',
        }),
      ),
    ];
    for (const frame of frames) {
      assert.equal((await ask(conn, frame)).status, Errno.EINVAL, `cmd ${frame[8]}`);
    }
    assert.deepEqual(await client.downloadToBuffer(address, id), Buffer.from('data'));
  });
});

test('path tricks in file names are EINVAL: "..", absolute, bad hex, a store path that does not exist', async () => {
  await withService(async ({ client, address, raw, config }) => {
    const id = await client.upload(address, { content: Buffer.from('data'), ext: 'txt' });
    const name = id.slice(GROUP.length + 1);
    const base = name.slice(10);
    // A file outside the store paths that a trick would reach.
    await symlink('/etc/hostname', `${config.basePath}/outside`).catch(() => undefined);
    const tricks = [
      `M00/00/../../../base/outside`,
      `M00/../00/${base}`,
      `M00/00/00/../../00/${base}`,
      `/etc/passwd/xxxxxxxxxxxxxxxxxx`,
      `M00//00/00/${base}`,
      `M00/0G/00/${base}`,
      `M00/00/00/../${base}`,
      `M05/00/00/${base}`,
      `MFF/00/00/${base}`,
      `X00/00/00/bad`,
      `M00/00/00`,
      `M00/04/00/${base}`,
    ];
    const conn = await raw();
    for (const trick of tricks) {
      for (const frame of [
        download(trick, 0, 0),
        rawFrame(
          S.DELETE_FILE,
          encodeGroupFileRequest(S.DELETE_FILE, { groupName: GROUP, filename: trick }),
        ),
        rawFrame(
          S.QUERY_FILE_INFO,
          encodeGroupFileRequest(S.QUERY_FILE_INFO, { groupName: GROUP, filename: trick }),
        ),
      ]) {
        assert.equal((await ask(conn, frame)).status, Errno.EINVAL, `${trick} cmd ${frame[8]}`);
      }
    }
    assert.deepEqual(await client.downloadToBuffer(address, id), Buffer.from('data'));
  });
});

test('DELETE_FILE removes the file; a second delete is ENOENT', async () => {
  await withService(async ({ client, address, binlog }) => {
    const id = await client.upload(address, { content: Buffer.from('bye') });
    await client.setMetadata(address, id, { k: 'v' }, 'O');
    await client.deleteFile(address, id);
    await assert.rejects(client.deleteFile(address, id), rejectsWith(Errno.ENOENT));
    await assert.rejects(client.downloadToBuffer(address, id), rejectsWith(Errno.ENOENT));
    const name = id.slice(GROUP.length + 1);
    assert.deepEqual(
      (await binlog()).map((r) => `${r.op} ${r.filename}`),
      [`C ${name}`, `C ${name}-m`, `D ${name}`, `D ${name}-m`],
    );
  });
});

test('QUERY_FILE_INFO: the fields, the sign-extended CRC, the flags and the order of checks', async () => {
  await withService(async ({ client, address, raw, runtime }) => {
    // A content whose CRC32 has its top bit set, so the field goes out sign-extended (§16 #4).
    let content: Buffer = ruleContent(64, 0);
    for (let seed = 1; crc32(content) < 0x80000000; seed++) content = ruleContent(64, seed);
    const id = await client.upload(address, { content, ext: 'txt' });
    const name = id.slice(GROUP.length + 1);
    const conn = await raw();
    const query = (filename: string, flags = 0) => {
      const f = rawFrame(
        S.QUERY_FILE_INFO,
        encodeGroupFileRequest(S.QUERY_FILE_INFO, { groupName: GROUP, filename }),
      );
      f[9] = flags;
      return f;
    };
    const r = await ask(conn, query(name));
    assert.equal(r.status, 0);
    assert.equal(r.body.length, 40);
    assert.equal(r.body.toString('hex', 16, 20), 'ffffffff');
    const info = decodeFileInfoReply(r.body);
    assert.equal(info.fileSize, 64);
    assert.equal(info.crc32, crc32(content));
    assert.equal(info.sourceIp, '127.0.0.12');
    assert.equal(info.createTimestamp, decodeFileId(id).createTimestamp);
    // A missing short name is ENOENT before the 37-character check (§16 #4); silent too.
    assert.equal((await ask(conn, query('M00/00/00/short'))).status, Errno.ENOENT);
    assert.equal((await ask(conn, query('M00/00/00/short', 2))).status, Errno.ENOENT);
    assert.equal((await ask(conn, query(name.replace(/.{7}$/, 'AAA.txt')))).status, Errno.ENOENT);
    // An appender file: CRC computed now, or 0 with flag bit 0.
    const app = await client.upload(address, { content: Buffer.from('abc'), appender: true });
    await client.append(address, app, { content: Buffer.from('def') });
    const appName = app.slice(GROUP.length + 1);
    assert.equal(
      decodeFileInfoReply((await ask(conn, query(appName))).body).crc32,
      crc32(Buffer.from('abcdef')),
    );
    assert.equal(decodeFileInfoReply((await ask(conn, query(appName, 1))).body).crc32, 0);
    // The IP size follows the tracker's response_ip_addr_size.
    runtime.ipSize = 46;
    const wide = await ask(conn, query(name));
    assert.equal(wide.body.length, 70);
    assert.equal(decodeFileInfoReply(wide.body).sourceIp, '127.0.0.12');
    // Body too short, name of 132 bytes: EINVAL.
    assert.equal(
      (await ask(conn, rawFrame(S.QUERY_FILE_INFO, Buffer.from(GROUP.padEnd(16, '\0'))))).status,
      Errno.EINVAL,
    );
  });
});

test('an existing file with a name under 37 characters is EINVAL for QUERY_FILE_INFO', async () => {
  await withService(async ({ raw, config }) => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${config.storePaths[0]!.path}/data/00/00/short`, 'x');
    const conn = await raw();
    const f = rawFrame(
      S.QUERY_FILE_INFO,
      encodeGroupFileRequest(S.QUERY_FILE_INFO, { groupName: GROUP, filename: 'M00/00/00/short' }),
    );
    assert.equal((await ask(conn, f)).status, Errno.EINVAL);
  });
});

test('CREATE_LINK: a generated name with a random CRC and the source size, or a slave name', async () => {
  await withService(async ({ client, address }) => {
    const content = ruleContent(100, 1);
    const source = await client.upload(address, { content, ext: 'txt' });
    const link = await client.createLink(address, {
      sourceFileId: source,
      signature: Buffer.from('12345678'),
      ext: 'txt',
    });
    const decoded = decodeFileId(link);
    assert.equal(decoded.fileSize, 100n);
    assert.equal(link.length, source.length);
    assert.deepEqual(await client.downloadToBuffer(address, link), content);
    const slave = await client.createLink(address, {
      sourceFileId: source,
      signature: Buffer.from('sig'),
      masterFileId: source,
      prefix: '_lnk',
      ext: 'txt',
    });
    assert.equal(slave, source.replace(/\.txt$/, '_lnk.txt'));
    await assert.rejects(
      client.createLink(address, {
        sourceFileId: source,
        signature: Buffer.from('sig'),
        masterFileId: source,
        prefix: '_lnk',
        ext: 'txt',
      }),
      rejectsWith(Errno.EEXIST),
    );
    await assert.rejects(
      client.createLink(address, {
        sourceFileId: source.replace(/.{7}$/, 'AAA.txt'),
        signature: Buffer.from('sig'),
        ext: 'txt',
      }),
      rejectsWith(Errno.ENOENT),
    );
  });
});
