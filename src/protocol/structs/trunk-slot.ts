// Trunk slot (FDFSTrunkInfoBuff, §4.6), 15 bytes: where a small file sits inside a trunk file.
import { BufferReader, BufferWriter } from '../buffer.js';
import { expectLength, writeI32, writeU8 } from './fields.js';

export const TRUNK_SLOT_SIZE = 15;

export interface TrunkSlot {
  storePathIndex: number;
  /** First-level subdirectory index. */
  subPathHigh: number;
  /** Second-level subdirectory index. */
  subPathLow: number;
  /** Trunk file id. */
  id: number;
  /** Byte offset inside the trunk file. */
  offset: number;
  /** Allocated slot size, header included. */
  size: number;
}

export function writeTrunkSlot(w: BufferWriter, v: TrunkSlot): void {
  writeU8(w, v.storePathIndex, 'trunk store_path_index');
  writeU8(w, v.subPathHigh, 'trunk sub_path_high');
  writeU8(w, v.subPathLow, 'trunk sub_path_low');
  writeI32(w, v.id, 'trunk id');
  writeI32(w, v.offset, 'trunk offset');
  writeI32(w, v.size, 'trunk size');
}

export function readTrunkSlot(r: BufferReader): TrunkSlot {
  return {
    storePathIndex: r.u8('store_path_index'),
    subPathHigh: r.u8('sub_path_high'),
    subPathLow: r.u8('sub_path_low'),
    id: r.i32('trunk id'),
    offset: r.i32('trunk offset'),
    size: r.i32('trunk size'),
  };
}

export function encodeTrunkSlot(v: TrunkSlot): Buffer {
  const w = new BufferWriter(TRUNK_SLOT_SIZE);
  writeTrunkSlot(w, v);
  return w.finish();
}

export function decodeTrunkSlot(buf: Buffer): TrunkSlot {
  expectLength(buf, TRUNK_SLOT_SIZE, 'trunk slot');
  return readTrunkSlot(new BufferReader(buf));
}
