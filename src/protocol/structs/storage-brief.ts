// Storage brief (FDFSStorageBrief, §4.1): 67 bytes; 37 up to 6.10, when ip_addr was 16 bytes (§14.2).
// Used in beat responses (§5.3), REPLICA_CHG (85), REPORT_STATUS (76) and GET_STATUS (71).
import { BufferReader, BufferWriter } from '../buffer.js';
import { STORAGE_ID_MAX_SIZE } from '../constants.js';
import { expectLength, joinRecords, splitRecords, writeI32, writeU8 } from './fields.js';

/** Size of an IP text field: 46 since 6.11 (INET6_ADDRSTRLEN), 16 before, or per response_ip_addr_size. */
import type { IpFieldSize } from '../dialect.js';
export type { IpFieldSize };

export interface StorageBrief {
  /** Storage status (§3.3). */
  status: number;
  /** Storage port; a tracker port when the brief describes the tracker leader (§5.3). */
  port: number;
  /** Storage id; the IP text when storage ids are off. */
  id: string;
  ipAddr: string;
}

export interface StorageBriefOptions {
  /** Size of the ip_addr field: 46 (default, 6.11+) or 16 (≤ 6.10). */
  ipSize?: IpFieldSize;
}

export const STORAGE_BRIEF_SIZE = 67;
export const STORAGE_BRIEF_SIZE_LEGACY = 37;

/** 1 (status) + 4 (port) + 16 (id) + the IP field. */
export function storageBriefSize(ipSize: IpFieldSize = 46): number {
  return 1 + 4 + STORAGE_ID_MAX_SIZE + ipSize;
}

export function writeStorageBrief(w: BufferWriter, v: StorageBrief, ipSize: IpFieldSize): void {
  writeU8(w, v.status, 'brief status');
  writeI32(w, v.port, 'brief port');
  w.fixedString(STORAGE_ID_MAX_SIZE, v.id).fixedString(ipSize, v.ipAddr);
}

export function readStorageBrief(r: BufferReader, ipSize: IpFieldSize): StorageBrief {
  return {
    status: r.u8('brief status'),
    port: r.i32('brief port'),
    id: r.fixedString(STORAGE_ID_MAX_SIZE, 'brief id'),
    ipAddr: r.fixedString(ipSize, 'brief ip_addr'),
  };
}

export function encodeStorageBrief(v: StorageBrief, options: StorageBriefOptions = {}): Buffer {
  const ipSize = options.ipSize ?? 46;
  const w = new BufferWriter(storageBriefSize(ipSize));
  writeStorageBrief(w, v, ipSize);
  return w.finish();
}

export function decodeStorageBrief(buf: Buffer, options: StorageBriefOptions = {}): StorageBrief {
  const ipSize = options.ipSize ?? 46;
  expectLength(buf, storageBriefSize(ipSize), 'storage brief');
  return readStorageBrief(new BufferReader(buf), ipSize);
}

/** N briefs back to back (the body of REPLICA_CHG, 85). */
export function encodeStorageBriefList(
  list: readonly StorageBrief[],
  options: StorageBriefOptions = {},
): Buffer {
  const ipSize = options.ipSize ?? 46;
  return joinRecords(list, storageBriefSize(ipSize), (w, v) => writeStorageBrief(w, v, ipSize));
}

export function decodeStorageBriefList(
  buf: Buffer,
  options: StorageBriefOptions = {},
): StorageBrief[] {
  const ipSize = options.ipSize ?? 46;
  return splitRecords(buf, storageBriefSize(ipSize), 'storage brief list').map((rec) =>
    readStorageBrief(new BufferReader(rec), ipSize),
  );
}
