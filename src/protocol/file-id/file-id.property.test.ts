import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeFileId,
  formatFileId,
  generateFileName,
  parseFileId,
  parseLogicName,
} from './file-id.js';
import { extFromName } from './ext.js';
import { RAND_MAX, sequenceRandomSource } from './random.js';
import { slaveFileName } from './slave-name.js';

const u8 = fc.integer({ min: 0, max: 255 });
const sourceArb = fc.oneof(
  fc.integer({ min: 1, max: 16777215 }).map(String),
  fc.tuple(u8, u8, u8, fc.integer({ min: 1, max: 255 })).map((p) => p.join('.')),
);
const extArb = fc.oneof(
  fc.constant(''),
  fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,5}$/).filter((e) => !e.includes('..')),
);
const kindArb = fc.constantFrom('normal', 'appender', 'trunk') as fc.Arbitrary<
  'normal' | 'appender' | 'trunk'
>;
const i31 = fc.integer({ min: 0, max: 0x7fffffff });

test('property: generate → format → parse/decode gives the inputs back', () => {
  fc.assert(
    fc.property(
      fc.record({
        group: fc.stringMatching(/^[A-Za-z0-9]{1,16}$/),
        storePathIndex: u8,
        subdir1: u8,
        subdir2: u8,
        source: sourceArb,
        timestamp: fc.integer({ min: 0, max: 0xffffffff }),
        kind: kindArb,
        size: fc.bigInt({ min: 0n, max: (1n << 58n) - 1n }),
        crc32: fc.integer({ min: 0, max: 0xffffffff }),
        ext: extArb,
        randoms: fc.array(fc.integer({ min: 0, max: RAND_MAX }), { minLength: 1, maxLength: 8 }),
        trunk: fc.record({ trunkFileId: i31, offset: i31, slotSize: i31 }),
      }),
      (c) => {
        const size = c.kind === 'trunk' ? c.size & 0xffffffffn : c.size;
        const g = generateFileName({
          storePathIndex: c.storePathIndex,
          subdirs: { subdir1: c.subdir1, subdir2: c.subdir2 },
          source: c.source,
          timestamp: c.timestamp,
          kind: c.kind,
          size,
          crc32: c.crc32,
          ext: c.ext,
          random: sequenceRandomSource(c.randoms),
          trunk: c.trunk,
        });
        const fileId = formatFileId(c.group, g.logicName);
        assert.deepEqual(parseFileId(fileId), { groupName: c.group, logicName: g.logicName });
        const p = parseLogicName(g.logicName);
        assert.deepEqual(
          [p.storePathIndex, p.subdir1, p.subdir2],
          [c.storePathIndex, c.subdir1, c.subdir2],
        );
        assert.equal(extFromName(p.name), c.ext);
        const d = decodeFileId(fileId);
        const isId = !c.source.includes('.');
        assert.deepEqual(d, {
          groupName: c.group,
          storePathIndex: c.storePathIndex,
          subdir1: c.subdir1,
          subdir2: c.subdir2,
          kind: c.kind,
          sourceIpAddr: isId ? '' : c.source,
          sourceId: isId ? c.source : '0',
          createTimestamp: c.timestamp,
          fileSize: c.kind === 'appender' ? null : size,
          crc32: c.crc32,
        });
        if (c.kind === 'normal') {
          // A 6-character prefix keeps every slave longer than 44 characters, the length that
          // makes it a slave (a shorter one decodes as normal, as in C).
          const slave = slaveFileName(p.trueName, '_slave', 'png');
          const s = decodeFileId(`${c.group}/M${g.logicName.slice(1, 4)}${slave}`);
          assert.deepEqual(
            [s.kind, s.createTimestamp, s.crc32, s.fileSize],
            ['slave', c.timestamp, c.crc32, null],
          );
        }
      },
    ),
    { numRuns: 400 },
  );
});

const nasty = fc.constantFrom(
  'M',
  '0',
  '1',
  'A',
  'F',
  'a',
  'f',
  'x',
  '/',
  '.',
  '\\',
  '\u0000',
  '\n',
  '\u007f',
  ' ',
  ':',
  'é',
);

test('property: no accepted logic name can leave data/XX/YY/', () => {
  const candidate = fc.oneof(
    fc.string({ unit: nasty, maxLength: 40 }),
    fc.string({ unit: nasty, maxLength: 30 }).map((t) => `M00/00/00/${t}`),
    fc.string({ unit: nasty, maxLength: 30 }).map((t) => `M0A/F0/1${t}`),
  );
  let accepted = 0;
  fc.assert(
    fc.property(candidate, (logicName) => {
      let p;
      try {
        p = parseLogicName(logicName);
      } catch {
        return;
      }
      accepted++;
      assert.equal(logicName.split('/').length, 4, 'exactly the three separators');
      assert.ok(!p.name.includes('..') && !p.name.includes('/') && !p.name.includes('\\'));
      assert.ok(!p.name.includes('\u0000'));
      assert.ok(p.name !== '' && p.name !== '.');
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(p.name, /[\u0000-\u001f\u007f]/);
      assert.equal(`M${logicName.slice(1, 3)}/${p.trueName}`, logicName);
    }),
    { numRuns: 1000 },
  );
  assert.ok(accepted > 0, 'some candidates were accepted');
});
