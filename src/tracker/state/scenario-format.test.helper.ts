// Parsing and printing for the scenario scripts (testdata/*.txt). Test support only.
import { Buffer } from 'node:buffer';
import { errnoName } from '../../protocol/errno.js';
import {
  RwMode,
  StorageStatus,
  storageStatusCaption,
  type RwModeValue,
} from '../../protocol/status.js';
import type { GroupStat, StorageStat } from './admin.js';
import type { ClusterState, StorageAddress, StorageView } from './cluster-state.js';
import type { FileSource } from './download-selection.js';
import type { Outcome } from './outcome.js';
import type { ReservedSpace, StorageIdEntry } from './policy.js';
import type { SyncSource } from './sync-source.js';

/** `key=value` arguments of a command line; bare words are flags. */
export class Args {
  private readonly values = new Map<string, string>();
  private readonly flags = new Set<string>();

  constructor(words: readonly string[]) {
    for (const word of words) {
      const eq = word.indexOf('=');
      if (eq > 0) this.values.set(word.slice(0, eq), word.slice(eq + 1));
      else this.flags.add(word);
    }
  }

  has(key: string): boolean {
    return this.values.has(key) || this.flags.has(key);
  }

  str(key: string, fallback?: string): string {
    const value = this.values.get(key) ?? fallback;
    if (value === undefined) throw new Error(`missing argument ${key}=`);
    return value;
  }

  optional(key: string): string | undefined {
    return this.values.get(key);
  }

  num(key: string, fallback?: number): number {
    const text = this.values.get(key);
    if (text === undefined) {
      if (fallback === undefined) throw new Error(`missing argument ${key}=`);
      return fallback;
    }
    const n = Number(text);
    if (!Number.isFinite(n)) throw new Error(`${key}=${text} is not a number`);
    return n;
  }
}

/** A status by name (ACTIVE) or number (7). */
export function parseStatus(text: string): number {
  const named = (StorageStatus as Record<string, number>)[text];
  if (named !== undefined) return named;
  const n = Number(text);
  if (!Number.isInteger(n)) throw new Error(`unknown status ${text}`);
  return n;
}

export const caption = storageStatusCaption;

export function formatOutcome<T>(outcome: Outcome<T>, format: (value: T) => string): string {
  return outcome.ok
    ? format(outcome.value)
    : `error ${errnoName(outcome.errno)}: ${outcome.reason}`;
}

export function formatAddress(a: StorageAddress): string {
  return `${a.id === a.ip ? '' : `${a.id}@`}${a.ip}:${a.port}`;
}

export function formatSource(source: SyncSource | null): string {
  return source ? `src=${source.srcId} until=${source.untilTimestamp}` : 'empty';
}

/** Decodes a logic file name as the tracker does (§7.8), for `file=` arguments. */
export function decodeLogicName(name: string): FileSource {
  if (name.length < 44) throw new Error(`file name too short: ${name}`);
  const raw = Buffer.from(name.slice(10, 37), 'base64url');
  const v = raw.readInt32LE(0);
  const source = v >= 1 && v <= 16777215 ? String(v) : [...raw.subarray(0, 4)].join('.');
  const sizeField = raw.readBigUInt64BE(8);
  const appender = (sizeField & (1n << 58n)) !== 0n;
  const trunk = (sizeField & (1n << 59n)) !== 0n;
  const slave = name.length > 60 || (name.length > 44 && !trunk);
  return {
    source,
    timestamp: raw.readInt32BE(4),
    kind: appender ? 'appender' : slave ? 'slave' : 'normal',
  };
}

export function formatGroupStat(g: GroupStat): string {
  return (
    `${g.groupName} total=${g.totalMb} free=${g.freeMb} reserved=${g.reservedMb} ` +
    `storages=${g.storageCount} port=${g.storagePort} readable=${g.readableCount} ` +
    `writable=${g.writableCount} write_server=${g.currentWriteServer} paths=${g.storePathCount} ` +
    `subdirs=${g.subdirCountPerPath} trunk_file_id=${g.currentTrunkFileId} ` +
    `disk_ok=${g.diskAvailable ? 1 : 0}`
  );
}

