// Slave file names (§7.7): a master's name with a prefix and an extension spliced in
// (`fdfs_gen_slave_filename`), and how a slave is recognised by its length (`IS_SLAVE_FILE`).
import {
  FILE_EXT_NAME_MAX_LEN,
  FILE_PREFIX_MAX_LEN,
  NORMAL_LOGIC_FILENAME_LENGTH,
  TRUNK_LOGIC_FILENAME_LENGTH,
} from '../constants.js';
import { FdfsError } from '../errors.js';
import { EXT7_LENGTH } from './ext.js';
import { isTrunkSizeField } from './name-block.js';

/** C's minimum master length: 28 + FDFS_FILE_EXT_NAME_MAX_LEN. */
export const MIN_MASTER_NAME_LENGTH = 28 + FILE_EXT_NAME_MAX_LEN;

const NAME_CHARS_RE = /^[A-Za-z0-9_.-]*$/;

export interface SlaveNameOptions {
  /** The storage's extra rule (cmd 21): the prefix must not be empty. */
  requirePrefix?: boolean;
}

function refuse(message: string): never {
  throw new FdfsError('ERR_INVALID_ARGUMENT', message);
}

/**
 * The slave's name for `masterTrueName` ("XX/YY/name"; a logic name "Mpp/XX/YY/name" gives the
 * slave's logic name the same way). `ext`: a non-empty value (with or without its leading '.')
 * becomes the slave's extension, '' means none, and undefined keeps the master's.
 * Refusals: a master shorter than 34 characters (ERR_BAD_FILE_ID); a prefix over 16 or an
 * extension over 6 characters, or either with a character outside [A-Za-z0-9_.-] (C truncates
 * the extension instead); prefix "-m" without an extension (it would clash with metadata files);
 * an empty prefix when the slave's extension equals the master's; a result containing "..".
 */
export function slaveFileName(
  masterTrueName: string,
  prefix: string,
  ext: string | undefined,
  options: SlaveNameOptions = {},
): string {
  if (masterTrueName.length < MIN_MASTER_NAME_LENGTH) {
    throw new FdfsError(
      'ERR_BAD_FILE_ID',
      `master name ${JSON.stringify(masterTrueName)} is shorter than ${MIN_MASTER_NAME_LENGTH} characters`,
    );
  }
  if (prefix.length > FILE_PREFIX_MAX_LEN || !NAME_CHARS_RE.test(prefix)) {
    refuse(
      `slave prefix ${JSON.stringify(prefix)} is not 0..${FILE_PREFIX_MAX_LEN} of [A-Za-z0-9_.-]`,
    );
  }
  if (options.requirePrefix && prefix === '') refuse('slave prefix is empty');

  const tailStart = masterTrueName.length - EXT7_LENGTH;
  const dotAt = masterTrueName.indexOf('.', tailStart);
  const masterExt = dotAt < 0 ? undefined : masterTrueName.slice(dotAt);

  let slaveExt: string;
  if (ext === undefined) {
    slaveExt = masterExt ?? '';
  } else {
    const bare = ext.startsWith('.') ? ext.slice(1) : ext;
    if (bare.length > FILE_EXT_NAME_MAX_LEN || !NAME_CHARS_RE.test(bare)) {
      refuse(`slave extension ${JSON.stringify(ext)} is not 0..6 of [A-Za-z0-9_.-]`);
    }
    slaveExt = bare === '' ? '' : `.${bare}`;
  }

  if (slaveExt === '' && prefix === '-m') {
    refuse('slave prefix "-m" without an extension would clash with metadata files');
  }
  if (prefix === '' && (masterExt ?? '') === slaveExt) {
    refuse("an empty slave prefix needs an extension different from the master's");
  }

  const slave = masterTrueName.slice(0, dotAt < 0 ? undefined : dotAt) + prefix + slaveExt;
  if (slave.slice(masterTrueName.lastIndexOf('/') + 1).includes('..')) {
    refuse(`slave name ${JSON.stringify(slave)} would contain ".."`);
  }
  return slave;
}

/**
 * `IS_SLAVE_FILE(len, size)`: longer than 60 characters, or longer than 44 without the trunk flag.
 * Appender names are checked first by callers (§7.8 step 5).
 */
export function isSlaveFileName(logicName: string, sizeField: bigint): boolean {
  const len = logicName.length;
  return (
    len > TRUNK_LOGIC_FILENAME_LENGTH ||
    (len > NORMAL_LOGIC_FILENAME_LENGTH && !isTrunkSizeField(sizeField))
  );
}
