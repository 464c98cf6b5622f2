// Reads the `-f` sources of apply (files, directories of *.yaml/*.yml/*.json, `-` for stdin) into documents.

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ApplyProblem } from './apply-problem.ts';
import { cfnYamlTags } from './cfn-yaml-tags.ts';
import type { SourceDocument } from './source-document.ts';

export interface ReadResult {
  readonly documents: SourceDocument[];
  readonly problems: ApplyProblem[];
}

const manifestExtensions = new Set(['.yaml', '.yml', '.json']);

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Files a source names: itself, or a directory's manifest files sorted by name (not recursive). */
async function filesOf(source: string): Promise<string[]> {
  const info = await stat(source);
  if (!info.isDirectory()) return [source];
  const entries = await readdir(source, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && manifestExtensions.has(path.extname(entry.name).toLowerCase()))
    .map((entry) => path.join(source, entry.name))
    .sort();
}

/** Line and column (from 1) of a character offset, to point at a JSON syntax error. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/**
 * A `.json` file is read as JSON, strictly: YAML would take `"weight": 00` or a trailing comma, which no
 * JSON tool the user checks the file with would.
 */
function parseJson(file: string, text: string): ReadResult {
  if (text.trim() === '') return { documents: [], problems: [] };
  try {
    return splitTopLevelList(
      file,
      [{ origin: { file, document: 1 }, value: JSON.parse(text) as unknown }],
      [],
    );
  } catch (error) {
    const message = (error as Error).message;
    const offset = /at position (\d+)/.exec(message)?.[1];
    const at = offset === undefined ? lineAndColumn(text, text.length) : lineAndColumn(text, Number(offset));
    const reason = message.replace(/ in JSON.*$|, ".*$/s, '').replace(/^JSON\.parse: /, '');
    return {
      documents: [],
      problems: [
        { origin: { file }, message: `not valid JSON at line ${at.line}, column ${at.column}: ${reason}` },
      ],
    };
  }
}

function splitTopLevelList(file: string, documents: SourceDocument[], problems: ApplyProblem[]): ReadResult {
  if (documents.length === 1 && Array.isArray(documents[0]!.value)) {
    return {
      documents: (documents[0]!.value as unknown[]).map((value, i) => ({
        origin: { file, document: i + 1 },
        value,
      })),
      problems,
    };
  }
  return { documents, problems };
}

/**
 * Parses one file's text: JSON for a `.json` file, otherwise YAML with CloudFormation tags; a top-level list
 * is a list of documents.
 */
export function parseDocuments(file: string, text: string): ReadResult {
  if (path.extname(file).toLowerCase() === '.json') return parseJson(file, text);
  const documents: SourceDocument[] = [];
  const problems: ApplyProblem[] = [];
  let index = 0;
  for (const doc of parseAllDocuments(text, { customTags: cfnYamlTags, prettyErrors: true })) {
    index += 1;
    const origin = { file, document: index };
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const at = error.linePos ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
        problems.push({
          origin,
          message: `not valid YAML/JSON${at}: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
        });
      }
      continue;
    }
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (value === null || value === undefined) continue;
    documents.push({ origin, value });
  }
  return splitTopLevelList(file, documents, problems);
}

export async function readDocuments(sources: readonly string[]): Promise<ReadResult> {
  const documents: SourceDocument[] = [];
  const problems: ApplyProblem[] = [];
  for (const source of sources) {
    let files: string[];
    try {
      files = source === '-' ? ['-'] : await filesOf(source);
    } catch (error) {
      problems.push({ origin: { file: source }, message: `cannot read: ${(error as Error).message}` });
      continue;
    }
    for (const file of files) {
      let text: string;
      try {
        text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
      } catch (error) {
        problems.push({ origin: { file }, message: `cannot read: ${(error as Error).message}` });
        continue;
      }
      const result = parseDocuments(file === '-' ? '<stdin>' : file, text);
      documents.push(...result.documents);
      problems.push(...result.problems);
    }
  }
  return { documents, problems };
}
