// The store's naming and QUERY_FILE_INFO against what the real FastDFS 6.16.1 produced
// (test/vectors/file-ids.json): every recorded name is generated again from its inputs (source,
// timestamp, size and CRC of the content rebuilt from `contentRule`, extension, and the random
// bits read back from the name), and the fields `fdfs_file_info` got from the server for the
// appender and slave files are what our queryFileInfo computes over the same content.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { NameGenerator } from '#src/storage/store/name-generator.js';
import { slaveFileName } from '#src/protocol/file-id/slave-name.js';
import { RAND_MAX, sequenceRandomSource } from '#src/protocol/file-id/random.js';
import { parseStorageIds } from '#src/common/config/storage-ids.js';
import { ruleContent, withStore } from '#src/storage/store/store.test.helper.js';
import { readVectorJson, vectorPath } from './support/vectors.js';

interface Part {
  size: number;
  seed: number;
}

interface Entry {
  fileId: string;
  kind: 'normal' | 'appender' | 'slave';
  state: string;
  config: {
    label: string;
    storage_ip: string;
    storage_id: string;
    use_storage_id: boolean;
    id_type_in_filename: string;
  };
  contentSize: number;
  contentCrc32Hex: string;
  contentRule: string;
  ext: string;
  appenderParts?: Part[];
  fileSize: number;
  crc32Hex: string;
  createTimestamp: number;
  sourceIpAddr: string;
  getFromServer: boolean;
  decoded: { b27: string; rawHex: string; timestamp: number; sizeFieldHex: string; ext7: string };
}

const ENTRIES = readVectorJson<Entry[]>('file-ids.json');

/** The parts of an entry's content: appenderParts, or the one part named by contentRule. */
function partsOf(e: Entry): Part[] {
  if (e.appenderParts) return e.appenderParts;
  const m = /parts: (.*)$/.exec(e.contentRule);
  assert.ok(m, e.contentRule);
  return m[1]!.split(', ').map((p) => {
    const [, size, seed] = /^(\d+) bytes seed (\d+)$/.exec(p)!;
    return { size: Number(size), seed: Number(seed) };
  });
}

function contentOf(e: Entry): Buffer {
  return Buffer.concat(partsOf(e).map((p) => ruleContent(p.size, p.seed)));
}

/** rand() values that make formatExt7 print `digits` ('0' + floor(10·r / RAND_MAX)). */
function digitRandoms(digits: string): number[] {
  return [...digits].map((c) => Math.ceil(((c.charCodeAt(0) - 48) * RAND_MAX) / 10));
}

function logicNameOf(e: Entry): string {
  return e.fileId.slice(e.fileId.indexOf('/') + 1);
}

test('every recorded normal and appender name is generated again from its inputs', () => {
  let checked = 0;
  const seen = new Set<string>();
  for (const e of ENTRIES) {
    if (e.kind === 'slave' || seen.has(e.fileId)) continue;
    seen.add(e.fileId);
    const isAppender = e.kind === 'appender';
    // The name holds the content as it was when the name was made: an appender's first part.
    const content = isAppender
      ? ruleContent(partsOf(e)[0]!.size, partsOf(e)[0]!.seed)
      : contentOf(e);
    if (!isAppender) assert.equal(crc32(content).toString(16), e.contentCrc32Hex, e.fileId);
    const sizeField = BigInt(`0x${e.decoded.sizeFieldHex}`);
    const ext7 = e.decoded.ext7;
    const digits = e.ext === '' ? ext7 : ext7.slice(0, 6 - e.ext.length);
    const randoms = [...digitRandoms(digits), Number((sizeField >> 32n) & 0x7fffffn)];
    const source =
      e.config.id_type_in_filename === 'id' && e.config.use_storage_id
        ? e.config.storage_id
        : e.config.storage_ip;
    const gen = new NameGenerator({
      subdirCount: 256,
      mode: 0,
      rotateCount: 100,
      random: sequenceRandomSource(randoms),
    });
    const logicName = logicNameOf(e);
    const generated = gen.generate({
      storePathIndex: Number.parseInt(logicName.slice(1, 3), 16),
      source,
      timestamp: e.decoded.timestamp,
      kind: isAppender ? 'appender' : 'normal',
      size: content.length,
      crc32: crc32(content),
      ext: e.ext,
    });
    assert.equal(generated.logicName, logicName, e.fileId);
    checked++;
  }
  assert.equal(checked, 48);
});

test('every recorded slave name is its master name with the prefix and extension (§7.7)', () => {
  const slaves = ENTRIES.filter((e) => e.kind === 'slave');
  assert.equal(slaves.length, 6);
  for (const s of slaves) {
    const master = ENTRIES.find((e) => e.kind === 'normal' && e.decoded.b27 === s.decoded.b27)!;
    const masterName = logicNameOf(master);
    // The extension the client asked for is what follows the prefix in the recorded name.
    const slaveName = logicNameOf(s);
    const ext = slaveName.slice(slaveName.lastIndexOf('_big') + 4).replace(/^\./, '');
    const derived = slaveFileName(masterName.slice(4), '_big', ext, { requirePrefix: true });
    assert.equal(`${masterName.slice(0, 4)}${derived}`, slaveName);
  }
});

const STORAGE_IDS = parseStorageIds(
  readFileSync(vectorPath('tools', 'conf', 'B-storage_ids.conf'), 'utf8'),
  {
    file: 'B-storage_ids.conf',
  },
);

test('what fdfs_file_info got from the server for appender and slave files is what queryFileInfo computes', async () => {
  const asked = ENTRIES.filter((e) => e.getFromServer);
  assert.equal(asked.length, 18);
  await withStore(
    async ({ store }) => {
      for (const e of asked) {
        const logicName = logicNameOf(e);
        const path = store.layout.resolve(logicName).dataPath;
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, contentOf(e));
        await utimes(path, e.createTimestamp, e.createTimestamp);
        const info = await store.queryFileInfo(logicName);
        assert.equal(info.kind, e.kind, e.fileId);
        assert.equal(info.fileSize, e.fileSize, e.fileId);
        assert.equal(
          info.crc32.toString(16).padStart(8, '0'),
          e.crc32Hex,
          `${e.fileId} ${e.state}`,
        );
        assert.equal(info.createTimestamp, e.createTimestamp, e.fileId);
        assert.equal(info.sourceIp, e.sourceIpAddr, e.fileId);
        assert.equal((await store.queryFileInfo(logicName, { noCrc: true })).crc32, 0);
      }
    },
    { config: { subdirCountPerPath: 1 }, settings: { storageIds: STORAGE_IDS } },
  );
});
