// Read every complete line of the local binlog, binlog.000 up to the file being written (§8.3),
// in file order, chunk by chunk (memory stays flat however long it is). A last line without its
// `\n` is still being written and is not returned. Used by FETCH_ONE_PATH_BINLOG (26); the push
// sync keeps its own reader with marks.
import { open } from 'node:fs/promises';
import { isNodeCode } from '../store/errors.js';

const CHUNK = 256 * 1024;

/** The lines (without `\n`) of `path`, as latin1 text (binlog lines are ASCII). */
export async function* fileLines(path: string): AsyncGenerator<string> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (err) {
    if (isNodeCode(err, 'ENOENT')) return;
    throw err;
  }
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let rest = '';
    let position = 0;
    for (;;) {
      const { bytesRead } = await file.read(buf, 0, CHUNK, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      const text = rest + buf.toString('latin1', 0, bytesRead);
      const end = text.lastIndexOf('\n');
      if (end < 0) {
        rest = text;
        continue;
      }
      rest = text.slice(end + 1);
      for (const line of text.slice(0, end).split('\n')) yield line;
    }
  } finally {
    await file.close();
  }
}

/** Lines of binlog files 0..lastIndex, given each file's path. */
export async function* binlogLines(
  filePath: (index: number) => string,
  lastIndex: number,
): AsyncGenerator<string> {
  for (let i = 0; i <= lastIndex; i++) yield* fileLines(filePath(i));
}
