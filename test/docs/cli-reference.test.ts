// docs/cli.md's command reference is what commander declares: every command, argument, flag, variable and default.
// Regenerate with UPDATE_DOCS=1 after changing a command's options, and review the diff.

import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { commandLoaders } from '../../src/cli/command-loaders.ts';
import { renderCommandReference } from '../../src/cli/command-reference.ts';
import { endpointOption } from '../../src/cli/endpoint-option.ts';
import { repoRoot } from '../support/switchyard-process.ts';

const docFile = path.join(repoRoot, 'docs/cli.md');
const begin =
  '<!-- command reference: generated from the commander definitions (UPDATE_DOCS=1 node --test test/docs/cli-reference.test.ts) -->';
const end = '<!-- end of the command reference -->';

test('docs/cli.md lists every command with the flags, variables and defaults the code declares', async () => {
  const commands = await Promise.all([...commandLoaders.values()].map((load) => load()));
  const expected = renderCommandReference(commands, [endpointOption()]);
  const doc = await readFile(docFile, 'utf8');
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  assert.ok(from >= 0 && to > from, `docs/cli.md must hold the markers ${begin} … ${end}`);
  const actual = doc.slice(from + begin.length, to).trim();
  if (process.env.UPDATE_DOCS && actual !== expected.trim()) {
    await writeFile(
      docFile,
      `${doc.slice(0, from + begin.length)}\n\n${expected.trim()}\n\n${doc.slice(to)}`,
    );
    return;
  }
  assert.equal(
    actual,
    expected.trim(),
    'docs/cli.md is out of date: run with UPDATE_DOCS=1 and review the diff',
  );
  for (const name of commandLoaders.keys()) assert.match(actual, new RegExp(`### \`switchyard ${name}[ \`]`));
});
