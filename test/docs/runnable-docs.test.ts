// Runs every ```sh runnable block of README.md and docs/*.md (see runnable-blocks.ts for the rules), file by file
// against a fresh control plane holding the `store` example mesh, so the documented commands keep working.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../cli/cli-harness.ts';
import { startControlPlaneProcess } from '../support/control-plane-launcher.ts';
import { freePorts } from '../support/free-ports.ts';
import { repoRoot } from '../support/switchyard-process.ts';
import { documentedPorts, runnableBlocks, runScript, substitutePorts } from './runnable-blocks.ts';

const docs = [
  'README.md',
  ...(await readdir(path.join(repoRoot, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
];

/** What a block's environment keeps of the test's: no proxies, endpoints or credentials leak in. */
function blockEnvironment(endpoint: string): NodeJS.ProcessEnv {
  const keep = ['HOME', 'LANG', 'TMPDIR', 'USER'];
  const env: NodeJS.ProcessEnv = {};
  for (const name of keep) if (process.env[name] !== undefined) env[name] = process.env[name];
  return {
    ...env,
    PATH: [path.join(repoRoot, 'bin'), path.join(repoRoot, 'node_modules/.bin'), process.env.PATH].join(':'),
    // The AWS CLI wants credentials and a region; the control plane accepts any.
    AWS_ACCESS_KEY_ID: 'docs',
    AWS_SECRET_ACCESS_KEY: 'docs',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    // Commands that rely on the default endpoint (http://127.0.0.1:9080) reach the runner's control plane.
    SWITCHYARD_ENDPOINT: endpoint,
  };
}

test('the marker finds blocks, and port substitution touches only the documented ports', () => {
  const ports = new Map([
    [9080, 20001],
    [15010, 20002],
  ]);
  assert.equal(
    substitutePorts('curl 127.0.0.1:9080/x --xds-addr 127.0.0.1:15010 -d \'{"port": 8001}\' 190801', ports),
    'curl 127.0.0.1:20001/x --xds-addr 127.0.0.1:20002 -d \'{"port": 8001}\' 190801',
  );
});

for (const doc of docs) {
  const blocks = await runnableBlocks(path.join(repoRoot, doc), doc);
  if (blocks.length === 0) continue;
  test(`${doc}: its ${blocks.length} runnable block(s) succeed`, async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'switchyard-docs-'));
    const others = await freePorts(documentedPorts.length - 2);
    const cp = await startControlPlaneProcess({ dataDir: path.join(cwd, '.switchyard-test') });
    try {
      await symlink(path.join(repoRoot, 'bin'), path.join(cwd, 'bin'));
      await symlink(path.join(repoRoot, 'examples'), path.join(cwd, 'examples'));
      const example = path.join(repoRoot, 'examples/apply/kubernetes.yaml');
      const applied = await runCli(cp.endpoint, ['apply', '-f', example]);
      assert.equal(applied.code, 0, applied.stderr);
      const ports = new Map<number, number>([
        [9080, cp.apiPort],
        [15010, cp.xdsPort],
        ...documentedPorts.slice(2).map((port, i): [number, number] => [port, others[i]!]),
      ]);
      for (const block of blocks) {
        const script = substitutePorts(block.script, ports);
        const run = await runScript(script, { cwd, env: blockEnvironment(cp.endpoint), timeoutMs: 60_000 });
        assert.equal(
          run.code,
          0,
          `${block.where} failed (${run.signal ?? `exit ${run.code}`}):\n${script}\n--- output ---\n${run.output}`,
        );
      }
    } finally {
      await cp.stop('SIGTERM');
      await rm(cwd, { recursive: true, force: true });
    }
  });
}
