// Memory stays flat whatever the size (issue 4): a 256 MiB upload through the content writer
// grows the RSS by a few MB, not by the file. On tmpfs (/dev/shm) when there is one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { nodeStoreFs } from './fs-layer.js';
import { writeTempFile } from './content-writer.js';
import { ruleContent, withTempDir } from './store.test.helper.js';

const SIZE = 256 * 1024 * 1024;
const CHUNK = 64 * 1024;

async function fastDir(): Promise<string | undefined> {
  try {
    return (await stat('/dev/shm')).isDirectory() ? '/dev/shm' : undefined;
  } catch {
    return undefined;
  }
}

test('a 256 MiB upload keeps the RSS growth small', { timeout: 60_000 }, async () => {
  await withTempDir(
    async (dir) => {
      const chunk = ruleContent(CHUNK, 7);
      let expectedCrc = 0;
      let sent = 0;
      // A socket-like source of 64 KiB chunks, paused while the sink is full. It pushes one buffer
      // again and again: fresh buffers would measure the garbage collector's lag (about 30 MB of
      // not-yet-collected chunks), not what the writer holds.
      const source = new Readable({
        highWaterMark: 256 * 1024,
        read() {
          if (sent >= SIZE) {
            this.push(null);
            return;
          }
          expectedCrc = crc32(chunk, expectedCrc);
          sent += chunk.length;
          this.push(chunk);
        },
      });
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      const started = Date.now();
      const r = await writeTempFile(nodeStoreFs, source, SIZE, join(dir, 'big.tmp'));
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      const seconds = (Date.now() - started) / 1000;
      assert.equal(r.bytes, SIZE);
      assert.equal(r.crc32, expectedCrc >>> 0);
      assert.equal((await stat(r.path)).size, SIZE);
      const growthMb = (peak - before) / 2 ** 20;
      console.log(
        `256 MiB in ${seconds.toFixed(2)} s (${(256 / seconds).toFixed(0)} MB/s), ` +
          `RSS growth ${growthMb.toFixed(1)} MB`,
      );
      assert.ok(growthMb < 24, `RSS grew by ${growthMb.toFixed(1)} MB`);
    },
    await fastDir(),
  );
});
