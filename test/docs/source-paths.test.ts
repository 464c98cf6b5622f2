// Keeps the docs honest about the source tree: every `src/...` path README.md and docs/*.md name exists, and the
// layout in docs/architecture.md lists every directory of src/ (its subdirectories at least by name).

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { glob, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/switchyard-process.ts';

const docs = [
  'README.md',
  ...(await readdir(path.join(repoRoot, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
];

async function directories(dir: string): Promise<string[]> {
  return (await readdir(path.join(repoRoot, dir), { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}

// A path, or a glob pattern (http1-*.ts, a recursive test-file pattern) that some file matches.
async function exists(name: string): Promise<boolean> {
  if (!name.includes('*')) return existsSync(path.join(repoRoot, name));
  for await (const _ of glob(name, { cwd: repoRoot })) return true;
  return false;
}

test('every src/ path the docs name exists', async () => {
  const missing: string[] = [];
  for (const doc of docs) {
    const text = await readFile(path.join(repoRoot, doc), 'utf8');
    for (const m of text.matchAll(/(?<![\w/.-])src\/[\w./*-]*[\w/*]/g)) {
      if (!(await exists(m[0]))) missing.push(`${doc}: ${m[0]}`);
    }
  }
  assert.deepEqual(missing, [], 'the docs name source paths that do not exist: fix the doc');
});

test("docs/architecture.md's layout lists every directory of src/ and each one's subdirectories", async () => {
  const doc = await readFile(path.join(repoRoot, 'docs/architecture.md'), 'utf8');
  const layout = /## Layout\n\n```\n([\s\S]*?)\n```/.exec(doc)?.[1];
  assert.ok(layout, 'docs/architecture.md has a ## Layout section with a code block');
  const lines = layout.split('\n');
  // A top-level entry is `  name/` at two spaces under `src/`; its part of the layout runs to the next one.
  const entryAt = (line: string): string | undefined => /^ {2}([\w-]+)\/(?:\s|$)/.exec(line)?.[1];
  const unlisted: string[] = [];
  for (const dir of await directories('src')) {
    const start = lines.findIndex((line) => entryAt(line) === dir);
    if (start < 0) {
      unlisted.push(`src/${dir}/`);
      continue;
    }
    let end = start + 1;
    while (end < lines.length && entryAt(lines[end]!) === undefined && /^ {2}/.test(lines[end]!)) end++;
    const part = lines.slice(start, end).join('\n');
    for (const sub of await directories(`src/${dir}`))
      if (!new RegExp(`(?<![\\w-])${sub}/`).test(part)) unlisted.push(`src/${dir}/${sub}/`);
  }
  assert.deepEqual(unlisted, [], 'add these to the layout in docs/architecture.md, with what they hold');
});
