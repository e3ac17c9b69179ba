// storage_ids.conf (PROTOCOL.md §10.4): `<id> <group> <host>[:port] [rw=<mode>]`, one storage
// per line; `#` comments and blank lines are skipped.
import { readFile } from 'node:fs/promises';
import { DEFAULT_STORAGE_PORT } from '../../protocol/constants.js';
import { RwMode, type RwModeValue } from '../../protocol/status.js';
import { FdfsError } from '../errors.js';
import {
  configValueError,
  parseEnum,
  parseGroupName,
  parseHostPort,
  parseServerId,
  type ValueSite,
} from './values.js';
import type { StorageIdEntry } from '../../protocol/file-id/file-id.js';

/** A storage_ids.conf line: the protocol's StorageIdEntry plus what the file said (§10.4). */
export interface StorageIdConfigEntry extends StorageIdEntry {
  /** rw= (§3.4): 0 none, 2 write, 4 read, 6 both (the default). */
  readonly rwMode: RwModeValue;
  /** Whether the line gave a port (then every line does). */
  readonly portGiven: boolean;
  /** Where the entry was written. */
  readonly line: number;
}

const RW_MODES: Readonly<Record<string, RwModeValue>> = {
  both: RwMode.BOTH,
  all: RwMode.BOTH,
  read: RwMode.READ,
  readonly: RwMode.READ,
  write: RwMode.WRITE,
  writeonly: RwMode.WRITE,
  none: RwMode.NONE,
};

function site(file: string, line: number, key: string): ValueSite {
  return { file, line, key };
}

function parseLine(fields: string[], file: string, line: number): StorageIdConfigEntry {
  if (fields.length < 3) {
    throw new FdfsError(
      'ERR_CONFIG',
      `${file}:${line}: expected "<id> <group_name> <host>[:port] [rw=<mode>]"`,
    );
  }
  const [idText, group, hostText, ...options] = fields as [string, string, string, ...string[]];
  const address = parseHostPort(hostText, DEFAULT_STORAGE_PORT, site(file, line, 'host'));
  let rwMode: RwModeValue = RwMode.BOTH;
  for (const option of options) {
    const m = /^rw=(.*)$/i.exec(option);
    const where = site(file, line, 'option');
    if (!m) throw configValueError(where, option, 'rw=<both|read|write|none>');
    rwMode = parseEnum(m[1]!, site(file, line, 'rw'), RW_MODES);
  }
  return {
    id: parseServerId(idText, site(file, line, 'id')),
    groupName: parseGroupName(group, site(file, line, 'group_name')),
    ips: [...address.hosts],
    port: address.port,
    portGiven: address.portGiven,
    rwMode,
    line,
  };
}

/** Check the file-wide rules: unique ids, unique (ip, port), a port on every line or on none. */
function checkEntries(entries: readonly StorageIdConfigEntry[], file: string): void {
  const ids = new Map<string, number>();
  const endpoints = new Map<string, number>();
  const first = entries[0];
  for (const e of entries) {
    const idLine = ids.get(e.id);
    if (idLine !== undefined) {
      throw configValueError(
        site(file, e.line, 'id'),
        e.id,
        `a unique id (also on line ${idLine})`,
      );
    }
    ids.set(e.id, e.line);
    if (first && e.portGiven !== first.portGiven) {
      const had = first.portGiven ? 'has' : 'has no';
      throw new FdfsError(
        'ERR_CONFIG',
        `${file}:${e.line}: either every line gives a port or none does (line ${first.line} ${had} port)`,
      );
    }
    for (const ip of e.ips) {
      const key = `${ip}|${e.port}`;
      const at = endpoints.get(key);
      if (at !== undefined) {
        throw configValueError(
          site(file, e.line, 'host'),
          `${ip}:${e.port}`,
          `a unique address and port (also on line ${at})`,
        );
      }
      endpoints.set(key, e.line);
    }
  }
}

/** Parse storage_ids.conf text; entries are sorted by id as strings (as FastDFS sorts them). */
export function parseStorageIds(text: string, source: { file: string }): StorageIdConfigEntry[] {
  const entries: StorageIdConfigEntry[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n|\r/)
    .forEach((raw, i) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      entries.push(parseLine(line.split(/\s+/), source.file, i + 1));
    });
  checkEntries(entries, source.file);
  return entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Read and parse storage_ids.conf (start-up only). */
export async function loadStorageIds(path: string): Promise<StorageIdConfigEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'read error';
    throw new FdfsError('ERR_CONFIG', `${path}: cannot read (${code})`, { cause });
  }
  return parseStorageIds(text, { file: path });
}
