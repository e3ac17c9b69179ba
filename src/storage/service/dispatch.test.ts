// The command table: ACTIVE_TEST, QUIT, unknown codes and the §6 commands later issues serve
// (EINVAL, the connection kept, streamed content drained), and the connection counters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StorageCommand as S } from '../../protocol/commands.js';
import { Errno } from '../../protocol/errno.js';
import { rawFrame, withService } from './harness.test.helper.js';
import { ROUTES } from './dispatch.js';

test('ACTIVE_TEST answers 0, or EINVAL with a body; QUIT closes without a reply', async () => {
  await withService(async ({ raw }) => {
    const conn = await raw();
    conn.send(rawFrame(S.ACTIVE_TEST));
    assert.deepEqual(await conn.reply(), { cmd: 100, status: 0, body: Buffer.alloc(0) });
    conn.send(rawFrame(S.ACTIVE_TEST, Buffer.from('x')));
    assert.equal((await conn.reply()).status, Errno.EINVAL);
    conn.send(rawFrame(S.QUIT));
    assert.equal(await conn.closesWithin(2000), true);
    assert.equal(conn.pending, 0);
  });
});

test('unknown codes and the commands of later issues answer EINVAL; the connection stays', async () => {
  await withService(async ({ raw }) => {
    const conn = await raw();
    const later = [27, 28, 29, 30, 31, 32, 33];
    for (const cmd of [...later, 250, 0, 1, 100, 101]) {
      assert.equal(ROUTES.has(cmd), false);
      // Streamed sync commands come with content (a prefix of the right length, then bytes).
      const body = Buffer.alloc(48 + 64);
      conn.send(rawFrame(cmd, body));
      const r = await conn.reply();
      assert.deepEqual([r.status, r.body.length], [Errno.EINVAL, 0], `cmd ${cmd}`);
      conn.send(rawFrame(S.ACTIVE_TEST));
      assert.equal((await conn.reply()).status, 0, `after cmd ${cmd}`);
    }
  });
});

test('the connection counters follow connections (alloc, current, max)', async () => {
  await withService(async ({ raw, runtime }) => {
    const a = await raw();
    const b = await raw();
    const c = await raw();
    for (const conn of [a, b, c]) {
      conn.send(rawFrame(S.ACTIVE_TEST));
      await conn.reply();
    }
    assert.deepEqual(runtime.connections, { allocCount: 64, currentCount: 3, maxCount: 3 });
    b.destroy();
    const deadline = Date.now() + 2000;
    while (runtime.connections.currentCount !== 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.deepEqual(runtime.connections, { allocCount: 64, currentCount: 2, maxCount: 3 });
  });
});
