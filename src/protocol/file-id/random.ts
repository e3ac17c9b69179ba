// The random numbers that go into new file names (§7.2 size field, §7.3 EXT7 digits) come from an
// injected source, so that tests and replays are deterministic.
import { FdfsError } from '../errors.js';

/** glibc's RAND_MAX: C's rand() returns 0..RAND_MAX. */
export const RAND_MAX = 0x7fffffff;

/** Returns an integer in 0..RAND_MAX, like C's rand(). */
export type RandomSource = () => number;

/** The default source, from Math.random (names are not secrets). */
export const mathRandomSource: RandomSource = () => Math.floor(Math.random() * (RAND_MAX + 1));

/** Draw one value from `random`, refusing anything C's rand() could not return. */
export function drawRandom(random: RandomSource): number {
  const v = random();
  if (!Number.isInteger(v) || v < 0 || v > RAND_MAX) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', `random source returned ${v}, not 0..${RAND_MAX}`);
  }
  return v;
}

/** A source that replays `values` in a loop (tests, fixtures). */
export function sequenceRandomSource(values: readonly number[]): RandomSource {
  if (values.length === 0) {
    throw new FdfsError('ERR_INVALID_ARGUMENT', 'sequenceRandomSource needs at least one value');
  }
  let next = 0;
  return () => values[next++ % values.length]!;
}
