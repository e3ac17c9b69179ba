// Logic file names "Mpp/XX/YY/name" (§7.1) and group names: strict parsing and formatting.
// A storage turns an accepted logic name into <store_path pp>/data/XX/YY/name, so every rule here
// exists to keep that path inside data/XX/YY/.
import { GROUP_NAME_MAX_LEN, LOGIC_FILE_PATH_LEN, MAX_FILENAME_LEN } from '../constants.js';
import { FdfsError } from '../errors.js';

export interface LogicNameLimits {
  /** Store path indexes must be below this (the storage's store_path_count). */
  storePathCount?: number;
  /** Subdirectory indexes must be below this (subdir_count_per_path). */
  subdirCount?: number;
}

export interface ParsedLogicName {
  storePathIndex: number;
  subdir1: number;
  subdir2: number;
  /** The file's name inside data/XX/YY/. */
  name: string;
  /** "XX/YY/name", the path below <store_path>/data/. */
  trueName: string;
}

const UPPER_HEX2_RE = /^[0-9A-F]{2}$/;
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f]/;
const GROUP_NAME_RE = new RegExp(`^[A-Za-z0-9]{1,${GROUP_NAME_MAX_LEN}}$`);

function bad(what: string, value: string, problem: string): never {
  throw new FdfsError('ERR_BAD_FILE_ID', `${what} ${JSON.stringify(value)}: ${problem}`);
}

/**
 * Group names are 1..16 letters and digits: the rule a tracker applies when a storage joins
 * (§5.3 cmd 81, `fdfs_validate_group_name`), so no group with '_' or '-' can exist.
 */
export function isValidGroupName(groupName: string): boolean {
  return GROUP_NAME_RE.test(groupName);
}

export function checkGroupName(groupName: string): void {
  if (!isValidGroupName(groupName)) {
    bad('group name', groupName, `not 1..${GROUP_NAME_MAX_LEN} letters and digits`);
  }
}

/** Why `name` cannot be a file's name inside data/XX/YY/, or undefined when it can. */
export function namePartProblem(name: string): string | undefined {
  if (name === '') return 'the file name part is empty';
  if (name === '.') return 'the file name part is "."';
  if (name.includes('/')) return 'the file name part contains "/"';
  if (name.includes('\\')) return 'the file name part contains "\\"';
  if (name.includes('..')) return 'the file name part contains ".."';
  if (name.includes('\u0000')) return 'the file name part contains NUL';
  if (CONTROL_RE.test(name)) return 'the file name part contains a control character';
  return undefined;
}

function checkIndex(
  logicName: string,
  part: string,
  what: string,
  limit: number | undefined,
  limitName: string,
): number {
  if (!UPPER_HEX2_RE.test(part)) {
    bad('logic name', logicName, `${what} "${part}" is not 2 upper-case hex digits`);
  }
  const value = parseInt(part, 16);
  if (limit !== undefined && value >= limit) {
    bad('logic name', logicName, `${what} ${value} is not below ${limitName} ${limit}`);
  }
  return value;
}

/**
 * Split and check a logic name, in the order of the storage's checks (§6 conventions,
 * `fdfs_check_data_filename`): longer than 10 characters, 'M', two hex digits of store path, '/',
 * "XX/YY/", then our own rules on the name part (`namePartProblem`). This is the syntactic check
 * every command makes: a short name such as "M00/00/00/short" passes it (the storage then answers
 * ENOENT, §16 #4). Only `decodeFileId` needs the ≥ 44 characters of a decodable name.
 * Unlike C, a name that does not start with 'M' (pre-1.12 names) is refused.
 */
export function parseLogicName(logicName: string, limits: LogicNameLimits = {}): ParsedLogicName {
  if (logicName.length <= LOGIC_FILE_PATH_LEN) {
    bad('logic name', logicName, `${logicName.length} characters, must be more than 10`);
  }
  if (logicName.length > MAX_FILENAME_LEN) {
    bad('logic name', logicName, `${logicName.length} characters, more than ${MAX_FILENAME_LEN}`);
  }
  if (logicName[0] !== 'M') bad('logic name', logicName, 'does not start with "M"');
  const storePathIndex = checkIndex(
    logicName,
    logicName.slice(1, 3),
    'store path index',
    limits.storePathCount,
    'store path count',
  );
  if (logicName[3] !== '/') bad('logic name', logicName, 'no "/" after the store path index');
  const limit = limits.subdirCount;
  const subdir1 = checkIndex(logicName, logicName.slice(4, 6), 'subdir', limit, 'subdir count');
  if (logicName[6] !== '/') bad('logic name', logicName, 'no "/" after the first subdir');
  const subdir2 = checkIndex(logicName, logicName.slice(7, 9), 'subdir', limit, 'subdir count');
  if (logicName[9] !== '/') bad('logic name', logicName, 'no "/" after the second subdir');
  const name = logicName.slice(LOGIC_FILE_PATH_LEN);
  const problem = namePartProblem(name);
  if (problem) bad('logic name', logicName, problem);
  return { storePathIndex, subdir1, subdir2, name, trueName: logicName.slice(4) };
}

function hex2(value: number, what: string): string {
  if (!Number.isInteger(value) || value < 0 || value > 255) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', `${what} ${value} is not 0..255`);
  }
  return value.toString(16).toUpperCase().padStart(2, '0');
}

/** "M%02X/%02X/%02X/name", checked by `parseLogicName`. */
export function formatLogicName(
  storePathIndex: number,
  subdir1: number,
  subdir2: number,
  name: string,
): string {
  const logicName =
    `M${hex2(storePathIndex, 'store path index')}/` +
    `${hex2(subdir1, 'subdir')}/${hex2(subdir2, 'subdir')}/${name}`;
  parseLogicName(logicName);
  return logicName;
}
