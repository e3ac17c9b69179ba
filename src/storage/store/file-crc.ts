// CRC32 of a stored file (§6.1 cmd 22 for appender and slave files, cmd 38), read through one
// reused buffer: no copy of the content is kept.
import { crc32 } from 'node:zlib';
import type { StoreFs } from './fs-layer.js';

const CHUNK = 256 * 1024;

/** Unsigned CRC32 and size of the file at `path` (a symlink is followed). */
export async function crcOfFile(
  fs: StoreFs,
  path: string,
): Promise<{ crc32: number; size: number }> {
  const fd = await fs.open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let crc = 0;
    let size = 0;
    for (;;) {
      const n = await fs.read(fd, buffer, 0, CHUNK, size);
      if (n === 0) break;
      crc = crc32(buffer.subarray(0, n), crc);
      size += n;
    }
    return { crc32: crc >>> 0, size };
  } finally {
    await fs.close(fd);
  }
}
