// The one range rule of DOWNLOAD_FILE (issue 4, §6.1), shared by the store's streamed and inline
// downloads and by the small-file worker (small-io/jobs.ts), so that they cannot disagree.
import { invalid } from '../errors.js';

/**
 * The bytes to send of a file of `fileSize` bytes for `offset` and `length`: an empty file at
 * offset 0 is 0 bytes (C answers EINVAL, §16 #3); an offset at or past the end of a non-empty
 * file is EINVAL; a length past the end is cut; a length of 0 means "to the end".
 */
export function rangeCount(
  fileSize: number,
  offset: number,
  length: number,
  logicName: string,
): number {
  if (fileSize === 0 && offset === 0) return 0;
  if (offset >= fileSize) {
    throw invalid(`download offset ${offset} is not below the size of ${logicName} (${fileSize})`);
  }
  const remaining = fileSize - offset;
  return length === 0 || length > remaining ? remaining : length;
}
