// Waiting for replication to show (§8.6) in the end-to-end tests: a file's content on one storage,
// a bounded poll, "every file on that storage", and the sequence of delete, append, modify,
// truncate, link and rename on a source storage, each awaited on its peer.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StorageClient } from '#src/client/index.js';
import { isFdfsError } from '#src/common/errors.js';
import type { StorageNode } from './cluster-storage.js';
import type { Prng } from './prng.js';
import { addressOf as addr } from './recovery-support.js';

/** The file's content on `node`, or undefined while it is not there. */
export async function contentOn(
  client: StorageClient,
  node: StorageNode,
  id: string,
): Promise<Buffer | undefined> {
  try {
    return await client.downloadToBuffer(addr(node), id);
  } catch (err) {
    if (isFdfsError(err) && err.code === 'ERR_SERVER_STATUS') return undefined;
    throw err;
  }
}

/** Poll until `check` holds, at most `ms`. */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  ms = 60_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Every id of `expected` reads back from `node` with exactly that content. */
export async function allOn(
  client: StorageClient,
  node: StorageNode,
  expected: Map<string, Buffer>,
  ms = 60_000,
): Promise<void> {
  const pending = new Map(expected);
  await until(
    `${pending.size} files on ${node.name}`,
    async () => {
      for (const [id, content] of [...pending]) {
        const got = await contentOn(client, node, id);
        if (got === undefined) return false;
        assert.ok(got.equals(content), `${id}: content differs on ${node.name}`);
        pending.delete(id);
      }
      return true;
    },
    ms,
  );
}

/**
 * On `src`: delete `deletable` (ids of files on both), then an appender file gets an append, a
 * modify and a truncate, a link to `linkMaster` (a non-empty file on both) is made, and the
 * appender is renamed (REGENERATE_APPENDER_FILENAME). Each change is awaited on `peer` before the
 * next. Returns the ids that now exist because of it (the link and the renamed appender).
 */
export async function opsReachPeer(
  client: StorageClient,
  src: StorageNode,
  peer: StorageNode,
  rnd: Prng,
  files: { deletable: readonly string[]; linkMaster: string },
): Promise<{ link: string; renamed: string }> {
  const on = addr(src);
  const peerHas = async (id: string, want: Buffer): Promise<boolean> =>
    (await contentOn(client, peer, id))?.equals(want) === true;

  for (const id of files.deletable) await client.deleteFile(on, id);
  await until(`deletes on ${peer.name}`, async () => {
    for (const id of files.deletable)
      if ((await contentOn(client, peer, id)) !== undefined) return false;
    return true;
  });

  // An appender file: append, modify, truncate, each reaching the peer in turn.
  const p1 = rnd.bytes(4000);
  const app = await client.upload(on, { content: p1, appender: true, ext: 'log' });
  const p2 = rnd.bytes(3000);
  await client.append(on, app, { content: p2 });
  let want = Buffer.concat([p1, p2]);
  // The peer may show the upload before the append: wait for the final content.
  await until(`append on ${peer.name}`, () => peerHas(app, want));
  const patch = rnd.bytes(500);
  await client.modify(on, app, { content: patch, offset: 1000 });
  want = Buffer.from(want);
  patch.copy(want, 1000);
  await until(`modify on ${peer.name}`, () => peerHas(app, want));
  await client.truncate(on, app, 2500);
  const cut = want.subarray(0, 2500);
  await until(`truncate on ${peer.name}`, () => peerHas(app, cut));

  // CREATE_LINK (20 → 19 on the wire) and REGENERATE_APPENDER_FILENAME (38 → 40).
  const masterContent = await client.downloadToBuffer(on, files.linkMaster);
  assert.ok(masterContent.length > 0, 'the link master must not be empty');
  const link = await client.createLink(on, {
    sourceFileId: files.linkMaster,
    signature: Buffer.from('sig'),
  });
  await until(`link on ${peer.name}`, () => peerHas(link, masterContent));
  const renamed = await client.regenerateAppenderName(on, app);
  await until(`rename on ${peer.name}`, () => peerHas(renamed, cut));
  await until(
    `old appender name gone on ${peer.name}`,
    async () => (await contentOn(client, peer, app)) === undefined,
  );
  return { link, renamed };
}
