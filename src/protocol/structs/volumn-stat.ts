// SERVER_STORAGE_VOLUMN_STAT (98, since 6.16.0; §4.8, §5.2): the 4-byte VolumnStatFilter request
// and the reply: a 5-byte header (use_trunk_file u8, count i32), then one 59-byte
// StorageVolumnStatRespBodyPart per group. ("Volumn" is FastDFS's spelling.)
import { BufferReader, BufferWriter } from '../buffer.js';
import { GROUP_NAME_STRUCT_SIZE } from '../constants.js';
import { FdfsError } from '../errors.js';
import { expectLength, writeGroupName, writeU8 } from './fields.js';

export const VOLUMN_STAT_FILTER_SIZE = 4;
export const VOLUMN_STAT_HEADER_SIZE = 5;
export const VOLUMN_STAT_SIZE = 59;

/** `filterBy` bits (§3.5): 1 = disk available, 2 = trunk available, 4 = space available. */
export interface VolumnStatFilter {
  filterBy: number;
  isDiskAvailable: number;
  isTrunkAvailable: number;
  isSpaceAvailable: number;
}

export interface VolumnStat {
  groupName: string;
  totalMb: number;
  freeMb: number;
  reservedMb: number;
  /** max(0, free − reserved) when the disk is available, else 0. */
  availMb: number;
  trunkFreeMb: number;
  isDiskAvailable: number;
  isTrunkAvailable: number;
}

export interface VolumnStatReply {
  useTrunkFile: number;
  groups: VolumnStat[];
}

export function encodeVolumnStatFilter(v: VolumnStatFilter): Buffer {
  const w = new BufferWriter(VOLUMN_STAT_FILTER_SIZE);
  writeU8(w, v.filterBy, 'filter_by');
  writeU8(w, v.isDiskAvailable, 'is_disk_available');
  writeU8(w, v.isTrunkAvailable, 'is_trunk_available');
  writeU8(w, v.isSpaceAvailable, 'is_space_available');
  return w.finish();
}

export function decodeVolumnStatFilter(buf: Buffer): VolumnStatFilter {
  expectLength(buf, VOLUMN_STAT_FILTER_SIZE, 'volumn stat filter');
  const r = new BufferReader(buf);
  return {
    filterBy: r.u8('filter_by'),
    isDiskAvailable: r.u8('is_disk_available'),
    isTrunkAvailable: r.u8('is_trunk_available'),
    isSpaceAvailable: r.u8('is_space_available'),
  };
}

export function encodeVolumnStatReply(v: VolumnStatReply): Buffer {
  const w = new BufferWriter(VOLUMN_STAT_HEADER_SIZE + v.groups.length * VOLUMN_STAT_SIZE);
  writeU8(w, v.useTrunkFile, 'use_trunk_file');
  w.i32(v.groups.length);
  for (const g of v.groups) {
    writeGroupName(w, GROUP_NAME_STRUCT_SIZE, g.groupName);
    w.i64(g.totalMb).i64(g.freeMb).i64(g.reservedMb).i64(g.availMb).i64(g.trunkFreeMb);
    writeU8(w, g.isDiskAvailable, 'is_disk_available');
    writeU8(w, g.isTrunkAvailable, 'is_trunk_available');
  }
  return w.finish();
}

export function decodeVolumnStatReply(buf: Buffer): VolumnStatReply {
  const r = new BufferReader(buf);
  const useTrunkFile = r.u8('use_trunk_file');
  const count = r.i32('count');
  if (count < 0) throw new FdfsError('ERR_BAD_BODY', `volumn stat: count ${count}`);
  expectLength(
    buf,
    VOLUMN_STAT_HEADER_SIZE + count * VOLUMN_STAT_SIZE,
    `volumn stat (${count} groups)`,
  );
  const groups: VolumnStat[] = [];
  for (let i = 0; i < count; i++) {
    groups.push({
      groupName: r.fixedString(GROUP_NAME_STRUCT_SIZE, 'group_name'),
      totalMb: r.i64('total_mb'),
      freeMb: r.i64('free_mb'),
      reservedMb: r.i64('reserved_mb'),
      availMb: r.i64('avail_mb'),
      trunkFreeMb: r.i64('trunk_free_mb'),
      isDiskAvailable: r.u8('is_disk_available'),
      isTrunkAvailable: r.u8('is_trunk_available'),
    });
  }
  return { useTrunkFile, groups };
}