export function formatStorageStat(s: StorageStat): string {
  return (
    `${s.id} ${caption(s.status)} ip=${s.ip} port=${s.port} rw=${s.rwMode} src=${s.srcId} ` +
    `version=${s.version} mb=${s.freeMb}/${s.totalMb} reserved=${s.reservedMb} ` +
    `priority=${s.uploadPriority} paths=${s.storePathCount} write_path=${s.currentWritePath} ` +
    `uploads=${s.counters.total_upload_count} synced=${s.lastSyncedTimestamp} ` +
    `beat=${s.lastHeartBeatTime} up=${s.upTime}`
  );
}

function pathSpace(s: StorageView): string {
  if (s.pathTotalMb.length === 0) return '-';
  return `${s.pathFreeMb.join('+')}/${s.pathTotalMb.join('+')}`;
}

/** Every group and storage with its status, lists and counters. */
export function dumpState(state: ClusterState): string {
  const lines: string[] = [];
  for (const g of state.groups()) {
    lines.push(
      `${g.name} port=${g.storagePort} paths=${g.storePathCount} subdirs=${g.subdirCountPerPath} ` +
        `mb=${g.freeMb}/${g.totalMb} changes=${g.changeCount} write_server=${g.currentWriteServer} ` +
        `read_server=${g.currentReadServer} store_server=${g.storeServerId} ` +
        `readable=[${g.readableIds.join(',')}] writable=[${g.writableIds.join(',')}]`,
    );
    for (const s of g.storages) {
      lines.push(
        `  ${s.id} ${caption(s.status)} ip=${s.ips.join(',')}#${s.ipIndex} port=${s.port} ` +
          `rw=${s.rwMode} paths=${s.storePathCount} mb=${pathSpace(s)} ` +
          `write_path=${s.currentWritePath} src=${s.syncSrcId} ` +
          `until=${s.syncUntilTimestamp} synced=${s.lastSyncedTimestamp} ` +
          `beat=${s.lastHeartBeatTime} up=${s.upTime} changelog=${s.changelogOffset}`,
      );
    }
  }
  lines.push(`leader_changes=${state.leaderChangeCount}`);
  return lines.join('\n');
}

export function parseReserved(text: string): ReservedSpace {
  if (text.endsWith('%')) return { kind: 'ratio', ratio: Number(text.slice(0, -1)) / 100 };
  return { kind: 'mb', mb: Number(text.replace(/MB$/i, '')) };
}

function parseRw(text: string | undefined): RwModeValue {
  switch (text) {
    case undefined:
    case 'both':
      return RwMode.BOTH;
    case 'read':
      return RwMode.READ;
    case 'write':
      return RwMode.WRITE;
    case 'none':
      return RwMode.NONE;
    default:
      throw new Error(`unknown rw=${text}`);
  }
}

/** `<id> <group> <ip>[,<ip2>][:port] [rw=<mode>]` (§10.4). */
export function parseIdLine(line: string): StorageIdEntry {
  const [id, groupName, host, rw] = line.trim().split(/\s+/);
  if (!id || !groupName || !host) throw new Error(`bad storage id line: ${line}`);
  const colon = host.lastIndexOf(':');
  const ips = (colon > 0 ? host.slice(0, colon) : host).split(',');
  const port = colon > 0 ? Number(host.slice(colon + 1)) : 23000;
  return { id, groupName, ips, port, rwMode: parseRw(rw?.replace(/^rw=/, '')) };
}

/** What a save to disk and a load keep: plain data (bigints written as text). */
export function copyThroughJson<T>(value: T): T {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  return JSON.parse(text, (_k, v: unknown) =>
    typeof v === 'string' && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v,
  ) as T;
}
