// Usage mistakes answered without a control plane: --version, a misspelt option, `get` without a kind.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/switchyard-process.ts';
import { runCli } from './cli-harness.ts';

// Nothing listens on the discard port; none of these commands may reach it.
const nowhere = 'http://127.0.0.1:9';

test('--version prints the package version', async () => {
  const { version } = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {
    version: string;
  };
  for (const flag of ['--version', '-V']) {
    const result = await runCli(nowhere, [flag]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${version}\n`);
  }
});

test('a misspelt option is reported with the closest one before any missing required option', async () => {
  const result = await runCli(nowhere, ['envoy-bootstrap', '--nod', 'mesh/m/virtualNode/a']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^error: unknown option '--nod'\n\(Did you mean --node\?\)/);
  assert.doesNotMatch(result.stderr, /required option/);
});

test('a missing required option is still reported', async () => {
  const result = await runCli(nowhere, ['envoy-bootstrap']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^error: required option '--node <id>' not specified/);
});

test('get without a kind lists the kinds', async () => {
  const result = await runCli(nowhere, ['get']);
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    'error: name the kind of resource to get: mesh, virtual-service (vs), virtual-node (vn), ' +
      'virtual-router (vr), route (rt), virtual-gateway (vg), gateway-route (gr), traffic-permission\n',
  );
});
