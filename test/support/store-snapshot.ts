// What a storage holds on disk, for the durability tests (issue 5 tests 1 and 2): every entry of
// its `data/XX/YY` folders (§8.1) by logic name, with size, sha256 and CRC32 of regular files and
// the logic name a symlink points to; what is left in its temporary folders; and the check that a
// file nobody was told about is complete and correct (its name carries size and CRC32, §7.2).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { crc32 } from 'node:zlib';
import { decodeFileId } from '#src/protocol/file-id/index.js';
import { binlogFileName, parseBinlogText } from '#src/storage/binlog/record.js';
import type { StorageNode } from './cluster-storage.js';

export type StoredEntry =
  | { kind: 'file'; size: number; sha256?: string; crc32?: number }
  | { kind: 'link'; target: string };

/** Logic name (`Mpp/XX/YY/name`) → entry. */
export type StoreSnapshot = Map<string, StoredEntry>;

const SUBDIR = /^[0-9A-F]{2}$/;

function storePathPrefix(index: number): string {
  return `M${index.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** sha256 and CRC32 (the §7.2 one) of a file, streamed. */
export async function digestFile(path: string): Promise<{ sha256: string; crc32: number }> {
  const hash = createHash('sha256');
  let crc = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buf = chunk as Buffer;
    hash.update(buf);
    crc = crc32(buf, crc);
  }
  return { sha256: hash.digest('hex'), crc32: crc >>> 0 };
}

/**
 * Every entry of the XX/YY folders of every store path of `node`. With `hash`, regular files get
 * their sha256 and CRC32 (slow for big trees: poll without it, then hash once).
 */
export async function snapshotStore(
  node: StorageNode,
  options: { hash?: boolean } = {},
): Promise<StoreSnapshot> {
  const out: StoreSnapshot = new Map();
  for (let i = 0; i < node.storePaths.length; i++) {
    const dataDir = node.dataDir(i);
    for (const xx of (await readdir(dataDir)).filter((d) => SUBDIR.test(d)).sort()) {
      for (const yy of (await readdir(join(dataDir, xx))).filter((d) => SUBDIR.test(d)).sort()) {
        const dir = join(dataDir, xx, yy);
        for (const name of (await readdir(dir)).sort()) {
          const path = join(dir, name);
          const logicName = `${storePathPrefix(i)}/${xx}/${yy}/${name}`;
          const stats = await lstat(path);
          if (stats.isSymbolicLink()) {
            // C writes absolute targets (§6.2 #19): compare them as logic names.
            const target = await readlink(path);
            const rel = relative(dataDir, target).split(sep).join('/');
            out.set(logicName, { kind: 'link', target: `${storePathPrefix(i)}/${rel}` });
          } else if (options.hash) {
            out.set(logicName, { kind: 'file', size: stats.size, ...(await digestFile(path)) });
          } else {
            out.set(logicName, { kind: 'file', size: stats.size });
          }
        }
      }
    }
  }
  return out;
}

/** The logic name of a file id (`group/Mpp/...` → `Mpp/...`). */
export function logicNameOf(fileId: string): string {
  return fileId.slice(fileId.indexOf('/') + 1);
}

/**
 * Files left in `node`'s temporary folders: `<store_path>/data/.tmp` (uploads and incoming sync
 * creates stream there, §8.1) and `*.tmp` of atomic rewrites under `<base_path>/data` and
 * `<base_path>/data/sync` (marks, binlog index, init flag).
 */
export async function tempLeftovers(node: StorageNode): Promise<string[]> {
  const found: string[] = [];
  const list = async (dir: string, only?: RegExp): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const n of names) if (!only || only.test(n)) found.push(join(dir, n));
  };
  for (let i = 0; i < node.storePaths.length; i++) {
    await list(node.tempDir(i));
    await list(node.dataDir(i), /^.+\.tmp$/); // not the .tmp folder itself
  }
  await list(join(node.basePath, 'data'), /\.tmp$/);
  await list(join(node.basePath, 'data', 'sync'), /\.tmp$/);
  return found.sort();
}

/**
 * Why a stored regular file is not what its name says (size and CRC32 of a normal file, §7.2), or
 * undefined when it is. Names that carry no size (appenders, slaves, `-m` files) are not judged.
 */
export function nameMismatch(logicName: string, entry: StoredEntry): string | undefined {
  if (entry.kind !== 'file' || logicName.endsWith('-m')) return undefined;
  const decoded = decodeFileId(`group1/${logicName}`);
  if (decoded.kind !== 'normal' || decoded.fileSize === null) return undefined;
  if (BigInt(entry.size) !== decoded.fileSize) {
    return `${logicName}: ${entry.size} bytes on disk, its name says ${decoded.fileSize}`;
  }
  if (entry.crc32 === undefined) throw new Error(`${logicName}: snapshot taken without hashes`);
  if (entry.crc32 !== decoded.crc32) {
    return `${logicName}: CRC32 ${entry.crc32.toString(16)} on disk, its name says ${decoded.crc32.toString(16)}`;
  }
  return undefined;
}

/** Every node's tree (names and sizes, no hashes) holds each logic name of `expected` with its size. */
export async function holdAll(
  nodes: readonly StorageNode[],
  expected: ReadonlyMap<string, number>,
): Promise<boolean> {
  for (const node of nodes) {
    const snap = await snapshotStore(node);
    for (const [name, size] of expected) {
      const e = snap.get(name);
      if (e?.kind !== 'file' || e.size !== size) return false;
    }
  }
  return true;
}

/** Logic names with an upper-case `C` line (an upload on that storage) in `node`'s binlog.000 (§8.3). */
export async function binlogUploads(node: StorageNode): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(join(node.basePath, 'data', 'sync', binlogFileName(0)), 'latin1');
  } catch {
    return new Set();
  }
  const names = new Set<string>();
  for (const line of parseBinlogText(text).lines) {
    if (line.ok && line.record.op === 'C') names.add(line.record.filename);
  }
  return names;
}
