// The reserved-space checks (§9.6, `fdfs_check_reserved_space*`): a group or a store path takes
// uploads only while its free space stays above the reserve.
import type { ReservedSpace } from './policy.js';

/** Group check: free MB above the reserve, or a free ratio above it (false while total is 0). */
export function groupHasSpace(reserved: ReservedSpace, totalMb: number, freeMb: number): boolean {
  if (reserved.kind === 'mb') return freeMb > reserved.mb;
  if (totalMb === 0) return false;
  return freeMb / totalMb > reserved.ratio;
}

/** The per-path share of an absolute reserve (integer division, as in the C tracker). */
export function pathReserveMb(reserved: ReservedSpace, pathCount: number): number {
  return reserved.kind === 'mb' && pathCount > 0 ? Math.floor(reserved.mb / pathCount) : 0;
}

/** Per-path check (§9.5 store path): free above the path's share, or a free ratio above it. */
export function pathHasSpace(
  reserved: ReservedSpace,
  totalMb: number,
  freeMb: number,
  reserveMb: number,
): boolean {
  if (reserved.kind === 'mb') return freeMb > reserveMb;
  if (totalMb === 0) return false;
  return freeMb / totalMb > reserved.ratio;
}

/** `reserved_mb` in the stats: the configured MB, or total × ratio (§9.6). */
export function reservedMbOf(reserved: ReservedSpace, totalMb: number): number {
  return reserved.kind === 'mb' ? reserved.mb : Math.floor(totalMb * reserved.ratio);
}
