// Every error code is documented (STYLE §3, after fastify's test/internals/errors.test.js):
// docs/ERRORS.md has one table row per key of ErrorCodes, with the errno the code maps to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes } from '#src/protocol/errors.js';
import { errnoName } from '#src/protocol/errno.js';
import { REPO_ROOT } from './support/paths.js';

interface DocRow {
  code: string;
  errno: string;
  when: string;
  todo: string;
  line: number;
}

/** Table rows whose first cell is a backquoted ERR_ code: `| \`ERR_X\` | errno | when | what to do |`. */
function documentedRows(markdown: string): DocRow[] {
  const rows: DocRow[] = [];
  markdown.split('\n').forEach((text, i) => {
    const m = /^\|\s*`(ERR_[A-Z0-9_]*)`\s*\|(.*)\|\s*$/.exec(text);
    if (!m) return;
    const cells = m[2]!.split('|').map((c) => c.trim());
    rows.push({
      code: m[1]!,
      errno: cells[0] ?? '',
      when: cells[1] ?? '',
      todo: cells[2] ?? '',
      line: i + 1,
    });
  });
  return rows;
}

const doc = readFileSync(join(REPO_ROOT, 'docs', 'ERRORS.md'), 'utf8');
const rows = documentedRows(doc);
const codes = Object.keys(ErrorCodes);

test('docs/ERRORS.md has a table row for every key of ErrorCodes', () => {
  const documented = new Set(rows.map((r) => r.code));
  const missing = codes.filter((c) => !documented.has(c));
  assert.deepEqual(missing, [], `undocumented codes: ${missing.join(', ')}`);
});

test('every code documented in docs/ERRORS.md exists, once', () => {
  const unknown = rows.filter((r) => !(r.code in ErrorCodes));
  assert.deepEqual(
    unknown.map((r) => `${r.code} (line ${r.line})`),
    [],
    'documented codes that ErrorCodes does not have',
  );
  const seen = new Set<string>();
  for (const r of rows) {
    assert.ok(!seen.has(r.code), `${r.code} is documented twice (line ${r.line})`);
    seen.add(r.code);
  }
});

test('each row gives the errno of its code, when it is raised and what to do', () => {
  for (const r of rows) {
    if (!(r.code in ErrorCodes)) continue;
    const errno = ErrorCodes[r.code as keyof typeof ErrorCodes];
    const expected = `${errnoName(errno)} (${errno})`;
    assert.ok(
      r.errno.startsWith(expected),
      `${r.code} (line ${r.line}): errno cell "${r.errno}" should start with "${expected}"`,
    );
    assert.ok(r.when.length >= 20, `${r.code} (line ${r.line}): "when it is raised" is missing`);
    assert.ok(r.todo.length >= 5, `${r.code} (line ${r.line}): "what to do" is missing`);
  }
});

test('the row parser finds rows and would notice a missing one', () => {
  const sample = [
    '| code | errno | when | what to do |',
    '|---|---|---|---|',
    '| `ERR_A` | EINVAL (22) | raised when something is wrong here | fix it |',
    'text mentioning `ERR_B` outside a table',
  ].join('\n');
  assert.deepEqual(
    documentedRows(sample).map((r) => [r.code, r.errno]),
    [['ERR_A', 'EINVAL (22)']],
  );
  assert.ok(rows.length >= codes.length);
});
