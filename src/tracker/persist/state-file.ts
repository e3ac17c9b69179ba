// The INI dialect of the tracker's state files (§9.9): `[Section]` lines, `# comment` lines, and
// TAB-indented `key=value` lines. Sections repeat ([Group001], [Group002]...), so they are kept
// in order rather than merged.

export interface StateSection {
  name: string;
  /** The `# ...` comment line written just before the section, without "# ". */
  comment: string | undefined;
  values: Map<string, string>;
}

export function parseStateFile(text: string): StateSection[] {
  const sections: StateSection[] = [];
  let comment: string | undefined;
  let current: StateSection | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      comment = line.replace(/^#\s*/, '');
      continue;
    }
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = { name: section[1]!, comment, values: new Map() };
      comment = undefined;
      sections.push(current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0 || !current) throw new Error(`state file: unexpected line "${line}"`);
    current.values.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return sections;
}

/** One section as the C tracker writes it: optional comment, header, TAB-indented keys. */
export function formatSection(
  name: string,
  entries: readonly (readonly [string, string | number])[],
  comment?: string,
): string {
  let out = comment === undefined ? '' : `# ${comment}\n`;
  out += `[${name}]\n`;
  for (const [key, value] of entries) out += `\t${key}=${value}\n`;
  return out;
}

export function int(section: StateSection, key: string, fallback = 0): number {
  const v = section.values.get(key);
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n))
    throw new Error(`state file: [${section.name}] ${key}=${v} is not an integer`);
  return n;
}

export function str(section: StateSection, key: string): string {
  return section.values.get(key) ?? '';
}

/** `[Group001]`: 1-based, 3-digit zero padded. */
export function sectionNumber(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(3, '0')}`;
}
