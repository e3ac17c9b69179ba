// Runs the scenario scripts of testdata/ (in the style of etcd raft's datadriven tests): each block
// is a command line, optional input lines, `----`, and the expected output; blocks are separated by
// a blank line. One ClusterState per file. REWRITE=1 rewrites the expected outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScenarioDriver } from './scenario-driver.test.helper.js';

// The compiled test runs from dist/tracker/state/; the scripts stay in the source tree.
const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, '../../../src/tracker/state/testdata');

interface Block {
  comments: string[];
  command: string;
  input: string[];
  expected: string[];
  line: number;
}

function parse(text: string, file: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const comments: string[] = [];
    while (i < lines.length && (lines[i]!.trim() === '' || lines[i]!.startsWith('#'))) {
      if (lines[i]!.startsWith('#')) comments.push(lines[i]!);
      i++;
    }
    if (i >= lines.length) break;
    const line = i + 1;
    const command = lines[i++]!;
    const input: string[] = [];
    while (i < lines.length && lines[i] !== '----') {
      if (lines[i]!.trim() === '') throw new Error(`${file}:${line}: no ---- after the command`);
      input.push(lines[i++]!);
    }
    if (i >= lines.length) throw new Error(`${file}:${line}: no ---- after the command`);
    i++;
    const expected: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '') expected.push(lines[i++]!);
    blocks.push({ comments, command, input, expected, line });
  }
  return blocks;
}

function render(blocks: readonly Block[], outputs: readonly string[]): string {
  return blocks
    .map((b, k) =>
      [...b.comments, b.command, ...b.input, '----', outputs[k] ?? ''].join('\n').trimEnd(),
    )
    .join('\n\n')
    .concat('\n');
}

const files = readdirSync(dataDir)
  .filter((f) => f.endsWith('.txt'))
  .sort();

test('there are scenario scripts', () => {
  assert.ok(files.length >= 10, `only ${files.length} scripts in ${dataDir}`);
});

for (const file of files) {
  test(`scenario ${file}`, () => {
    const path = join(dataDir, file);
    const blocks = parse(readFileSync(path, 'utf8'), file);
    const driver = new ScenarioDriver();
    const outputs = blocks.map((b) => driver.run(b.command, b.input));
    if (process.env.REWRITE === '1') {
      writeFileSync(path, render(blocks, outputs));
      return;
    }
    blocks.forEach((b, k) => {
      assert.equal(outputs[k], b.expected.join('\n'), `${file}:${b.line}: ${b.command}`);
    });
  });
}
