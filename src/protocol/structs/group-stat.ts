// Group stat (TrackerGroupStat) of LIST_ONE_GROUP (90) / LIST_ALL_GROUPS (91): §4.2, 113 bytes since
// 6.13.1, and the 105-byte layout of 6.12 and earlier (§14.4: storage_http_port and active_count in
// place of readable/writable counts, no reserved_mb).
import { BufferReader, BufferWriter } from '../buffer.js';
import { GROUP_NAME_STRUCT_SIZE } from '../constants.js';
import { FdfsError } from '../errors.js';
import { expectLength, joinRecords, splitRecords, writeGroupName } from './fields.js';

export type GroupStatLayout = '6.13.1' | '6.12';

export const GROUP_STAT_SIZES: Readonly<Record<GroupStatLayout, number>> = {
  '6.13.1': 113,
  '6.12': 105,
};

export interface GroupStat {
  groupName: string;
  totalMb: number;
  freeMb: number;
  /** 0 when read from a ≤ 6.12 record. */
  reservedMb: number;
  trunkFreeMb: number;
  storageCount: number;
  /** −1 if the members use different ports (§9.1). */
  storagePort: number;
  /** ≤ 6.12 records carry one active_count; it is read into both counts. */
  readableServerCount: number;
  writableServerCount: number;
  currentWriteServer: number;
  storePathCount: number;
  subdirCountPerPath: number;
  /** −1 when use_trunk_file is false. */
  currentTrunkFileId: number;
  /** Only in the ≤ 6.12 record (written as 0 when absent). */
  storageHttpPort?: number;
  /**
   * Only in the ≤ 6.12 record. When absent, the 6.12 encoder writes the larger of the readable
   * and writable counts: every ACTIVE storage of a pre-6.13 group could both read and write.
   */
  activeCount?: number;
}

export interface GroupStatOptions {
  /** '6.13.1' (default, 113 bytes) or '6.12' (105 bytes, for clients of 6.12 and earlier). */
  layout?: GroupStatLayout;
}

/**
 * The layout of a LIST_ALL_GROUPS body: a multiple of 113 is the 6.13.1 layout, else a multiple of
 * 105 the ≤ 6.12 one. A length that is a multiple of both (11865: 105 groups of 113 bytes, or 113
 * of 105) is read as 6.13.1, the layout of every tracker we are likely to meet.
 */
export function groupStatLayoutOf(bodyLength: number): GroupStatLayout {
  if (bodyLength % GROUP_STAT_SIZES['6.13.1'] === 0) return '6.13.1';
  if (bodyLength % GROUP_STAT_SIZES['6.12'] === 0) return '6.12';
  throw new FdfsError(
    'ERR_BAD_BODY',
    `group stat list: body length ${bodyLength} is not a multiple of 113 or 105`,
  );
}

function writeGroupStat(w: BufferWriter, v: GroupStat, layout: GroupStatLayout): void {
  writeGroupName(w, GROUP_NAME_STRUCT_SIZE, v.groupName);
  w.i64(v.totalMb).i64(v.freeMb);
  if (layout === '6.13.1') {
    w.i64(v.reservedMb).i64(v.trunkFreeMb).i64(v.storageCount).i64(v.storagePort);
    w.i64(v.readableServerCount).i64(v.writableServerCount);
  } else {
    const active = v.activeCount ?? Math.max(v.readableServerCount, v.writableServerCount);
    w.i64(v.trunkFreeMb).i64(v.storageCount).i64(v.storagePort);
    w.i64(v.storageHttpPort ?? 0).i64(active);
  }
  w.i64(v.currentWriteServer).i64(v.storePathCount).i64(v.subdirCountPerPath);
  w.i64(v.currentTrunkFileId);
}

function readGroupStat(r: BufferReader, layout: GroupStatLayout): GroupStat {
  const groupName = r.fixedString(GROUP_NAME_STRUCT_SIZE, 'group_name');
  const totalMb = r.i64('total_mb');
  const freeMb = r.i64('free_mb');
  if (layout === '6.12') {
    const trunkFreeMb = r.i64('trunk_free_mb');
    const storageCount = r.i64('count');
    const storagePort = r.i64('storage_port');
    const storageHttpPort = r.i64('storage_http_port');
    const activeCount = r.i64('active_count');
    return {
      groupName,
      totalMb,
      freeMb,
      reservedMb: 0,
      trunkFreeMb,
      storageCount,
      storagePort,
      readableServerCount: activeCount,
      writableServerCount: activeCount,
      ...readTail(r),
      storageHttpPort,
      activeCount,
    };
  }
  return {
    groupName,
    totalMb,
    freeMb,
    reservedMb: r.i64('reserved_mb'),
    trunkFreeMb: r.i64('trunk_free_mb'),
    storageCount: r.i64('storage_count'),
    storagePort: r.i64('storage_port'),
    readableServerCount: r.i64('readable_server_count'),
    writableServerCount: r.i64('writable_server_count'),
    ...readTail(r),
  };
}

/** The four fields both layouts end with. */
function readTail(
  r: BufferReader,
): Pick<
  GroupStat,
  'currentWriteServer' | 'storePathCount' | 'subdirCountPerPath' | 'currentTrunkFileId'
> {
  return {
    currentWriteServer: r.i64('current_write_server'),
    storePathCount: r.i64('store_path_count'),
    subdirCountPerPath: r.i64('subdir_count_per_path'),
    currentTrunkFileId: r.i64('current_trunk_file_id'),
  };
}

export function encodeGroupStat(v: GroupStat, options: GroupStatOptions = {}): Buffer {
  const layout = options.layout ?? '6.13.1';
  const w = new BufferWriter(GROUP_STAT_SIZES[layout]);
  writeGroupStat(w, v, layout);
  return w.finish();
}

/** One record (the LIST_ONE_GROUP reply): 113 bytes, or 105 for the ≤ 6.12 layout. */
export function decodeGroupStat(buf: Buffer): GroupStat {
  const layout: GroupStatLayout = buf.length === GROUP_STAT_SIZES['6.12'] ? '6.12' : '6.13.1';
  expectLength(buf, GROUP_STAT_SIZES[layout], 'group stat');
  return readGroupStat(new BufferReader(buf), layout);
}

/** The LIST_ALL_GROUPS reply body. */
export function encodeGroupStatList(
  list: readonly GroupStat[],
  options: GroupStatOptions = {},
): Buffer {
  const layout = options.layout ?? '6.13.1';
  return joinRecords(list, GROUP_STAT_SIZES[layout], (w, v) => writeGroupStat(w, v, layout));
}

/** A LIST_ALL_GROUPS reply body; the record size is told by the body length (groupStatLayoutOf). */
export function decodeGroupStatList(buf: Buffer): GroupStat[] {
  const layout = groupStatLayoutOf(buf.length);
  return splitRecords(buf, GROUP_STAT_SIZES[layout], 'group stat list').map((rec) =>
    readGroupStat(new BufferReader(rec), layout),
  );
}
