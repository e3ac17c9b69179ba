// STORAGE_PARAMETER_REQ (75, §5.2): the tracker's settings that storages and clients adopt, as
// `key=value\n` text in a fixed order. Storages read it as INI text of at most 1 KB.
import { TrackerCommand } from '../commands.js';
import { DEFAULT_RESERVED_MB } from '../constants.js';
import { badBody, invalidArgument } from './fields.js';

/** reserved_storage_space: "<n>MB" or "<x.xx>%" (§9.6). */
export type ReservedSpaceValue =
  { readonly kind: 'mb'; readonly mb: number } | { readonly kind: 'ratio'; readonly ratio: number };

/** "HH:MM" values. */
export interface TimeOfDayValue {
  readonly hour: number;
  readonly minute: number;
}

export interface TrackerParameters {
  useStorageId: boolean;
  idTypeInFilename: 'id' | 'ip';
  trustStorageServerId: boolean;
  /** 16 or 46: the IP size S of client replies (§10.1). */
  responseIpAddrSize: number;
  storageIpChangedAutoAdjust: boolean;
  storageSyncFileMaxDelay: number;
  /** 0 round robin, 2 load balance. */
  storePath: number;
  reservedStorageSpace: ReservedSpaceValue;
  useTrunkFile: boolean;
  slotMinSize: number;
  slotMaxSize: number;
  trunkAllocAlignmentSize: number;
  trunkFileSize: number;
  trunkCreateFileAdvance: boolean;
  trunkCreateFileTimeBase: TimeOfDayValue;
  trunkCreateFileInterval: number;
  trunkCreateFileSpaceThreshold: number;
  trunkInitCheckOccupying: boolean;
  trunkInitReloadFromBinlog: boolean;
  trunkFreeSpaceMerge: boolean;
  deleteUnusedTrunkFiles: boolean;
  trunkCompressBinlogMinInterval: number;
  trunkCompressBinlogInterval: number;
  trunkCompressBinlogTimeBase: TimeOfDayValue;
  trunkBinlogMaxBackups: number;
  storeSlaveFileUseLink: boolean;
}

/** What a reader assumes for a key the text leaves out (the tracker.conf defaults, §10.1). */
export const DEFAULT_TRACKER_PARAMETERS: Readonly<TrackerParameters> =
  Object.freeze<TrackerParameters>({
    useStorageId: false,
    idTypeInFilename: 'ip',
    trustStorageServerId: true,
    responseIpAddrSize: 16,
    storageIpChangedAutoAdjust: true,
    storageSyncFileMaxDelay: 86400,
    storePath: 0,
    reservedStorageSpace: { kind: 'mb', mb: DEFAULT_RESERVED_MB },
    useTrunkFile: false,
    slotMinSize: 256,
    slotMaxSize: 8 * 1024 * 1024,
    trunkAllocAlignmentSize: 0,
    trunkFileSize: 64 * 1024 * 1024,
    trunkCreateFileAdvance: false,
    trunkCreateFileTimeBase: { hour: 2, minute: 0 },
    trunkCreateFileInterval: 86400,
    trunkCreateFileSpaceThreshold: 0,
    trunkInitCheckOccupying: false,
    trunkInitReloadFromBinlog: false,
    trunkFreeSpaceMerge: false,
    deleteUnusedTrunkFiles: false,
    trunkCompressBinlogMinInterval: 0,
    trunkCompressBinlogInterval: 0,
    trunkCompressBinlogTimeBase: { hour: 3, minute: 0 },
    trunkBinlogMaxBackups: 0,
    storeSlaveFileUseLink: false,
  });

type Kind = 'bool' | 'int' | 'idType' | 'reserved' | 'time';

