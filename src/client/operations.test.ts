import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { until } from '../common/fake-peer.test.helper.js';
import {
  decodeGroupFileRequest,
  decodeQueryFileRequest,
  decodeSetMetadataRequest,
  encodeFileIdReply,
  encodeFileInfoReply,
} from '../protocol/messages/index.js';
import {
  answer,
  fakeServer,
  trackerFor,
  type FakeServer,
  type Handler,
} from './fake-servers.test.helper.js';
import * as ops from './operations.js';
import { StorageClient } from './storage-client.js';
import { TrackerClient } from './tracker-client.js';

const T = { timeout: 10_000 };
const FILE_ID = 'group1/M00/00/00/fwAADGsBidOAXtDXAAAAHdnGElo349.txt';
const LOGIC = FILE_ID.slice(7);
const NEW_NAME = 'M00/00/00/fwAADGsBidOAXtDXAAAAHdnGElo999.txt';
const NEW_ID = `group1/${NEW_NAME}`;

interface Setup {
  clients: ops.FdfsClients;
  tracker: FakeServer;
  storage: FakeServer;
}

/** A storage answering every command; SET_METADATA answers `setMetadataStatus`. */
function storageHandler(setMetadataStatus: () => number): Handler {
  return (frame, socket) => {
    const cmd = frame.header.cmd;
    if ([11, 21, 23, 38].includes(cmd)) {
      answer(socket, 0, encodeFileIdReply({ groupName: 'group1', filename: NEW_NAME }));
    } else if (cmd === 13) answer(socket, setMetadataStatus());
    else if (cmd === 14) answer(socket, 0, Buffer.from('content'));
    else if (cmd === 15) answer(socket, 0, Buffer.from('k\x02v'));
    else if (cmd === 22) {
      const info = { fileSize: 7, createTimestamp: 1, crc32: 2, sourceIp: '1.2.3.4' };
      answer(socket, 0, encodeFileInfoReply(info, 16));
    } else answer(socket, 0);
  };
}

async function setup(t: TestContext, setMetadataStatus = (): number => 0): Promise<Setup> {
  const storage = await fakeServer(t, storageHandler(setMetadataStatus));
  const tracker = await fakeServer(t, trackerFor(storage.address));
  const clients = {
    tracker: new TrackerClient({ trackers: [tracker.address], connectTimeoutMs: 2000 }),
    storage: new StorageClient({ connectTimeoutMs: 2000 }),
  };
  t.after(async () => {
    await clients.tracker.close();
    await clients.storage.close();
  });
  return { clients, tracker, storage };
}

const META = { width: '160', height: '80' };

test('upload: QUERY_STORE → UPLOAD → SET_METADATA O on the same storage', T, async (t) => {
  const { clients, tracker, storage } = await setup(t);
  const content = Buffer.from('abc');
  assert.equal(await ops.uploadFile(clients, { ext: 'txt', content, metadata: META }), NEW_ID);
  assert.equal(await ops.uploadFile(clients, { groupName: 'group1', content }), NEW_ID);
  assert.equal(await ops.uploadFile(clients, { content, appender: true, metadata: [] }), NEW_ID);
  assert.deepEqual(tracker.cmds(), [101, 104, 101]);
  assert.deepEqual(storage.cmds(), [11, 13, 11, 23]);
  const meta = decodeSetMetadataRequest(storage.frames[1]!.body);
  assert.equal(meta.op, 'O');
  assert.equal(meta.filename, NEW_NAME);
  assert.deepEqual(meta.metadata, [
    { name: 'width', value: '160' },
    { name: 'height', value: '80' },
  ]);
});

test(
  'upload: when SET_METADATA fails, the new file is deleted and the error thrown',
  T,
  async (t) => {
    const { clients, storage } = await setup(t, () => 22);
    await assert.rejects(
      ops.uploadFile(clients, { ext: 'txt', content: Buffer.from('abc'), metadata: META }),
      { code: 'ERR_SERVER_STATUS', errno: 22, command: 13 },
    );
    await assert.rejects(
      ops.uploadSlaveFile(clients, FILE_ID, {
        prefix: '_s',
        content: Buffer.from('abc'),
        metadata: META,
      }),
      { errno: 22, command: 13 },
    );
    assert.deepEqual(storage.cmds(), [11, 13, 12, 21, 13, 12]);
    for (const i of [2, 5]) {
      assert.deepEqual(decodeGroupFileRequest(12, storage.frames[i]!.body), {
        groupName: 'group1',
        filename: NEW_NAME,
      });
    }
  },
);

test('upload: an abort during SET_METADATA still deletes the new file', T, async (t) => {
  const controller = new AbortController();
  let stall = false;
  const storage = await fakeServer(t, (frame, socket) => {
    if (frame.header.cmd === 13 && !stall) {
      stall = true;
      controller.abort();
      return;
    }
    storageHandler(() => 0)(frame, socket);
  });
  const tracker = await fakeServer(t, trackerFor(storage.address));
  const clients = {
    tracker: new TrackerClient({ trackers: [tracker.address] }),
    storage: new StorageClient(),
  };
  t.after(async () => {
    await clients.tracker.close();
    await clients.storage.close();
  });
  await assert.rejects(
    ops.uploadFile(clients, { content: Buffer.from('x'), metadata: META }, controller.signal),
    { code: 'ERR_ABORTED' },
  );
  await until(() => storage.frames.length === 3);
  assert.deepEqual(storage.cmds(), [11, 13, 12]);
});

test('bad metadata is refused before anything is sent', T, async (t) => {
  const { clients, tracker, storage } = await setup(t);
  await assert.rejects(
    ops.uploadFile(clients, { content: Buffer.from('x'), metadata: { '': 'v' } }),
    { code: 'ERR_BAD_METADATA' },
  );
  assert.equal(tracker.frames.length + storage.frames.length, 0);
});

test('download and file info ask QUERY_FETCH_ONE; the rest ask QUERY_UPDATE', T, async (t) => {
  const { clients, tracker, storage } = await setup(t);
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  assert.equal(await ops.downloadFile(clients, FILE_ID, sink, { offset: 1 }), 7);
  assert.equal(Buffer.concat(chunks).toString(), 'content');
  assert.equal((await ops.downloadFileToBuffer(clients, FILE_ID)).toString(), 'content');
  assert.equal((await ops.queryFileInfo(clients, FILE_ID)).fileSize, 7n);
  await ops.deleteFile(clients, FILE_ID);
  await ops.setFileMetadata(clients, FILE_ID, { a: 'b' }, 'M');
  assert.deepEqual(await ops.getFileMetadata(clients, FILE_ID), [{ name: 'k', value: 'v' }]);
  await ops.appendFile(clients, FILE_ID, { content: Buffer.from('x') });
  await ops.modifyFile(clients, FILE_ID, { offset: 0, content: Buffer.from('y') });
  await ops.truncateFile(clients, FILE_ID, 3);
  assert.equal(await ops.regenerateAppenderFile(clients, FILE_ID), NEW_ID);
  assert.equal(
    await ops.uploadSlaveFile(clients, FILE_ID, { prefix: '_s', content: Buffer.from('z') }),
    NEW_ID,
  );
  assert.deepEqual(tracker.cmds(), [102, 102, 102, 103, 103, 103, 103, 103, 103, 103, 103]);
  for (const frame of tracker.frames) {
    assert.deepEqual(decodeQueryFileRequest(frame.body, frame.header.cmd), {
      groupName: 'group1',
      filename: LOGIC,
    });
  }
  assert.deepEqual(storage.cmds(), [14, 14, 22, 12, 13, 15, 24, 34, 36, 38, 21]);
});
