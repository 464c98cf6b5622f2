// `get`, `describe` and `delete` against a real control plane; tables and describe output are golden files
// (regenerate with UPDATE_GOLDEN=1 and review the diff by hand).

import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { examplesDir, runCli } from './cli-harness.ts';

const goldenDir = path.join(import.meta.dirname, 'golden');

/** Replaces what changes from run to run: uids, timestamps and the age column. */
function normalize(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uid>')
    .replace(/("?(?:createdAt|lastUpdatedAt)"?: )[0-9.]+/g, '$1<time>')
    .replace(/ \d+[smhd]$/gm, ' <age>');
}

async function matchGolden(name: string, actual: string): Promise<void> {
  const file = path.join(goldenDir, name);
  const normalized = normalize(actual);
  if (process.env.UPDATE_GOLDEN) await writeFile(file, normalized);
  assert.equal(normalized, await readFile(file, 'utf8'), `${name} differs (UPDATE_GOLDEN=1 regenerates it)`);
}

let plane: TestControlPlane;
before(async () => {
  plane = await startTestControlPlane();
  const applied = await runCli(plane.endpoint, ['apply', '-f', path.join(examplesDir, 'kubernetes.yaml')]);
  assert.equal(applied.code, 0, applied.stderr);
});
after(() => plane.close());

async function cli(...args: string[]): Promise<string> {
  const result = await runCli(plane.endpoint, args);
  assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
  return `$ switchyard ${args.join(' ')}\n${result.stdout}\n`;
}

test('get tables of every kind', async () => {
  const outputs = [];
  for (const kind of ['meshes', 'vs', 'virtual-nodes', 'vr', 'route', 'vg', 'gr'])
    outputs.push(await cli('get', kind));
  outputs.push(await cli('get', 'route', '--mesh', 'store', '--virtual-router', 'catalog-router_store'));
  outputs.push(await cli('get', 'vn', 'frontend_store'));
  await matchGolden('get-tables.txt', outputs.join(''));
});

test('describe prints the whole resource with its tags, as YAML or JSON', async () => {
  const outputs = [
    await cli('describe', 'route', 'catalog-route'),
    await cli('describe', 'virtual-node', 'frontend_store', '--mesh', 'store'),
    await cli('describe', 'gateway-route', 'to-frontend_store', '-o', 'json'),
  ];
  await matchGolden('describe.txt', outputs.join(''));
});

test('get -o json and -o yaml print API documents', async () => {
  const json = await runCli(plane.endpoint, ['get', 'vs', '-o', 'json']);
  const services = JSON.parse(json.stdout) as { virtualServiceName: string; spec: unknown }[];
  assert.deepEqual(
    services.map((s) => s.virtualServiceName),
    ['catalog.store', 'frontend.store'],
  );
  const yaml = await runCli(plane.endpoint, ['get', 'mesh', 'store', '-o', 'yaml']);
  assert.match(yaml.stdout, /^meshName: store$/m);
  assert.match(yaml.stdout, /^ {4}type: DROP_ALL$/m);
});

test('errors: unknown kind, unknown name, ambiguous name, resource in use', async () => {
  const unknownKind = await runCli(plane.endpoint, ['get', 'pods']);
  assert.equal(unknownKind.code, 1);
  assert.match(
    unknownKind.stderr,
    /^error: unknown resource kind "pods"\nhint: use one of mesh, virtual-service/m,
  );
  const unknownName = await runCli(plane.endpoint, ['describe', 'vn', 'nope', '--mesh', 'store']);
  assert.equal(unknownName.code, 1);
  assert.equal(unknownName.stderr, 'error: virtual-node nope not found in mesh store\n');
  const inUse = await runCli(plane.endpoint, ['delete', 'vn', 'catalog-v1_store']);
  assert.equal(inUse.code, 1);
  assert.match(inUse.stderr, /^error: ResourceInUseException: /);
  const badFormat = await runCli(plane.endpoint, ['get', 'mesh', '-o', 'xml']);
  assert.equal(badFormat.code, 1);
  assert.match(badFormat.stderr, /unknown output format "xml"/);
});

test('delete removes one resource; --endpoint on the command line wins over the environment', async () => {
  const result = await runCli('http://127.0.0.1:1', [
    'delete',
    'gr',
    'to-frontend_store',
    '--endpoint',
    plane.endpoint,
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    'deleted gateway-route mesh/store/virtualGateway/ingress_store/gatewayRoute/to-frontend_store\n',
  );
  const after = await runCli(plane.endpoint, ['get', 'gr']);
  assert.equal(after.stdout, '');
  assert.equal(after.stderr, 'no gateway-route resources found\n');
  const unreachable = await runCli('http://127.0.0.1:1', ['get', 'mesh']);
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /^error: cannot reach the control plane at http:\/\/127\.0\.0\.1:1/);
});
