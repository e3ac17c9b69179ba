import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isSlaveFileName, slaveFileName } from './slave-name.js';
import { extFromName } from './ext.js';
import { FdfsError } from '../errors.js';

const JPG = '00/00/fwAADGsBidyANlV7AAAAKSd8hCE597.jpg';
const TGZ = '00/00/oYYBAGsBjE-AC40cAAAQADo8v3w.tar.gz';
const NOEXT = '00/00/fwAADGsBikqAcgnNAAAAAR24ehQ7189254';

function refused(code: string, pattern: RegExp) {
  return (e: unknown) => e instanceof FdfsError && e.code === code && pattern.test(e.message);
}

test('slave names of the recordings (storage-21-*, storage-20-create-link-slave-name, file-ids)', () => {
  assert.equal(slaveFileName(JPG, '_big', 'jpg'), '00/00/fwAADGsBidyANlV7AAAAKSd8hCE597_big.jpg');
  assert.equal(
    slaveFileName(TGZ, '_big', 'tar.gz'),
    '00/00/oYYBAGsBjE-AC40cAAAQADo8v3w_big.tar.gz',
  );
  assert.equal(slaveFileName(NOEXT, '_big', ''), `${NOEXT}_big`);
  assert.equal(
    slaveFileName('00/00/oYYBAGsBjEuAFS4jAAAAZBmMglE557.txt', '_lnk', 'txt'),
    '00/00/oYYBAGsBjEuAFS4jAAAAZBmMglE557_lnk.txt',
  );
});

test("the extension: given, given with its dot, empty (none), or undefined (the master's)", () => {
  assert.equal(slaveFileName(JPG, '_s', '.png'), '00/00/fwAADGsBidyANlV7AAAAKSd8hCE597_s.png');
  assert.equal(slaveFileName(JPG, '_s', ''), '00/00/fwAADGsBidyANlV7AAAAKSd8hCE597_s');
  assert.equal(slaveFileName(JPG, '_s', undefined), '00/00/fwAADGsBidyANlV7AAAAKSd8hCE597_s.jpg');
  assert.equal(slaveFileName(TGZ, '_s', undefined), '00/00/oYYBAGsBjE-AC40cAAAQADo8v3w_s.tar.gz');
  assert.equal(slaveFileName(NOEXT, '_s', undefined), `${NOEXT}_s`);
  // An empty prefix is fine when the extension changes.
  assert.equal(slaveFileName(JPG, '', 'png'), '00/00/fwAADGsBidyANlV7AAAAKSd8hCE597.png');
});

test('every refusal rule of §7.7', () => {
  assert.throws(
    () => slaveFileName('00/00/short.jpg', '_b', 'jpg'),
    refused('ERR_BAD_FILE_ID', /shorter than 34/),
  );
  assert.throws(() => slaveFileName(NOEXT, '-m', ''), refused('ERR_INVALID_ARGUMENT', /metadata/));
  assert.throws(() => slaveFileName(JPG, '-m', ''), refused('ERR_INVALID_ARGUMENT', /metadata/));
  assert.throws(
    () => slaveFileName(JPG, '', 'jpg'),
    refused('ERR_INVALID_ARGUMENT', /empty slave prefix/),
  );
  assert.throws(
    () => slaveFileName(JPG, '', undefined),
    refused('ERR_INVALID_ARGUMENT', /empty slave prefix/),
  );
  assert.throws(
    () => slaveFileName(NOEXT, '', ''),
    refused('ERR_INVALID_ARGUMENT', /empty slave prefix/),
  );
  assert.throws(
    () => slaveFileName(JPG, 'x'.repeat(17), 'jpg'),
    refused('ERR_INVALID_ARGUMENT', /prefix/),
  );
  assert.throws(() => slaveFileName(JPG, '_a/b', 'jpg'), refused('ERR_INVALID_ARGUMENT', /prefix/));
  assert.throws(
    () => slaveFileName(JPG, '_b', 'abcdefg'),
    refused('ERR_INVALID_ARGUMENT', /extension/),
  );
  assert.throws(
    () => slaveFileName(JPG, '_b', 'j*g'),
    refused('ERR_INVALID_ARGUMENT', /extension/),
  );
  assert.throws(() => slaveFileName(JPG, '.', '.jpg'), refused('ERR_INVALID_ARGUMENT', /"\.\."/));
  assert.throws(
    () => slaveFileName(JPG, '', 'png', { requirePrefix: true }),
    refused('ERR_INVALID_ARGUMENT', /prefix is empty/),
  );
});

test('IS_SLAVE_FILE: longer than 60, or longer than 44 without the trunk flag', () => {
  const trunk = 0x8800000000000010n;
  const normal = 0x8000000000000010n;
  const name = (n: number) => 'M00/00/00/' + 'a'.repeat(n - 10);
  assert.equal(isSlaveFileName(name(44), normal), false);
  assert.equal(isSlaveFileName(name(45), normal), true);
  assert.equal(isSlaveFileName(name(45), trunk), false);
  assert.equal(isSlaveFileName(name(60), trunk), false);
  assert.equal(isSlaveFileName(name(60), normal), true);
  assert.equal(isSlaveFileName(name(61), trunk), true);
});

test('property: a slave keeps the master up to its dot, then the prefix and the extension', () => {
  const master = fc
    .tuple(
      fc.stringMatching(/^[A-Za-z0-9_-]{27}$/),
      fc.stringMatching(/^[0-9]{7}$/),
      fc.constantFrom('', 'jpg', 'tar.gz', 'abcdef', 'x'),
    )
    .map(
      ([b27, digits, ext]) =>
        `00/00/${b27}${ext ? digits.slice(0, 6 - ext.length) + '.' + ext : digits}`,
    );
  fc.assert(
    fc.property(
      master,
      fc.stringMatching(/^[A-Za-z0-9_-]{1,16}$/),
      fc.constantFrom('', 'png', 'tar.gz', 'Ab-_9'),
      (m, prefix, ext) => {
        fc.pre(!(prefix === '-m' && ext === ''));
        const slave = slaveFileName(m, prefix, ext);
        const base = m.includes('.', m.length - 7) ? m.slice(0, m.indexOf('.', m.length - 7)) : m;
        assert.equal(slave, base + prefix + (ext ? `.${ext}` : ''));
        if (ext) assert.equal(extFromName(slave), ext);
        assert.ok(slave.length > m.length - 7);
      },
    ),
    { numRuns: 300 },
  );
});
