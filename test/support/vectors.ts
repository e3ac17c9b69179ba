// Loaders for the golden vectors recorded from the real FastDFS 6.16.1 (test/vectors/README.md).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { VECTORS_DIR } from './paths.js';

export interface PacketFrame {
  from: string;
  pkgLen: number;
  cmd: number;
  status: number;
  headerHex: string;
  bodyHex: string;
  bodyText?: string;
  closeDelimited?: boolean;
}

export interface PacketVector {
  /** File name without directory, e.g. "storage-11-upload-file.json". */
  file: string;
  description: string;
  server: 'tracker' | 'storage';
  dialect: 'ip16' | 'ip46';
  frames: PacketFrame[];
  context: {
    capture: string;
    cluster: string;
    responseIpSize?: number;
    producedBy?: string;
    runCase?: string;
    fileId?: string;
    decoded?: unknown[];
    [key: string]: unknown;
  };
}

let packetCache: PacketVector[] | undefined;

export function loadPackets(): PacketVector[] {
  if (!packetCache) {
    const dir = join(VECTORS_DIR, 'packets');
    packetCache = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((file) => ({
        file,
        ...(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Omit<PacketVector, 'file'>),
      }));
  }
  return packetCache;
}

export function loadPacket(file: string): PacketVector {
  const found = loadPackets().find((p) => p.file === file);
  if (!found) throw new Error(`no packet vector ${file}`);
  return found;
}

export function frameBody(frame: PacketFrame): Buffer {
  return Buffer.from(frame.bodyHex, 'hex');
}

export function frameBytes(frame: PacketFrame): Buffer {
  return Buffer.concat([Buffer.from(frame.headerHex, 'hex'), Buffer.from(frame.bodyHex, 'hex')]);
}

export function readVectorJson<T>(relative: string): T {
  return JSON.parse(readFileSync(join(VECTORS_DIR, relative), 'utf8')) as T;
}

export function vectorPath(...parts: string[]): string {
  return join(VECTORS_DIR, ...parts);
}
