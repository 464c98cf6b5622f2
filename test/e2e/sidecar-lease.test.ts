// A sidecar's registry entry lives as long as the sidecar: started without --api it learns where to register
// from the control plane's xDS responses, and once it is SIGKILLed its instance leaves the registry, and its
// caller's endpoints, within the control plane's grace period.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startHttpApp, type HttpApp } from '../support/echo-apps.ts';
import { clientNode, servingNode } from '../support/mesh-api-client.ts';
import { startMesh, type MeshHarness } from '../support/mesh-harness.ts';
import { startSidecar } from '../support/sidecar-launcher.ts';
import { waitFor } from '../support/wait-for.ts';

const graceMs = 1_000;
let h: MeshHarness;
let app: HttpApp;

before(async () => {
  h = await startMesh(['--instance-grace-ms', String(graceMs)]);
  app = await startHttpApp('web');
  await h.api.createMesh('lease');
  await h.api.createNode('lease', 'web', servingNode('web', app.port));
  await h.api.createService('lease', 'web.lease.local', {
    provider: { virtualNode: { virtualNodeName: 'web' } },
  });
  await h.api.createNode('lease', 'caller', clientNode('web.lease.local'));
});

/** Whether the caller's sidecar still has `port` among its upstream hosts (its EDS). */
async function callerKnows(admin: string, port: number): Promise<boolean> {
  const text = await (await fetch(`${admin}/clusters`, { headers: { host: new URL(admin).host } })).text();
  return text.includes(`127.0.0.1:${port}::`);
}

after(async () => {
  await h.close();
  await app.close();
});

test('a SIGKILLed sidecar registered without --api leaves the registry within the grace period', async () => {
  const sidecar = await startSidecar({ node: 'mesh/lease/virtualNode/web', xdsPort: h.xdsPort });
  try {
    const [instance] = await waitFor('the sidecar registers itself', async () => {
      const list = await h.api.instancesOf('e2e.local', 'web');
      return list.length === 1 ? list : undefined;
    });
    assert.equal(instance?.port, sidecar.inboundPort);
    const caller = await h.sidecar('mesh/lease/virtualNode/caller');
    await waitFor('the caller routes to the instance', () => callerKnows(caller.admin, sidecar.inboundPort));

    await sidecar.stop('SIGKILL');
    const killedAt = Date.now();
    await waitFor(
      'the instance is removed',
      async () => (await h.api.instancesOf('e2e.local', 'web')).length === 0,
      { timeoutMs: graceMs + 20_000 },
    );
    await waitFor(
      'the caller no longer routes to it',
      async () => !(await callerKnows(caller.admin, sidecar.inboundPort)),
    );
    const goneAfterMs = Date.now() - killedAt;
    assert.ok(goneAfterMs >= graceMs - 100, `removed after ${goneAfterMs} ms, before the grace period`);
  } finally {
    await sidecar.stop('SIGKILL');
  }
});
