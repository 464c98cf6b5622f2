// `switchyard control-plane` as a user runs it: ready line, clean stop, refusals, env vars, restarts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, removeDir, startControlPlaneProcess } from '../support/control-plane-launcher.ts';
import { switchyardBin, waitForExit } from '../support/switchyard-process.ts';
import { waitFor } from '../support/wait-for.ts';

async function runToExit(args: string[], env: Record<string, string> = {}) {
  const child = spawn(switchyardBin, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  const code = await waitForExit(child);
  return { code, stderr, stdout };
}

test('logs one ready line and stops cleanly on SIGTERM and SIGINT', async () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const cp = await startControlPlaneProcess();
    // Ready means both ports answer; the ready line may still be on its way through the pipe.
    await waitFor('the ready line', () => cp.logs.some((l) => l.msg === 'control plane ready'));
    const ready = cp.logs.filter((l) => l.msg === 'control plane ready');
    assert.equal(ready.length, 1);
    assert.equal(ready[0]!.apiAddr, `127.0.0.1:${cp.apiPort}`);
    assert.equal(ready[0]!.xdsAddr, `127.0.0.1:${cp.xdsPort}`);
    const res = await fetch(`${cp.endpoint}/v20190125/meshes`);
    assert.equal(res.status, 200);
    assert.equal(await cp.stop(signal), 0);
    assert.ok(cp.logs.some((l) => l.msg === 'control plane stopped'));
    await removeDir(cp.dataDir);
  }
});

test('refuses to start when the API port is taken', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as AddressInfo).port;
  const dataDir = await makeTempDir('taken');
  try {
    const result = await runToExit([
      'control-plane',
      '--api-addr',
      `127.0.0.1:${port}`,
      '--data-dir',
      dataDir,
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`127\\.0\\.0\\.1:${port}: the port is already in use`));
  } finally {
    blocker.close();
    await removeDir(dataDir);
  }
});

test('refuses to start when the data dir is unusable', async () => {
  const dir = await makeTempDir('baddir');
  const file = path.join(dir, 'a-file');
  await writeFile(file, 'not a directory');
  try {
    const result = await runToExit([
      'control-plane',
      '--api-addr',
      '127.0.0.1:0',
      '--data-dir',
      path.join(file, 'data'),
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /cannot use data dir/);
  } finally {
    await removeDir(dir);
  }
});

test('rejects malformed flags with a clear message', async () => {
  const result = await runToExit(['control-plane', '--api-addr', 'nonsense']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /--api-addr must be HOST:PORT/);
  const account = await runToExit(['control-plane', '--account-id', '12']);
  assert.equal(account.code, 1);
  assert.match(account.stderr, /account id must be 12 digits/);
});

test('environment variables configure it and data survives a restart', async () => {
  const cp = await startControlPlaneProcess({
    env: { SWITCHYARD_REGION: 'eu-west-1', SWITCHYARD_ACCOUNT_ID: '123456789012' },
  });
  const created = await fetch(`${cp.endpoint}/v20190125/meshes`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ meshName: 'kept' }),
  });
  const body = (await created.json()) as { metadata: { arn: string } };
  assert.equal(body.metadata.arn, 'arn:aws:appmesh:eu-west-1:123456789012:mesh/kept');
  assert.equal(await cp.stop(), 0);
  const again = await startControlPlaneProcess({
    dataDir: cp.dataDir,
    env: { SWITCHYARD_REGION: 'eu-west-1', SWITCHYARD_ACCOUNT_ID: '123456789012' },
  });
  try {
    const described = await fetch(`${again.endpoint}/v20190125/meshes/kept`);
    assert.equal(described.status, 200);
  } finally {
    await again.stop();
    await removeDir(cp.dataDir);
  }
});
