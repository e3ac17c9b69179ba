// The INI-like format of every FastDFS configuration file (PROTOCOL.md §10): `key = value` lines,
// `#` comments, `#include <file>`, `[section]` headers. Each value keeps its file and line so
// that an error can name them. Reading is async (loadIni); parseIni works on text for tests.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { FdfsError } from '../errors.js';

/** One `key = value` line. Keys inside `[section]` are named `section.key`. */
export interface IniEntry {
  readonly key: string;
  readonly value: string;
  /** The file that holds the line (an included file for included keys). */
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
}

export interface IniDocument {
  /** The top-level file, as given. */
  readonly file: string;
  /** Directory that relative paths in the top-level file are resolved against. */
  readonly baseDir: string;
  /** Every entry in file order, includes expanded where they appear; repeats kept. */
  readonly entries: readonly IniEntry[];
  /** Lines that were ignored, each naming file:line. */
  readonly warnings: readonly string[];
}

export interface IniSource {
  /** Name used in messages, and (resolved against baseDir) for include-cycle detection. */
  file: string;
  /** Directory for relative `#include` paths; defaults to the directory of `file`. */
  baseDir?: string;
  /** Reads an included file (absolute path). Defaults to a synchronous read from disk. */
  readInclude?: (path: string) => string;
}

/** FastDFS allows nested includes; more than this many levels is treated as an error. */
export const MAX_INCLUDE_DEPTH = 8;

const INCLUDE_RE = /^#include(?:\s+(.*))?$/;
const SECTION_RE = /^\[(.*)\]$/;

/** The target of an `#include` line (trimmed line), or undefined for any other line. */
function includeTarget(line: string): string | undefined {
  const m = INCLUDE_RE.exec(line);
  if (!m) return undefined;
  // Accept `#include "x"` and `#include <x>` as well as the plain form of the samples.
  return (m[1] ?? '').trim().replace(/^"(.*)"$|^<(.*)>$/, '$1$2');
}

function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
}

function resolveFrom(dir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dir, path);
}

function readError(file: string, line: number, target: string, cause: unknown): FdfsError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'read error';
  return new FdfsError('ERR_CONFIG', `${file}:${line}: #include ${target}: cannot read (${code})`, {
    cause,
  });
}

interface ParseState {
  entries: IniEntry[];
  warnings: string[];
  readInclude: (path: string) => string;
}

function parseInto(
  state: ParseState,
  text: string,
  file: string,
  dir: string,
  stack: readonly string[],
  startSection: string,
): void {
  let section = startSection;
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const target = includeTarget(line);
      if (target !== undefined) {
        parseInclude(state, target, file, lineNo, dir, stack, section);
      } else if (line.startsWith('#@')) {
        state.warnings.push(`${file}:${lineNo}: directive "${line}" is not supported (ignored)`);
      }
      continue;
    }
    const sectionMatch = SECTION_RE.exec(line);
    if (sectionMatch) {
      section = sectionMatch[1]!.trim();
      if (section === '') {
        throw new FdfsError('ERR_CONFIG', `${file}:${lineNo}: empty section name "${line}"`);
      }
      continue;
    }
    const eq = line.indexOf('=');
    const key = eq < 0 ? '' : line.slice(0, eq).trim();
    if (key === '') {
      state.warnings.push(`${file}:${lineNo}: "${line}" is not a "key = value" line (ignored)`);
      continue;
    }
    state.entries.push({
      key: section === '' ? key : `${section}.${key}`,
      value: line.slice(eq + 1).trim(),
      file,
      line: lineNo,
    });
  }
}

function parseInclude(
  state: ParseState,
  target: string,
  file: string,
  lineNo: number,
  dir: string,
  stack: readonly string[],
  section: string,
): void {
  if (target === '') {
    throw new FdfsError('ERR_CONFIG', `${file}:${lineNo}: #include without a file name`);
  }
  const path = resolveFrom(dir, target);
  if (stack.includes(path)) {
    const cycle = [...stack.slice(stack.indexOf(path)), path].join(' -> ');
    throw new FdfsError('ERR_CONFIG', `${file}:${lineNo}: #include ${target}: cycle (${cycle})`);
  }
  if (stack.length > MAX_INCLUDE_DEPTH) {
    throw new FdfsError(
      'ERR_CONFIG',
      `${file}:${lineNo}: #include ${target}: nested more than ${MAX_INCLUDE_DEPTH} levels deep`,
    );
  }
  let text: string;
  try {
    text = state.readInclude(path);
  } catch (err) {
    throw readError(file, lineNo, target, err);
  }
  // The included file starts in the includer's section; its own headers end at its end.
  parseInto(state, text, path, dirname(path), [...stack, path], section);
}

/** Parse configuration text. `#include` lines are read with `source.readInclude`. */
export function parseIni(text: string, source: IniSource): IniDocument {
  const baseDir = source.baseDir ?? dirname(resolve(source.file));
  const state: ParseState = {
    entries: [],
    warnings: [],
    readInclude: source.readInclude ?? ((path) => readFileSync(path, 'utf8')),
  };
  parseInto(state, text, source.file, baseDir, [resolveFrom(baseDir, source.file)], '');
  return { file: source.file, baseDir, entries: state.entries, warnings: state.warnings };
}

type Fetched = { text: string } | { error: unknown };

/** Read every file reachable through `#include` (each once, so a cycle ends) into `into`. */
async function prefetchIncludes(
  text: string,
  dir: string,
  depth: number,
  into: Map<string, Fetched>,
): Promise<void> {
  if (depth > MAX_INCLUDE_DEPTH) return; // parseIni reports the depth error
  for (const raw of splitLines(text)) {
    const target = includeTarget(raw.trim());
    if (!target) continue;
    const path = resolveFrom(dir, target);
    if (into.has(path)) continue;
    try {
      const included = await readFile(path, 'utf8');
      into.set(path, { text: included });
      await prefetchIncludes(included, dirname(path), depth + 1, into);
    } catch (error) {
      into.set(path, { error });
    }
  }
}

/** Read and parse a configuration file and everything it includes (start-up only). */
export async function loadIni(path: string): Promise<IniDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'read error';
    throw new FdfsError('ERR_CONFIG', `${path}: cannot read (${code})`, { cause });
  }
  const baseDir = dirname(resolve(path));
  const files = new Map<string, Fetched>();
  await prefetchIncludes(text, baseDir, 1, files);
  return parseIni(text, {
    file: path,
    baseDir,
    readInclude: (included) => {
      const got = files.get(included);
      if (got === undefined) throw new Error(`${included} was not read`);
      if ('error' in got) throw got.error;
      return got.text;
    },
  });
}
