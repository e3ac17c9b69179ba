// The "sync response" that answers STORAGE_BEAT (83), REPORT_DISK_USAGE (84) and SYNC_REPORT (89)
// (§5.3, tracker_check_and_sync): a flags byte, then 0..N storage briefs in this order: the tracker
// leader (flag bit0), the group's trunk server (bit1), every storage of the group (bit2).
import { BufferReader, BufferWriter } from '../buffer.js';
import {
  CHANGE_FLAG_GROUP_SERVER,
  CHANGE_FLAG_TRACKER_LEADER,
  CHANGE_FLAG_TRUNK_SERVER,
} from '../constants.js';
import { FdfsError } from '../errors.js';
import {
  readStorageBrief,
  storageBriefSize,
  writeStorageBrief,
  type IpFieldSize,
  type StorageBrief,
} from './storage-brief.js';

const KNOWN_FLAGS =
  CHANGE_FLAG_TRACKER_LEADER | CHANGE_FLAG_TRUNK_SERVER | CHANGE_FLAG_GROUP_SERVER;

export interface BeatResponse {
  /**
   * The flags byte as sent. Bits 0..2 say which parts below are present (§3.5); on encode they
   * are recomputed from the parts and only the other bits are taken from here.
   */
  flags: number;
  /** The tracker leader (id and ip_addr = its IP, port = its tracker port); all zeros = no leader. */
  leader?: StorageBrief;
  /** The group's trunk server; all zeros = none. */
  trunkServer?: StorageBrief;
  /** All storages of the group, sorted by id, with their current status. */
  groupServers?: StorageBrief[];
}

export interface BeatResponseOptions {
  /** IP field size of the briefs: 46 (default, 6.11+) or 16 (≤ 6.10). */
  ipSize?: IpFieldSize;
}

/** The flags byte for the parts present in `v`, keeping any other bits of `v.flags`. */
export function beatResponseFlags(v: Partial<BeatResponse>): number {
  let flags = (v.flags ?? 0) & ~KNOWN_FLAGS;
  if (v.leader) flags |= CHANGE_FLAG_TRACKER_LEADER;
  if (v.trunkServer) flags |= CHANGE_FLAG_TRUNK_SERVER;
  if (v.groupServers) flags |= CHANGE_FLAG_GROUP_SERVER;
  return flags;
}

export function encodeBeatResponse(
  v: Partial<BeatResponse>,
  options: BeatResponseOptions = {},
): Buffer {
  const ipSize = options.ipSize ?? 46;
  const briefs = [
    ...(v.leader ? [v.leader] : []),
    ...(v.trunkServer ? [v.trunkServer] : []),
    ...(v.groupServers ?? []),
  ];
  const flags = beatResponseFlags(v);
  if (flags < 0 || flags > 0xff) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', `beat response flags ${flags} do not fit a byte`);
  }
  const w = new BufferWriter(1 + briefs.length * storageBriefSize(ipSize));
  w.u8(flags);
  for (const brief of briefs) writeStorageBrief(w, brief, ipSize);
  return w.finish();
}

/**
 * Decode a sync response. The length must be 1 + N × 67 (the storage's own check), and the briefs
 * must be exactly those the flags announce: one per leader / trunk bit, the rest only with bit2.
 */
export function decodeBeatResponse(buf: Buffer, options: BeatResponseOptions = {}): BeatResponse {
  const ipSize = options.ipSize ?? 46;
  const size = storageBriefSize(ipSize);
  if (buf.length < 1 || (buf.length - 1) % size !== 0) {
    throw new FdfsError(
      'ERR_BAD_BODY',
      `beat response: body length ${buf.length} is not 1 + N × ${size}`,
    );
  }
  const r = new BufferReader(buf);
  const flags = r.u8('flags');
  const out: BeatResponse = { flags };
  const need = (what: string): void => {
    if (r.remaining < size) {
      throw new FdfsError(
        'ERR_BAD_BODY',
        `beat response: flags ${flags} announce a ${what} brief that is missing`,
      );
    }
  };
  if (flags & CHANGE_FLAG_TRACKER_LEADER) {
    need('leader');
    out.leader = readStorageBrief(r, ipSize);
  }
  if (flags & CHANGE_FLAG_TRUNK_SERVER) {
    need('trunk server');
    out.trunkServer = readStorageBrief(r, ipSize);
  }
  if (flags & CHANGE_FLAG_GROUP_SERVER) {
    const servers: StorageBrief[] = [];
    while (r.remaining > 0) servers.push(readStorageBrief(r, ipSize));
    out.groupServers = servers;
  }
  if (r.remaining > 0) {
    throw new FdfsError(
      'ERR_BAD_BODY',
      `beat response: ${r.remaining / size} briefs that flags ${flags} do not announce`,
    );
  }
  return out;
}
