// Plain `key=value\n` files, no indentation, keys in a fixed order: .tracker_status (§9.9),
// mark files (§8.4), .data_init_flag and storage_stat.dat (§8.10), recovery files (§8.8).

export type KeyValueEntries = readonly (readonly [string, string | number])[];

export function formatKeyValues(entries: KeyValueEntries): string {
  let out = '';
  for (const [key, value] of entries) out += `${key}=${value}\n`;
  return out;
}

/** Keys and values, trimmed; blank lines, comments and lines without '=' are skipped. */
export function parseKeyValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trimStart().startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return values;
}

/** An integer value, or `fallback` when absent or empty. Garbage is an error naming the key. */
export function intValue(values: Map<string, string>, key: string, fallback = 0): number {
  const v = values.get(key);
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`${key}=${v} is not an integer`);
  return n;
}
