// Writes a run's JSON and Markdown under the results directory, formatted as the repository's prettier
// check expects; full runs also refresh latest.json / latest.md, which the README links.

import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as prettier from 'prettier';
import { repoRoot } from './bench-options.ts';
import type { BenchResults } from './bench-results.ts';

export interface WrittenFiles {
  readonly json: string;
  readonly markdown: string;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** `<date>[-quick|-smoke][-n]`, never overwriting an earlier run of the same day. */
async function freeStem(dir: string, results: BenchResults): Promise<string> {
  const base = `${results.startedAt.slice(0, 10)}${results.mode === 'full' ? '' : `-${results.mode}`}`;
  for (let n = 1; ; n++) {
    const stem = n === 1 ? base : `${base}-${n}`;
    if (!(await exists(path.join(dir, `${stem}.json`)))) return stem;
  }
}

async function format(text: string, parser: 'json' | 'markdown'): Promise<string> {
  const config = (await prettier.resolveConfig(path.join(repoRoot, 'package.json'))) ?? {};
  return prettier.format(text, { ...config, parser });
}

/** Returns the formatted Markdown too, so what is printed is what is stored. */
export async function writeResults(
  outDir: string,
  results: BenchResults,
  markdown: string,
): Promise<WrittenFiles & { formattedMarkdown: string }> {
  await mkdir(outDir, { recursive: true });
  const stem = await freeStem(outDir, results);
  const json = await format(JSON.stringify(results), 'json');
  const md = await format(markdown, 'markdown');
  const files = { json: path.join(outDir, `${stem}.json`), markdown: path.join(outDir, `${stem}.md`) };
  await writeFile(files.json, json);
  await writeFile(files.markdown, md);
  if (results.mode === 'full') {
    await writeFile(path.join(outDir, 'latest.json'), json);
    await writeFile(path.join(outDir, 'latest.md'), md);
  }
  return { ...files, formattedMarkdown: md };
}