/** The keys in the order the C tracker prints them (§5.2 cmd 75). */
const FIELDS: readonly (readonly [string, keyof TrackerParameters, Kind])[] = [
  ['use_storage_id', 'useStorageId', 'bool'],
  ['id_type_in_filename', 'idTypeInFilename', 'idType'],
  ['trust_storage_server_id', 'trustStorageServerId', 'bool'],
  ['response_ip_addr_size', 'responseIpAddrSize', 'int'],
  ['storage_ip_changed_auto_adjust', 'storageIpChangedAutoAdjust', 'bool'],
  ['storage_sync_file_max_delay', 'storageSyncFileMaxDelay', 'int'],
  ['store_path', 'storePath', 'int'],
  ['reserved_storage_space', 'reservedStorageSpace', 'reserved'],
  ['use_trunk_file', 'useTrunkFile', 'bool'],
  ['slot_min_size', 'slotMinSize', 'int'],
  ['slot_max_size', 'slotMaxSize', 'int'],
  ['trunk_alloc_alignment_size', 'trunkAllocAlignmentSize', 'int'],
  ['trunk_file_size', 'trunkFileSize', 'int'],
  ['trunk_create_file_advance', 'trunkCreateFileAdvance', 'bool'],
  ['trunk_create_file_time_base', 'trunkCreateFileTimeBase', 'time'],
  ['trunk_create_file_interval', 'trunkCreateFileInterval', 'int'],
  ['trunk_create_file_space_threshold', 'trunkCreateFileSpaceThreshold', 'int'],
  ['trunk_init_check_occupying', 'trunkInitCheckOccupying', 'bool'],
  ['trunk_init_reload_from_binlog', 'trunkInitReloadFromBinlog', 'bool'],
  ['trunk_free_space_merge', 'trunkFreeSpaceMerge', 'bool'],
  ['delete_unused_trunk_files', 'deleteUnusedTrunkFiles', 'bool'],
  ['trunk_compress_binlog_min_interval', 'trunkCompressBinlogMinInterval', 'int'],
  ['trunk_compress_binlog_interval', 'trunkCompressBinlogInterval', 'int'],
  ['trunk_compress_binlog_time_base', 'trunkCompressBinlogTimeBase', 'time'],
  ['trunk_binlog_max_backups', 'trunkBinlogMaxBackups', 'int'],
  ['store_slave_file_use_link', 'storeSlaveFileUseLink', 'bool'],
];

/** The C reader's buffer is 1024 bytes (§5.2 cmd 75). */
export const MAX_PARAMETER_REPLY = 1023;

const pad2 = (n: number): string => String(n).padStart(2, '0');

function formatValue(kind: Kind, value: TrackerParameters[keyof TrackerParameters]): string {
  switch (kind) {
    case 'bool':
      return value ? '1' : '0';
    case 'reserved': {
      const r = value as ReservedSpaceValue;
      return r.kind === 'mb' ? `${r.mb}MB` : `${(r.ratio * 100).toFixed(2)}%`;
    }
    case 'time': {
      const t = value as TimeOfDayValue;
      return `${pad2(t.hour)}:${pad2(t.minute)}`;
    }
    default:
      return String(value);
  }
}

/** `key=value\n` for every key, in the §5.2 order. */
export function formatTrackerParameters(p: TrackerParameters): string {
  return FIELDS.map(([key, field, kind]) => `${key}=${formatValue(kind, p[field])}\n`).join('');
}

export function encodeParameterReply(p: TrackerParameters): Buffer {
  const body = Buffer.from(formatTrackerParameters(p), 'utf8');
  if (body.length > MAX_PARAMETER_REPLY) {
    throw invalidArgument(
      `parameter text of ${body.length} bytes exceeds ${MAX_PARAMETER_REPLY}`,
      TrackerCommand.STORAGE_PARAMETER_REQ,
    );
  }
  return body;
}

function parseValue(
  kind: Kind,
  key: string,
  text: string,
): TrackerParameters[keyof TrackerParameters] {
  const bad = (): never => {
    throw badBody(TrackerCommand.STORAGE_PARAMETER_REQ, `${key}=${text} is not a valid value`);
  };
  switch (kind) {
    case 'bool':
      if (text !== '0' && text !== '1') bad();
      return text === '1';
    case 'idType':
      if (text !== 'id' && text !== 'ip') bad();
      return text as 'id' | 'ip';
    case 'int': {
      if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) bad();
      return Number(text);
    }
    case 'reserved': {
      const mb = /^(\d+)MB$/.exec(text);
      if (mb) return { kind: 'mb', mb: Number(mb[1]) };
      const pct = /^(\d+(?:\.\d+)?)%$/.exec(text);
      if (!pct) return bad();
      return { kind: 'ratio', ratio: Number(pct[1]) / 100 };
    }
    case 'time': {
      const m = /^(\d{2}):(\d{2})$/.exec(text);
      if (!m) return bad();
      return { hour: Number(m[1]), minute: Number(m[2]) };
    }
  }
}

/**
 * The reply text, read as a storage's INI reader does: lines without '=' and unknown keys are
 * skipped, a missing key takes its default; a known key with a malformed value is ERR_BAD_BODY.
 */
export function decodeParameterReply(body: Buffer): TrackerParameters {
  const values = new Map<string, string>();
  for (const line of body.toString('utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const out: Record<string, unknown> = { ...DEFAULT_TRACKER_PARAMETERS };
  for (const [key, field, kind] of FIELDS) {
    const text = values.get(key);
    if (text !== undefined) out[field] = parseValue(kind, key, text);
  }
  return out as unknown as TrackerParameters;
}
