// The 7-character extension suffix (EXT7) that ends every generated name (§7.3).
import { FILE_EXT_NAME_MAX_LEN } from '../constants.js';
import { FdfsError } from '../errors.js';
import { drawRandom, RAND_MAX, type RandomSource } from './random.js';

/** Length of the suffix: FDFS_FILE_EXT_NAME_MAX_LEN + 1. */
export const EXT7_LENGTH = FILE_EXT_NAME_MAX_LEN + 1;

/** Characters the storage accepts in an extension or a slave prefix (§6.1 cmd 11/21). */
const NAME_CHARS_RE = /^[A-Za-z0-9_.-]*$/;

/** Why `ext` cannot be an upload extension, or undefined when it can. */
export function extProblem(ext: string): string | undefined {
  if (ext.length > FILE_EXT_NAME_MAX_LEN) return `longer than ${FILE_EXT_NAME_MAX_LEN} characters`;
  if (!NAME_CHARS_RE.test(ext)) return 'has a character outside [A-Za-z0-9_.-]';
  // Our rule, not C's: either would put ".." into the name, which parseLogicName refuses.
  if (ext.startsWith('.') || ext.includes('..')) return 'starts with "." or contains ".."';
  return undefined;
}

/** One EXT7 digit: '0' + (int)(10.0 * rand() / RAND_MAX), which is ':' when rand() = RAND_MAX. */
function randomDigit(random: RandomSource): string {
  return String.fromCharCode(48 + Math.floor((10 * drawRandom(random)) / RAND_MAX));
}

/**
 * EXT7 for an upload extension (`storage_format_ext_name`): 7 random digits when `ext` is empty,
 * else (6 − len) digits, '.', `ext`. Example: "jpg" → "ddd.jpg", "tar.gz" → ".tar.gz".
 */
export function formatExt7(ext: string, random: RandomSource): string {
  const problem = extProblem(ext);
  if (problem) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', `extension ${JSON.stringify(ext)} ${problem}`);
  }
  const padLength = ext.length === 0 ? EXT7_LENGTH : FILE_EXT_NAME_MAX_LEN - ext.length;
  let out = '';
  for (let i = 0; i < padLength; i++) out += randomDigit(random);
  return ext.length === 0 ? out : `${out}.${ext}`;
}

/**
 * The extension of a FastDFS name: the text after the first '.' within its last 7 characters, or ''.
 * The first dot, not the last: the random digits never contain one, so "….tar.gz" gives "tar.gz",
 * and C's slave naming (`fdfs_gen_slave_filename`) looks for the same dot (§7.7).
 */
export function extFromName(name: string): string {
  const tail = name.slice(-EXT7_LENGTH);
  const dot = tail.indexOf('.');
  return dot < 0 ? '' : tail.slice(dot + 1);
}
