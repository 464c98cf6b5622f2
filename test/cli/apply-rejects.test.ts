// Input apply must refuse as a whole: a clear message naming file, document and field, exit 1, nothing written.

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeTempDir, removeDir } from '../support/control-plane-launcher.ts';
import { startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { inventory, runCli } from './cli-harness.ts';

let plane: TestControlPlane;
let dir: string;
before(async () => {
  plane = await startTestControlPlane();
  dir = await makeTempDir('reject');
});
after(async () => {
  await plane.close();
  await removeDir(dir);
});

const goodMesh =
  'apiVersion: appmesh.k8s.aws/v1beta2\nkind: Mesh\nmetadata: {name: fine}\nspec: {namespaceSelector: {}}\n';

async function rejects(files: Record<string, string>, expected: readonly RegExp[]): Promise<string> {
  const args = ['apply'];
  for (const [name, text] of Object.entries(files)) {
    await writeFile(path.join(dir, name), text);
    args.push('-f', path.join(dir, name));
  }
  const result = await runCli(plane.endpoint, args);
  assert.equal(result.code, 1, result.stdout);
  assert.equal(result.stdout, '', 'no plan line is printed');
  for (const pattern of expected) assert.match(result.stderr, pattern);
  assert.match(result.stderr, /^error: \d+ problems? in the input; nothing was written$/m);
  assert.deepEqual(await inventory(plane.endpoint), [], 'nothing was written');
  return result.stderr;
}

test('bad YAML names the file, the document and the line; the good documents are not applied either', async () => {
  const other = goodMesh.replace('fine', 'other');
  await rejects({ 'good.yaml': goodMesh, 'bad.yaml': `${other}---\nkind: [unclosed\n` }, [
    /^error: .*bad\.yaml, document 2: not valid YAML\/JSON at line 7, column 1: Flow sequence in block collection must be sufficiently indented and end with a \]$/m,
  ]);
});

test('an unknown kind in the App Mesh group is an error, not a skip', async () => {
  await rejects(
    {
      'widget.yaml': `${goodMesh}---\napiVersion: appmesh.k8s.aws/v1beta2\nkind: VirtualWidget\nmetadata: {name: w}\n`,
    },
    [/^error: .*widget\.yaml, document 2: kind: unknown kind VirtualWidget in appmesh\.k8s\.aws\/v1beta2$/m],
  );
});

test('a reference to a resource that exists nowhere names the field that makes it', async () => {
  const router = [
    'apiVersion: appmesh.k8s.aws/v1beta2',
    'kind: VirtualRouter',
    'metadata: {name: r, namespace: shop}',
    'spec:',
    '  listeners: [{portMapping: {port: 8080, protocol: http}}]',
    '  routes:',
    '    - name: main',
    '      httpRoute: {match: {prefix: /}, action: {weightedTargets: [{virtualNodeRef: {name: ghost}, weight: 1}]}}',
  ].join('\n');
  await rejects({ 'router.yaml': `${goodMesh}---\n${router}\n` }, [
    /^error: .*router\.yaml, document 2 \(VirtualRouter shop\/r, route main\): spec\.routes\[0\]\.httpRoute\.action\.weightedTargets\[0\]\.virtualNode: VirtualNode ghost_shop in mesh fine does not exist \(neither in the files nor in the control plane\)$/m,
  ]);
  const cliInput = JSON.stringify({
    meshName: 'fine',
    virtualServiceName: 'svc',
    spec: { provider: { virtualRouter: { virtualRouterName: 'missing' } } },
  });
  await rejects({ 'mesh.yaml': goodMesh, 'svc.json': cliInput }, [
    /^error: .*svc\.json, document 1 \(VirtualService svc\): spec\.provider\.virtualRouter\.virtualRouterName: VirtualRouter missing in mesh fine does not exist/m,
  ]);
});

test('shape violations and a mesh that exists nowhere are reported together', async () => {
  const node = JSON.stringify({
    meshName: 'nowhere',
    virtualNodeName: 'n',
    spec: { listeners: [{ portMapping: { port: 0, protocol: 'http' } }], colour: 'red' },
  });
  const stderr = await rejects({ 'node.json': node }, [
    /^error: .*node\.json, document 1 \(VirtualNode n\): spec\.listeners\[0\]\.portMapping\.port: must be between 1 and 65535, got 0$/m,
    /^error: .*node\.json, document 1 \(VirtualNode n\): spec\.colour: /m,
  ]);
  assert.doesNotMatch(stderr, /Mesh nowhere/, 'references of a shape-invalid resource are not checked');
  await rejects({ 'node.json': JSON.stringify({ meshName: 'nowhere', virtualNodeName: 'n', spec: {} }) }, [
    /^error: .*node\.json, document 1 \(VirtualNode n\): meshName: Mesh nowhere does not exist/m,
  ]);
});

test('a document of no known format, and a missing file, are rejected', async () => {
  await rejects({ 'odd.yaml': 'hello: world\n' }, [/odd\.yaml, document 1: cannot tell the format/]);
  const result = await runCli(plane.endpoint, ['apply', '-f', path.join(dir, 'does-not-exist.yaml')]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /does-not-exist\.yaml: cannot read: ENOENT/);
});

test('stdin (-f -) is read like a file', async (t) => {
  const result = await runCli(
    plane.endpoint,
    ['apply', '-f', '-'],
    JSON.stringify({ meshName: 'from-stdin' }),
  );
  t.after(() => runCli(plane.endpoint, ['delete', 'mesh', 'from-stdin']));
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    'created mesh mesh/from-stdin\napplied: 1 created, 0 updated, 0 unchanged, 0 deleted\n',
  );
});

test('a .json file is read as strict JSON: "weight": 00 is refused with its file and line', async () => {
  const mesh =
    '{\n  "apiVersion": "appmesh.k8s.aws/v1beta2",\n  "kind": "Mesh",\n  "metadata": {"name": "m"},\n';
  await rejects({ 'zero.json': `${mesh}  "spec": {"weight": 00}\n}\n` }, [
    /^error: .*zero\.json: not valid JSON at line 5, column 23: Unexpected number$/m,
  ]);
});
