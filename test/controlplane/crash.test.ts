// kill -9 during a stream of API writes: every acknowledged write survives, nothing is half-written.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { removeDir, startControlPlaneProcess } from '../support/control-plane-launcher.ts';

const writers = 4;
const quotaArgs = ['--quota', 'virtualNodesPerMesh=100000'];

async function put(endpoint: string, path: string, body: unknown): Promise<number> {
  const res = await fetch(`${endpoint}/v20190125${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

test('acknowledged writes survive SIGKILL of the control plane', async () => {
  const cp = await startControlPlaneProcess({ args: quotaArgs });
  assert.equal(await put(cp.endpoint, '/meshes', { meshName: 'crash' }), 200);
  const acknowledged = new Set<string>();
  let killed = false;
  const killAfter = 300;

  const writer = async (id: number) => {
    for (let i = 0; !killed; i += 1) {
      const name = `w${id}-${i}`;
      try {
        const status = await put(cp.endpoint, '/meshes/crash/virtualNodes', {
          virtualNodeName: name,
          spec: {
            listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
            serviceDiscovery: { dns: { hostname: `${name}.local` } },
          },
        });
        if (status === 200) acknowledged.add(name);
      } catch {
        return; // The connection died with the process.
      }
      if (acknowledged.size >= killAfter && !killed) {
        killed = true;
        cp.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, id) => writer(id)));
  await cp.stop();

  const restarted = await startControlPlaneProcess({ dataDir: cp.dataDir, args: quotaArgs });
  try {
    const present = new Set<string>();
    let token: string | undefined;
    do {
      const res = await fetch(
        `${restarted.endpoint}/v20190125/meshes/crash/virtualNodes${token ? `?nextToken=${encodeURIComponent(token)}` : ''}`,
      );
      const page = (await res.json()) as {
        virtualNodes: { virtualNodeName: string; version: number }[];
        nextToken?: string;
      };
      for (const node of page.virtualNodes) {
        assert.equal(node.version, 1);
        present.add(node.virtualNodeName);
      }
      token = page.nextToken;
    } while (token);
    for (const name of acknowledged)
      assert.ok(present.has(name), `acknowledged ${name} is missing after restart`);
    assert.ok(
      present.size - acknowledged.size <= writers,
      'at most one in-flight write per writer may have landed unacknowledged',
    );
    const sample = [...present][present.size - 1]!;
    const described = await fetch(`${restarted.endpoint}/v20190125/meshes/crash/virtualNodes/${sample}`);
    const data = (await described.json()) as { spec: { listeners: unknown[] } };
    assert.equal(data.spec.listeners.length, 1);
  } finally {
    await restarted.stop();
    await removeDir(cp.dataDir);
  }
});
