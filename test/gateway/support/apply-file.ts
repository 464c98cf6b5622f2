// Runs `switchyard apply -f` against a control plane, as a walkthrough's README tells a user to.
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { switchyardBin } from '../../support/switchyard-process.ts';

let written = 0;

/** Writes `docs` (a JSON list of CLI input documents) to a temporary file and applies it; returns the output. */
export async function applyDocuments(endpoint: string, docs: readonly object[]): Promise<string> {
  const file = path.join(tmpdir(), `switchyard-walkthrough-${process.pid}-${written++}.json`);
  await writeFile(file, JSON.stringify(docs));
  const run = new Promise<string>((resolve, reject) => {
    execFile(
      switchyardBin,
      ['apply', '-f', file],
      { env: { ...process.env, SWITCHYARD_ENDPOINT: endpoint }, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`switchyard apply failed: ${stderr || stdout}`, { cause: error }));
        else resolve(stdout);
      },
    );
  });
  try {
    return await run;
  } finally {
    await rm(file, { force: true });
  }
}
