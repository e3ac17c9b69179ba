// Typed access to a parsed configuration file. Every key a loader reads is marked as known;
// whatever is left at the end becomes an "unknown key" warning (never an error, §10).
import { FdfsError } from '../errors.js';
import type { IniDocument, IniEntry } from './ini.js';
import {
  parseBool,
  parseByteSize,
  parseEnum,
  parseInteger,
  parseTimeOfDay,
  type IntRange,
  type TimeOfDay,
} from './values.js';

export class ConfigReader {
  private readonly byKey = new Map<string, IniEntry[]>();
  private readonly known = new Set<string>();
  private readonly repeatWarned = new Set<string>();
  readonly warnings: string[];

  constructor(readonly doc: IniDocument) {
    this.warnings = [...doc.warnings];
    for (const entry of doc.entries) {
      const list = this.byKey.get(entry.key);
      if (list) list.push(entry);
      else this.byKey.set(entry.key, [entry]);
    }
  }

  /** Every line of a repeatable key, in file order. */
  all(key: string): readonly IniEntry[] {
    this.known.add(key);
    return this.byKey.get(key) ?? [];
  }

  /**
   * The line of a single-valued key; a repeated one warns and the last line wins. An empty value
   * (`key =`) counts as absent, so the default applies.
   */
  entry(key: string): IniEntry | undefined {
    const list = this.all(key);
    const last = list[list.length - 1];
    if (list.length > 1 && !this.repeatWarned.has(key)) {
      this.repeatWarned.add(key);
      const lines = list.map((e) => `${e.file}:${e.line}`).join(', ');
      this.warnings.push(`${key} is set ${list.length} times (${lines}); the last value is used`);
    }
    return last === undefined || last.value === '' ? undefined : last;
  }

  /** Mark keys as known without reading them (kept for compatibility, no effect). */
  ignore(...keys: string[]): void {
    for (const key of keys) this.known.add(key);
  }

  /** Entries whose key matches, all marked known (e.g. `store_path\d+`). */
  matching(re: RegExp): readonly IniEntry[] {
    const found = this.doc.entries.filter((e) => re.test(e.key));
    for (const e of found) this.known.add(e.key);
    return found;
  }

  has(key: string): boolean {
    return this.entry(key) !== undefined;
  }

  /** A required key: ERR_CONFIG naming the file and key when it is absent or empty. */
  require(key: string, why = ''): IniEntry {
    const found = this.entry(key);
    if (!found) {
      throw new FdfsError(
        'ERR_CONFIG',
        `${this.doc.file}: missing required key "${key}"${why ? ` (${why})` : ''}`,
      );
    }
    return found;
  }

  string(key: string, fallback: string): string {
    return this.entry(key)?.value ?? fallback;
  }

  optionalString(key: string): string | undefined {
    return this.entry(key)?.value;
  }

  bool(key: string, fallback: boolean): boolean {
    const e = this.entry(key);
    return e ? parseBool(e.value, e) : fallback;
  }

  int(key: string, fallback: number, range: IntRange = {}): number {
    const e = this.entry(key);
    return e ? parseInteger(e.value, e, range) : fallback;
  }

  bytes(key: string, fallback: number, range: IntRange = {}): number {
    const e = this.entry(key);
    return e ? parseByteSize(e.value, e, range) : fallback;
  }

  time(key: string, fallback: TimeOfDay): TimeOfDay {
    const e = this.entry(key);
    return e ? parseTimeOfDay(e.value, e) : fallback;
  }

  oneOf<T>(key: string, fallback: T, choices: Readonly<Record<string, T>>): T {
    const e = this.entry(key);
    return e ? parseEnum(e.value, e, choices) : fallback;
  }

  /** The warnings, plus one per line whose key no loader asked for. */
  finish(): readonly string[] {
    for (const e of this.doc.entries) {
      if (!this.known.has(e.key)) this.warnings.push(`${e.file}:${e.line}: unknown key "${e.key}"`);
    }
    return this.warnings;
  }
}
