// The sender's careful mode (§8.6, §16 #18) against a live receiver: after a create answered
// EEXIST the lane asks QUERY_FILE_INFO before each create — same size there: a create with status
// 17 and no content; another size: the whole file as an update; absent: the normal create — and
// a tolerated status keeps the connection open, as a C sender's does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { FramedConnection } from '../../common/connection.js';
import { StorageCommand as S } from '../../protocol/commands.js';
import { encodeReportServerId } from '../../protocol/messages/sync.js';
import { withService } from '../service/harness.test.helper.js';
import { contentOf, withStore } from '../store/store.test.helper.js';
import { sendRecord, type LaneState } from './record-sender.js';

test('careful mode after EEXIST: query, then 17 / update / create; the connection stays', async () => {
  await withService(async (dest) => {
    await withStore(async (src) => {
      const up = async (text: string): Promise<{ name: string; ts: number }> => {
        const body = Buffer.from(text);
        const r = await src.store.upload({
          storePathIndex: 0,
          size: body.length,
          ext: 'txt',
          content: contentOf(body),
        });
        return { name: r.logicName, ts: r.timestamp };
      };
      const x = await up('xxxx');
      const same = await up('same');
      const differs = await up('differs on the peer');
      const absent = await up('absent');
      // The peer already holds x and `same` as they are, and `differs` with other content.
      for (const [f, text] of [
        [x, 'xxxx'],
        [same, 'SAME'],
        [differs, 'short'],
      ] as const) {
        await dest.store.replicaCreate({
          filename: f.name,
          timestamp: f.ts,
          size: text.length,
          content: contentOf(Buffer.from(text)),
          update: false,
        });
      }
      const conn = await FramedConnection.connect({
        ...dest.address,
        connectTimeoutMs: 2000,
        networkTimeoutMs: 5000,
      });
      try {
        await conn.request({
          cmd: S.REPORT_SERVER_ID,
          body: encodeReportServerId('127.0.0.12'),
          reply: { kind: 'whole', maxLength: 0 },
        });
        const ctx = { groupName: 'group1', layout: src.store.layout };
        const lane: LaneState = { careful: false };
        const send = (f: { name: string; ts: number }) =>
          sendRecord(conn, ctx, { timestamp: f.ts, op: 'C', filename: f.name }, lane);
        const onPeer = (f: { name: string }) =>
          readFile(dest.store.layout.resolve(f.name).dataPath, 'latin1');

        await send(x);
        assert.equal(lane.careful, true, 'EEXIST makes the lane careful');
        assert.equal(conn.usable, true, 'EEXIST keeps the connection');
        // Same size there: a create without content, which the peer answers EEXIST (not resent).
        await send(same);
        assert.equal(await onPeer(same), 'SAME');
        assert.equal(lane.careful, true);
        // Another size: the file goes whole as an update, answered 0: careful ends.
        await send(differs);
        assert.equal(await onPeer(differs), 'differs on the peer');
        assert.equal(lane.careful, false);
        await send(absent);
        assert.equal(await onPeer(absent), 'absent');
        assert.equal(conn.usable, true);
        // The peer's binlog tells what came: the plain create of the same-size file is logged
        // again as it is answered EEXIST (replica.ts), then what careful mode sent.
        const logged = (await dest.binlog()).slice(3).map((r) => `${r.op} ${r.filename}`);
        assert.deepEqual(logged, [
          `c ${x.name}`, // the plain create answered EEXIST
          `c ${same.name}`, // the create with status 17
          `u ${differs.name}`, // the update instead of a create
          `c ${absent.name}`,
        ]);
      } finally {
        conn.destroy();
      }
    });
  });
});
