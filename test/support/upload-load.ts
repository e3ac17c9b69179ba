// Concurrent uploaders for the crash tests (issue 5 test 2): each loops, uploading a file of a
// mixed size (0 B to 5 MiB, a tenth of them multi-MiB, so that some are mid-transfer when a
// process dies) to one of the storages it is currently given, until stopped. It keeps the sha256
// of every upload that returned a file ID, and counts the failures per storage.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StorageClient } from '#src/client/index.js';
import type { StorageNode } from './cluster-storage.js';
import { prng, prngContent, type Prng } from './prng.js';
import { addressOf } from './recovery-support.js';
import { logicNameOf } from './store-snapshot.js';

const MIB = 1 << 20;

export interface AckedUpload {
  size: number;
  sha256: string;
  on: string;
}

function mixedSize(rnd: Prng): number {
  const r = rnd.next();
  if (r < 0.03) return 0;
  if (r < 0.13) return rnd.int(2 * MIB, 5 * MIB);
  if (r < 0.38) return rnd.int(64 * 1024, MIB);
  return rnd.int(1, 32 * 1024);
}

export class UploadLoad {
  /** File id → what was uploaded, for each upload that returned an id. */
  readonly acked = new Map<string, AckedUpload>();
  /** Failed uploads per storage name. */
  readonly failures = new Map<string, number>();
  private stopping = false;
  private readonly loops: Promise<void>[];

  /** `targets()` says where uploads may go right now (it changes while a storage is down). */
  constructor(
    private readonly client: StorageClient,
    private readonly targets: () => readonly StorageNode[],
    seed: number,
    uploaders = 6,
  ) {
    this.loops = Array.from({ length: uploaders }, (_, k) => this.loop(prng(seed + k * 104_729)));
  }

  failuresOn(node: StorageNode): number {
    return this.failures.get(node.name) ?? 0;
  }

  /** Logic name → size of every acknowledged upload. */
  expectedSizes(): Map<string, number> {
    return new Map([...this.acked].map(([id, u]) => [logicNameOf(id), u.size]));
  }

  /** Wait until at least `n` uploads were acknowledged (bounded). */
  async waitAcked(n: number, ms = 30_000): Promise<void> {
    const end = Date.now() + ms;
    while (this.acked.size < n) {
      if (Date.now() > end) throw new Error(`only ${this.acked.size} of ${n} uploads acknowledged`);
      await sleep(20);
    }
  }

  /** Let the uploads in flight finish (or fail), then return. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  private async loop(rnd: Prng): Promise<void> {
    while (!this.stopping) {
      const targets = this.targets();
      if (targets.length === 0) {
        await sleep(20);
        continue;
      }
      const on = rnd.pick(targets);
      const content = prngContent(rnd, mixedSize(rnd));
      try {
        const id = await this.client.upload(addressOf(on), { content, ext: 'bin' });
        const sha256 = createHash('sha256').update(content).digest('hex');
        this.acked.set(id, { size: content.length, sha256, on: on.name });
      } catch {
        this.failures.set(on.name, this.failuresOn(on) + 1);
        await sleep(20);
      }
    }
  }
}
