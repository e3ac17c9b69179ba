// File ids "group/Mpp/XX/YY/name" (§7.1): parsing, formatting, decoding what the name says without
// asking a server (§7.8, `fdfs_get_file_info_ex`), and generating new names for the storage (§7.2).
import { NORMAL_LOGIC_FILENAME_LENGTH, TRUNK_LOGIC_FILENAME_LENGTH } from '../constants.js';
import { FdfsError } from '../errors.js';
import { EXT7_LENGTH, formatExt7 } from './ext.js';
import {
  checkGroupName,
  formatLogicName,
  parseLogicName,
  type LogicNameLimits,
  type ParsedLogicName,
} from './logic-name.js';
import {
  decodeNameBlock,
  encodeNameBlock,
  isAppenderSizeField,
  isServerIdText,
  isTrunkSizeField,
  makeSizeField,
  NAME_BLOCK_LENGTH,
  sizeFromSizeField,
  type SizeFieldKind,
} from './name-block.js';
import { drawRandom, type RandomSource } from './random.js';
import { isSlaveFileName } from './slave-name.js';
import type { SubdirPair } from './subdir.js';
import {
  decodeTrunkBlock,
  encodeTrunkBlock,
  TRUNK_BLOCK_LENGTH,
  type TrunkLocation,
} from './trunk-name.js';

export * from './logic-name.js';

/** One line of storage_ids.conf (§10.4), as the config reader produces it. */
export interface StorageIdEntry {
  /** Decimal server id, e.g. "100001". */
  id: string;
  groupName: string;
  /** One or two addresses; the first is the one file names resolve to. */
  ips: string[];
  port: number;
}

export interface ParsedFileId {
  groupName: string;
  logicName: string;
}

export type FileKind = 'normal' | 'appender' | 'slave' | 'trunk';

/** What a file id says by itself (§7.8), field for field what `fdfs_file_info` prints. */
export interface DecodedFileId {
  groupName: string;
  storePathIndex: number;
  subdir1: number;
  subdir2: number;
  kind: FileKind;
  /** The source's IPv4 address; for a server id its first address in storage ids, or '' if unknown. */
  sourceIpAddr: string;
  /** The server id as decimal text, or '0' when the name carries an IPv4 address. */
  sourceId: string;
  /** Unix seconds. */
  createTimestamp: number;
  /** null for appender and slave files: their size is not in the name. */
  fileSize: bigint | null;
  /** Unsigned CRC32 from the name (of the initial content for appenders, of the master for slaves). */
  crc32: number;
}

export interface DecodeFileIdOptions extends LogicNameLimits {
  storageIds?: readonly StorageIdEntry[];
}

function splitFileId(fileId: string, limits: LogicNameLimits): ParsedFileId & ParsedLogicName {
  const slash = fileId.indexOf('/');
  if (slash < 0) {
    throw new FdfsError(
      'ERR_BAD_FILE_ID',
      `file id ${JSON.stringify(fileId)}: no "/" after the group name`,
    );
  }
  const groupName = fileId.slice(0, slash);
  const logicName = fileId.slice(slash + 1);
  checkGroupName(groupName);
  return { groupName, logicName, ...parseLogicName(logicName, limits) };
}

/**
 * Split at the first '/' and check both halves: the group name (`checkGroupName`) and the logic
 * name (`parseLogicName`, with `limits`).
 */
export function parseFileId(fileId: string, limits: LogicNameLimits = {}): ParsedFileId {
  const { groupName, logicName } = splitFileId(fileId, limits);
  return { groupName, logicName };
}

export function formatFileId(groupName: string, logicName: string): string {
  checkGroupName(groupName);
  parseLogicName(logicName);
  return `${groupName}/${logicName}`;
}

/**
 * Decode a file id as `fdfs_file_info` does (§7.8). Beyond `parseFileId`, the logic name must have
 * the 44 characters of a decodable name (EINVAL in C), and the name block must be valid base64.
 * Kind: appender flag first, then a 60-character trunk-flagged name is 'trunk', then
 * `IS_SLAVE_FILE`, else 'normal' — so, as in C, a trunk-flagged name of 45..59 characters is normal.
 */
