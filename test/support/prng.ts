// A small seeded PRNG (mulberry32) for tests that want reproducible randomness: print the seed,
// and a failure can be replayed with FDFS_TEST_SEED=<seed>.

export interface Prng {
  readonly seed: number;
  /** [0, 1) */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  bytes(n: number): Buffer;
}

/** The seed from FDFS_TEST_SEED, else a fresh one. */
export function testSeed(): number {
  const fromEnv = Number(process.env.FDFS_TEST_SEED);
  return Number.isSafeInteger(fromEnv) && fromEnv > 0
    ? fromEnv
    : Math.floor(Math.random() * 0x7fffffff) + 1;
}

export function prng(seed: number): Prng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    bytes: (n) => {
      const buf = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) buf[i] = Math.floor(next() * 256);
      return buf;
    },
  };
}

/** `n` bytes from `rnd`, 4 per draw: for megabytes of test content (`bytes` draws per byte). */
export function prngContent(rnd: Prng, n: number): Buffer {
  const buf = Buffer.allocUnsafe(n);
  let i = 0;
  for (; i + 4 <= n; i += 4) buf.writeUInt32LE(Math.floor(rnd.next() * 4294967296), i);
  for (; i < n; i++) buf[i] = Math.floor(rnd.next() * 256);
  return buf;
}
