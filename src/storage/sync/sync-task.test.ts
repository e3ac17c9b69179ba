// A sync task pushing a source store's binlog to a live receiver over several lanes: every file
// arrives byte-identical, deletes and appends follow, the mark is saved in the §8.4 format, and a
// task restarted from its mark resends nothing already covered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { silentLogger } from '../../common/logger.js';
import { EMPTY_MARK, MarkStore } from '../binlog/mark-store.js';
import { BinlogReader } from '../binlog/reader.js';
import { withService } from '../service/harness.test.helper.js';
import { contentOf, ruleContent, withStore } from '../store/store.test.helper.js';
import { laneOf, SyncTask } from './sync-task.js';

async function until(cond: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function exists(path: string): Promise<boolean> {
  return readFile(path).then(
    () => true,
    () => false,
  );
}

test('sync task: 300 files over 4 lanes, then delete and append; resume from the mark', async () => {
  await withService(async (dest) => {
    await withStore(
      async (src) => {
        const syncDir = join(src.basePath, 'data', 'sync');
        const marks = new MarkStore(syncDir);
        const names: string[] = [];
        const contents = new Map<string, Buffer>();
        for (let i = 0; i < 300; i++) {
          const body = ruleContent(i * 37, i);
          const r = await src.store.upload({
            storePathIndex: -1,
            size: body.length,
            ext: 'bin',
            content: contentOf(body),
          });
          names.push(r.logicName);
          contents.set(r.logicName, body);
        }
        const app = await src.store.upload({
          storePathIndex: -1,
          size: 3,
          ext: 'log',
          content: contentOf(Buffer.from('abc')),
          appender: true,
        });
        const tasks: SyncTask[] = [];
        const makeTask = (mark = EMPTY_MARK): SyncTask => {
          const t = new SyncTask({
            myId: '127.0.0.12',
            peer: dest.address,
            // With the small-file workers: files are read ahead of their turn (prefetchRecord).
            send: { groupName: 'group1', layout: src.store.layout, smallIo: src.store.smallFileIo },
            reader: new BinlogReader({
              dir: syncDir,
              from: { index: mark.binlogIndex, offset: mark.binlogOffset },
              source: src.store.binlog,
            }),
            marks,
            markFile: '127.0.0.1_23000.mark',
            mark,
            lanes: 4,
            logger: silentLogger,
            retryMs: 50,
          });
          tasks.push(t);
          return t;
        };
        try {
          const task = makeTask();
          task.start();
          const destPath = (n: string) => dest.store.layout.resolve(n).dataPath;
          await until(async () =>
            (await Promise.all(names.map((n) => exists(destPath(n))))).every(Boolean),
          );
          for (const n of names) assert.deepEqual(await readFile(destPath(n)), contents.get(n), n);

          // Changes after the catch-up are pushed as they are written (event-driven).
          await src.store.delete(names[0]!);
          await src.store.append({
            logicName: app.logicName,
            size: 2,
            content: contentOf(Buffer.from('de')),
          });
          await until(async () => !(await exists(destPath(names[0]!))));
          await until(
            async () =>
              (await readFile(destPath(app.logicName)).catch(() => Buffer.alloc(0))).toString() ===
              'abcde',
          );
          await until(async () => task.mark.binlogOffset === src.store.binlog.position.offset);
          await task.stop();
          const saved = await marks.read('127.0.0.1_23000.mark');
          assert.equal(saved?.binlogOffset, src.store.binlog.position.offset);
          assert.equal(saved?.scanRowCount, 303);
          assert.ok(src.store.smallFileIo, 'the source store has its small-file workers');

          // Restarted from the mark: nothing is sent again; a new upload still goes.
          const again = makeTask(saved);
          again.start();
          const late = await src.store.upload({
            storePathIndex: -1,
            size: 4,
            ext: 'txt',
            content: contentOf(Buffer.from('late')),
          });
          await until(async () => exists(destPath(late.logicName)));
          assert.equal(again.synced, 1);
          await again.stop();
          assert.ok(dest.runtime.syncedFrom.get('127.0.0.12')! > 0);
        } finally {
          for (const t of tasks) await t.stop();
        }
      },
      { port: 23000 } as never,
    );
  });
});

test('sync task: retryNow (the peer is back) cuts a long retry pause short', async () => {
  await withService(async (dest) => {
    await withStore(
      async (src) => {
        // A proxy that drops connections until told to pass them on to the receiver.
        let passOn = false;
        let dropped = 0;
        const proxy = createServer((client) => {
          if (!passOn) {
            dropped++;
            client.destroy();
            return;
          }
          const upstream = connect(dest.address.port, dest.address.host);
          client.pipe(upstream).pipe(client);
          const close = (): void => {
            client.destroy();
            upstream.destroy();
          };
          client.on('error', close).on('close', close);
          upstream.on('error', close).on('close', close);
        });
        await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
        const { port } = proxy.address() as AddressInfo;
        const syncDir = join(src.basePath, 'data', 'sync');
        const task = new SyncTask({
          myId: '127.0.0.12',
          peer: { host: '127.0.0.1', port },
          send: { groupName: 'group1', layout: src.store.layout },
          reader: new BinlogReader({
            dir: syncDir,
            from: { index: 0, offset: 0 },
            source: src.store.binlog,
          }),
          marks: new MarkStore(syncDir),
          markFile: '127.0.0.1_23000.mark',
          mark: EMPTY_MARK,
          lanes: 2,
          logger: silentLogger,
          retryFirstMs: 60_000,
          retryMs: 60_000,
        });
        try {
          const r = await src.store.upload({
            storePathIndex: -1,
            size: 5,
            ext: 'bin',
            content: contentOf(Buffer.from('hello')),
          });
          task.start();
          await until(async () => dropped > 0);
          passOn = true;
          const t0 = Date.now();
          task.retryNow();
          await until(async () => exists(dest.store.layout.resolve(r.logicName).dataPath), 10_000);
          assert.ok(Date.now() - t0 < 10_000);
          assert.equal(task.synced, 1);
        } finally {
          await task.stop();
          await new Promise((r) => proxy.close(r));
        }
      },
      { port: 23000 } as never,
    );
  });
});

test('lanes: a file, its -m file and a rename of it share a lane', () => {
  const f = 'M00/00/00/abc.txt';
  const lanes = 8;
  const l = laneOf({ timestamp: 1, op: 'C', filename: f }, lanes);
  assert.equal(laneOf({ timestamp: 1, op: 'U', filename: `${f}-m` }, lanes), l);
  assert.equal(
    laneOf({ timestamp: 1, op: 'R', filename: 'M00/00/00/new.txt', srcFilename: f }, lanes),
    l,
  );
});
