// SET_METADATA (13, 'O' and 'M') and GET_METADATA (15) through the command table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFdfsError } from '../../common/errors.js';
import { StorageCommand as S } from '../../protocol/commands.js';
import { Errno } from '../../protocol/errno.js';
import { encodeGroupFileRequest } from '../../protocol/messages/file-ops.js';
import { encodeSetMetadataRequest } from '../../protocol/messages/set-metadata.js';
import { GROUP, rawFrame, withService } from './harness.test.helper.js';

const rejectsWith = (errno: number) => (err: unknown) => isFdfsError(err) && err.errno === errno;

test("'O' replaces, 'M' merges, an empty 'O' deletes; GET answers the sorted `-m` bytes", async () => {
  await withService(async ({ client, address, raw }) => {
    const id = await client.upload(address, { content: Buffer.from('img'), ext: 'jpg' });
    await assert.rejects(client.getMetadata(address, id), rejectsWith(Errno.ENOENT));
    await client.setMetadata(address, id, { width: '160', height: '80', author: 'me' }, 'O');
    assert.deepEqual(await client.getMetadata(address, id), [
      { name: 'author', value: 'me' },
      { name: 'height', value: '80' },
      { name: 'width', value: '160' },
    ]);
    await client.setMetadata(address, id, { width: '320', color: 'red' }, 'M');
    assert.deepEqual(
      (await client.getMetadata(address, id)).map((e) => `${e.name}=${e.value}`),
      ['author=me', 'color=red', 'height=80', 'width=320'],
    );
    // The raw reply is the file: name 0x02 value, records joined by 0x01.
    const conn = await raw();
    conn.send(
      rawFrame(
        S.GET_METADATA,
        encodeGroupFileRequest(S.GET_METADATA, { groupName: GROUP, filename: id.slice(7) }),
      ),
    );
    const r = await conn.reply();
    assert.equal(
      r.body.toString('latin1'),
      'author\x02me\x01color\x02red\x01height\x0280\x01width\x02320',
    );
    await client.setMetadata(address, id, {}, 'M');
    assert.equal((await client.getMetadata(address, id)).length, 4);
    await client.setMetadata(address, id, {}, 'O');
    await assert.rejects(client.getMetadata(address, id), rejectsWith(Errno.ENOENT));
  });
});

test('metadata of a missing file is ENOENT; a bad flag is EINVAL; the connection stays', async () => {
  await withService(async ({ client, address, raw }) => {
    const id = await client.upload(address, { content: Buffer.from('img') });
    const name = id.slice(GROUP.length + 1);
    const missing = name.replace(/.{6}$/, 'AAAAAA');
    const conn = await raw();
    const set = (filename: string, op: 'O' | 'M') =>
      encodeSetMetadataRequest({ groupName: GROUP, filename, op, metadata: { a: 'b' } });
    conn.send(rawFrame(S.SET_METADATA, set(missing, 'O')));
    assert.equal((await conn.reply()).status, Errno.ENOENT);
    const bad = set(name, 'M');
    bad[16] = 'X'.charCodeAt(0);
    conn.send(rawFrame(S.SET_METADATA, bad));
    assert.equal((await conn.reply()).status, Errno.EINVAL);
    conn.send(
      rawFrame(
        S.GET_METADATA,
        encodeGroupFileRequest(S.GET_METADATA, { groupName: GROUP, filename: missing }),
      ),
    );
    assert.equal((await conn.reply()).status, Errno.ENOENT);
    // Over-long names and values are cut as C cuts them (§3.2).
    const long = encodeSetMetadataRequest({
      groupName: GROUP,
      filename: name,
      op: 'O',
      metadata: { n: 'v' },
    });
    const meta = Buffer.from(`${'k'.repeat(70)}\x02${'v'.repeat(300)}`);
    const body = Buffer.concat([long.subarray(0, long.length - 3), meta]);
    body.writeBigInt64BE(BigInt(meta.length), 8);
    conn.send(rawFrame(S.SET_METADATA, body));
    assert.equal((await conn.reply()).status, 0);
    assert.deepEqual(await client.getMetadata(address, id), [
      { name: 'k'.repeat(64), value: 'v'.repeat(256) },
    ]);
  });
});
