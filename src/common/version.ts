// Our own version (package.json), shown in logs and `fdfs --version`. Wire fields carry the
// emulated FastDFS release instead (DEFAULT_WIRE_VERSION).
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function packageVersion(): string {
  if (cached === undefined) {
    const url = new URL('../../package.json', import.meta.url);
    const pkg = JSON.parse(readFileSync(url, 'utf8')) as { version?: string };
    cached = pkg.version ?? '0.0.0';
  }
  return cached;
}
