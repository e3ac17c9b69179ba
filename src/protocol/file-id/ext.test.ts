import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { extFromName, extProblem, formatExt7 } from './ext.js';
import { RAND_MAX, sequenceRandomSource } from './random.js';
import { FdfsError } from '../errors.js';

const HALF = Math.floor(RAND_MAX / 2);

test('EXT7: digits from rand(), then "." and the extension (§7.3)', () => {
  // '0' + (int)(10.0 * r / RAND_MAX): 0 → '0', RAND_MAX/2 → '4', RAND_MAX → ':'.
  assert.equal(formatExt7('jpg', sequenceRandomSource([0, HALF, RAND_MAX])), '04:.jpg');
  assert.equal(formatExt7('', sequenceRandomSource([RAND_MAX - 300000000])), '8888888');
  assert.equal(formatExt7('tar.gz', sequenceRandomSource([0])), '.tar.gz');
  assert.equal(formatExt7('abcdef', sequenceRandomSource([0])), '.abcdef');
  assert.equal(formatExt7('Ab-_9', sequenceRandomSource([(RAND_MAX / 3) | 0])), '3.Ab-_9');
});

test('EXT7: bad extensions are refused, naming the problem', () => {
  const cases: [string, RegExp][] = [
    ['abcdefg', /longer than 6/],
    ['t*t', /outside/],
    ['a/b', /outside/],
    ['.gz', /"\."|\.\./],
    ['a..b', /\.\./],
  ];
  for (const [ext, pattern] of cases) {
    assert.throws(
      () => formatExt7(ext, sequenceRandomSource([0])),
      (e: unknown) =>
        e instanceof FdfsError && e.code === 'ERR_INVALID_ARGUMENT' && pattern.test(e.message),
      ext,
    );
  }
  assert.equal(extProblem('Ab-_9'), undefined);
});

test('a random source outside 0..RAND_MAX is refused', () => {
  for (const v of [-1, RAND_MAX + 1, 1.5]) {
    assert.throws(
      () => formatExt7('', () => v),
      (e: unknown) => e instanceof FdfsError && /random source/.test(e.message),
    );
  }
});

test('extension of a name: after the first "." within the last 7 characters', () => {
  assert.equal(extFromName('fwAADGsBikWAD8RQAAAAAQdirmk797.jpg'), 'jpg');
  assert.equal(extFromName('fwAADGsBikaAAB-YAAAQAFb7uDQ.tar.gz'), 'tar.gz');
  assert.equal(extFromName('fwAADGsBikWAbM8VAAAAAAAAAAA3641250'), '');
  assert.equal(extFromName('fwAADGsBikiAMf2aAAAAZIPJBFU3.Ab-_9'), 'Ab-_9');
  assert.equal(extFromName('fwAADGsBikmAerVsAAAAZD8kLWw342_big.jpg'), 'jpg');
  assert.equal(extFromName('fwAADGsBikqAcgnNAAAAAR24ehQ7189254_big'), '');
  assert.equal(extFromName('x.y1234567'), '');
});

test('property: EXT7 is 7 characters and gives its extension back', () => {
  const extArb = fc
    .stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,5}$/)
    .filter((e) => !e.includes('..'));
  fc.assert(
    fc.property(
      fc.oneof(fc.constant(''), extArb),
      fc.array(fc.integer({ min: 0, max: RAND_MAX }), { minLength: 1, maxLength: 7 }),
      (ext, randoms) => {
        const ext7 = formatExt7(ext, sequenceRandomSource(randoms));
        assert.equal(ext7.length, 7);
        assert.equal(extFromName(`fwAADGsBikWAbM8VAAAAAAAAAAA${ext7}`), ext);
        assert.match(ext7.slice(0, ext === '' ? 7 : 6 - ext.length), /^[0-9:]*$/);
      },
    ),
    { numRuns: 300 },
  );
});
