// Metadata encoding (§3.2), the sorted form kept on disk (§8.2) and the SET_METADATA flags (§6.1 cmd 13).
import {
  MAX_META_NAME_LEN,
  MAX_META_VALUE_LEN,
  META_FIELD_SEPARATOR,
  META_RECORD_SEPARATOR,
} from './constants.js';
import { FdfsError } from './errors.js';

export interface MetadataEntry {
  name: string;
  value: string;
}

/** SET_METADATA operation flags (§3.2): overwrite everything, or merge by name. */
export const MetadataOp = {
  /** 'O' (0x4F): replace all metadata; an empty list deletes it. */
  OVERWRITE: 'O',
  /** 'M' (0x4D): insert new names, replace values of existing ones. */
  MERGE: 'M',
} as const;

export type MetadataOpFlag = (typeof MetadataOp)[keyof typeof MetadataOp];

/** A metadata list, or a plain object of name → value (insertion order kept). */
export type MetadataInput = readonly MetadataEntry[] | Readonly<Record<string, string>>;

export function metadataFromRecord(record: Readonly<Record<string, string>>): MetadataEntry[] {
  return Object.entries(record).map(([name, value]) => ({ name, value }));
}

/** name → value; a later duplicate name wins. */
export function metadataToRecord(list: readonly MetadataEntry[]): Record<string, string> {
  return Object.fromEntries(list.map((e) => [e.name, e.value]));
}

function toList(input: MetadataInput): readonly MetadataEntry[] {
  return Array.isArray(input)
    ? (input as readonly MetadataEntry[])
    : metadataFromRecord(input as Readonly<Record<string, string>>);
}

/** 0x01/0x02 are the separators; 0x00 is refused too, as C keeps names and values as C strings. */
export function hasReservedMetadataByte(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) <= META_FIELD_SEPARATOR) return true;
  }
  return false;
}

function checkEntry(entry: MetadataEntry): void {
  const { name, value } = entry;
  if (typeof name !== 'string' || typeof value !== 'string') {
    throw new FdfsError('ERR_BAD_METADATA', 'metadata names and values must be strings');
  }
  if (name.length === 0) throw new FdfsError('ERR_BAD_METADATA', 'empty metadata name');
  if (hasReservedMetadataByte(name) || hasReservedMetadataByte(value)) {
    throw new FdfsError(
      'ERR_BAD_METADATA',
      `metadata "${name}" holds a 0x00, 0x01 or 0x02 byte, which the encoding reserves`,
    );
  }
  if (Buffer.byteLength(name, 'utf8') > MAX_META_NAME_LEN) {
    throw new FdfsError(
      'ERR_BAD_METADATA',
      `metadata name "${name}" is longer than ${MAX_META_NAME_LEN} bytes`,
    );
  }
  if (Buffer.byteLength(value, 'utf8') > MAX_META_VALUE_LEN) {
    throw new FdfsError(
      'ERR_BAD_METADATA',
      `value of metadata "${name}" is longer than ${MAX_META_VALUE_LEN} bytes`,
    );
  }
}

/** `name 0x02 value 0x01 …` with no trailing 0x01; an empty list is 0 bytes (§3.2, fdfs_pack_metadata). */
export function encodeMetadata(input: MetadataInput): Buffer {
  const list = toList(input);
  let size = 0;
  for (const entry of list) {
    checkEntry(entry);
    size += Buffer.byteLength(entry.name, 'utf8') + 1 + Buffer.byteLength(entry.value, 'utf8');
  }
  size += Math.max(0, list.length - 1);
  const buf = Buffer.allocUnsafe(size);
  let offset = 0;
  list.forEach((entry, i) => {
    if (i > 0) buf[offset++] = META_RECORD_SEPARATOR;
    offset += buf.write(entry.name, offset, 'utf8');
    buf[offset++] = META_FIELD_SEPARATOR;
    offset += buf.write(entry.value, offset, 'utf8');
  });
  return buf;
}

/**
 * Cut `bytes` to at most `limit` bytes without splitting a UTF-8 character. C cuts at exactly
 * `limit` bytes; we step back to the start of a character that would straddle the limit, so the
 * result is always valid UTF-8. Only over-long entries, which no conforming writer produces, differ.
 */
function cutUtf8(bytes: Buffer, limit: number): Buffer {
  if (bytes.length <= limit) return bytes;
  let end = limit;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/**
 * Parse like fdfs_split_metadata_ex (§3.2): split on 0x01, skip records without 0x02, split each
 * at its first 0x02, cut names to 64 and values to 256 bytes. The C parser works on a C string,
 * so a 0x00 ends the metadata; we stop there too.
 */
export function decodeMetadata(buf: Uint8Array): MetadataEntry[] {
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const nul = bytes.indexOf(0);
  const end = nul < 0 ? bytes.length : nul;
  const out: MetadataEntry[] = [];
  let start = 0;
  while (start <= end && end > 0) {
    let recordEnd = bytes.indexOf(META_RECORD_SEPARATOR, start);
    if (recordEnd < 0 || recordEnd > end) recordEnd = end;
    const sep = bytes.indexOf(META_FIELD_SEPARATOR, start);
    if (sep >= 0 && sep < recordEnd) {
      out.push({
        name: cutUtf8(bytes.subarray(start, sep), MAX_META_NAME_LEN).toString('utf8'),
        value: cutUtf8(bytes.subarray(sep + 1, recordEnd), MAX_META_VALUE_LEN).toString('utf8'),
      });
    }
    start = recordEnd + 1;
  }
  return out;
}

/** Byte-wise (strcmp) order of UTF-8 names. */
export function compareMetadataNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A copy sorted by name in byte order, as the storage writes its `-m` files (§8.2). Stable. */
export function sortMetadata(list: readonly MetadataEntry[]): MetadataEntry[] {
  return list
    .map((e) => ({ e, key: Buffer.from(e.name, 'utf8') }))
    .sort((x, y) => Buffer.compare(x.key, y.key))
    .map(({ e }) => ({ name: e.name, value: e.value }));
}

/**
 * The 'M' rule (§6.1 cmd 13): names of `incoming` replace or join those of `existing`, and the
 * result is sorted by name. A name repeated within one list keeps its last value.
 */
export function mergeMetadata(
  existing: readonly MetadataEntry[],
  incoming: readonly MetadataEntry[],
): MetadataEntry[] {
  const byName = new Map<string, string>();
  for (const e of existing) byName.set(e.name, e.value);
  for (const e of incoming) byName.set(e.name, e.value);
  return sortMetadata([...byName].map(([name, value]) => ({ name, value })));
}

export function isMetadataOpFlag(value: string): value is MetadataOpFlag {
  return value === MetadataOp.OVERWRITE || value === MetadataOp.MERGE;
}