export function decodeFileId(fileId: string, options: DecodeFileIdOptions = {}): DecodedFileId {
  const parsed = splitFileId(fileId, options);
  const { groupName, logicName } = parsed;
  if (logicName.length < NORMAL_LOGIC_FILENAME_LENGTH) {
    throw new FdfsError(
      'ERR_BAD_FILE_ID',
      `file id ${JSON.stringify(fileId)}: logic name is ${logicName.length} characters, ` +
        `a decodable name has at least ${NORMAL_LOGIC_FILENAME_LENGTH}`,
    );
  }
  const block = decodeNameBlock(parsed.name.slice(0, NAME_BLOCK_LENGTH));
  const { sizeField } = block;

  let kind: FileKind;
  if (isAppenderSizeField(sizeField)) {
    kind = 'appender';
  } else if (logicName.length === TRUNK_LOGIC_FILENAME_LENGTH && isTrunkSizeField(sizeField)) {
    decodeTrunkBlock(parsed.name.slice(NAME_BLOCK_LENGTH, NAME_BLOCK_LENGTH + TRUNK_BLOCK_LENGTH));
    kind = 'trunk';
  } else if (isSlaveFileName(logicName, sizeField)) {
    kind = 'slave';
  } else {
    kind = 'normal';
  }

  let sourceId = '0';
  let sourceIpAddr = block.sourceIdOrIp;
  if (isServerIdText(block.sourceIdOrIp)) {
    sourceId = block.sourceIdOrIp;
    const entry = options.storageIds?.find((e) => e.id === sourceId);
    sourceIpAddr = entry?.ips[0] ?? '';
  }

  return {
    groupName,
    storePathIndex: parsed.storePathIndex,
    subdir1: parsed.subdir1,
    subdir2: parsed.subdir2,
    kind,
    sourceIpAddr,
    sourceId,
    createTimestamp: block.timestamp,
    fileSize: kind === 'normal' || kind === 'trunk' ? sizeFromSizeField(sizeField) : null,
    crc32: block.crc32,
  };
}

/** `fdfs_file_info` asks the storage (QUERY_FILE_INFO) exactly when this holds (§7.8 step 7). */
export function fileInfoNeedsServer(decoded: DecodedFileId): boolean {
  return decoded.kind === 'appender' || decoded.kind === 'slave' || decoded.sourceIpAddr === '';
}

export interface GenerateFileNameInput {
  storePathIndex: number;
  /** A fixed pair (round robin, a reused or trunk-slot pair), or a chooser given the B27 (random mode). */
  subdirs: SubdirPair | ((b27: string) => SubdirPair);
  /** Server id text or IPv4 address (§7.2 bytes 0–3). */
  source: string;
  timestamp: number;
  kind: SizeFieldKind;
  /** Content size (ignored for appenders). */
  size: bigint;
  crc32: number;
  /** The upload's extension, formatted into EXT7 with `random`... */
  ext?: string;
  /** ...or an EXT7 to keep as it is (a regenerated appender name keeps its suffix). */
  ext7?: string;
  random: RandomSource;
  /** Required for kind 'trunk'. */
  trunk?: TrunkLocation;
}

export interface GeneratedFileName {
  logicName: string;
  b27: string;
  ext7: string;
  subdirs: SubdirPair;
}

/**
 * A new logic name (`storage_gen_filename`). Random draws happen in C's order: the EXT7 digits
 * (when `ext` is given), then one draw for the size field (every kind except a normal file of
 * 4 GiB or more). Retrying on a name collision (§7.5) is the caller's loop.
 */
export function generateFileName(input: GenerateFileNameInput): GeneratedFileName {
  const ext7 = input.ext7 ?? formatExt7(input.ext ?? '', input.random);
  if (ext7.length !== EXT7_LENGTH) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', `EXT7 ${JSON.stringify(ext7)} is not 7 characters`);
  }
  const needsRandom = input.kind !== 'normal' || input.size <= 0xffffffffn;
  const sizeField = makeSizeField(
    input.kind,
    input.size,
    needsRandom ? drawRandom(input.random) : 0,
  );
  const b27 = encodeNameBlock({
    sourceIdOrIp: input.source,
    timestamp: input.timestamp,
    sizeField,
    crc32: input.crc32,
  });
  let t16 = '';
  if (input.kind === 'trunk') {
    if (!input.trunk)
      throw new FdfsError('ERR_INVALID_ARGUMENT', 'a trunk name needs its trunk location');
    t16 = encodeTrunkBlock(input.trunk);
  }
  const subdirs = typeof input.subdirs === 'function' ? input.subdirs(b27) : input.subdirs;
  const logicName = formatLogicName(
    input.storePathIndex,
    subdirs.subdir1,
    subdirs.subdir2,
    b27 + t16 + ext7,
  );
  return { logicName, b27, ext7, subdirs: { subdir1: subdirs.subdir1, subdir2: subdirs.subdir2 } };
}
