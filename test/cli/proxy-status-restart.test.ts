// proxy-status after a control-plane restart: every proxy that reconnects shows SYNCED for every type it
// subscribes to, although a resuming delta client is sent nothing it already holds; an unknown node is listed
// as rejected with the reason it was given.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { syncState, type ClientView, type RejectedView } from '../../src/cli/proxy-status-command.ts';
import {
  removeDir,
  startControlPlaneProcess,
  type ControlPlaneProcess,
} from '../support/control-plane-launcher.ts';
import { MeshApiClient } from '../support/mesh-api-client.ts';
import { startSidecar, type SidecarProcess } from '../support/sidecar-launcher.ts';
import { switchyardBin } from '../support/switchyard-process.ts';
import { waitFor } from '../support/wait-for.ts';

const run = promisify(execFile);
const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const step of cleanup.reverse()) await step();
});

interface Status {
  clients: (ClientView & { connectedAt: string })[];
  rejected: RejectedView[];
}

async function status(cp: ControlPlaneProcess): Promise<Status> {
  const { stdout } = await run(switchyardBin, ['proxy-status', '--endpoint', cp.endpoint, '-o', 'json']);
  return JSON.parse(stdout) as Status;
}

// web subscribes to CDS, LDS, EDS and RDS; api (no backends) to all but EDS.
// Reconnecting sidecars back off (up to seconds) and each status read starts a CLI process: be patient on a
// loaded machine, the conditions themselves are exact.
const patience = { timeoutMs: 90_000 };

const allSynced = (client: ClientView): boolean =>
  client.types.length >= 3 && client.types.every((t) => syncState(t) === 'SYNCED');

test('after a control-plane restart every reconnected proxy shows SYNCED; an unknown node is rejected', async () => {
  let cp = await startControlPlaneProcess();
  const dataDir = cp.dataDir;
  cleanup.push(() => removeDir(dataDir));
  cleanup.push(() => cp.stop('SIGTERM').then(() => undefined));
  const api = new MeshApiClient(cp.endpoint);
  cleanup.push(async () => api.close());
  await api.createMesh('status');
  await api.createNode('status', 'api', {
    listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
    serviceDiscovery: { dns: { hostname: '127.0.0.1' } },
  });
  await api.createService('status', 'api.local', {
    provider: { virtualNode: { virtualNodeName: 'api' } },
  });
  await api.createNode('status', 'web', {
    listeners: [{ portMapping: { port: 8081, protocol: 'http' } }],
    serviceDiscovery: { dns: { hostname: '127.0.0.1' } },
    backends: [{ virtualService: { virtualServiceName: 'api.local' } }],
  });
  const sidecars: SidecarProcess[] = [];
  cleanup.push(async () => {
    await Promise.all(sidecars.map((s) => s.stop('SIGTERM')));
  });
  for (const name of ['web', 'api']) {
    sidecars.push(await startSidecar({ node: `mesh/status/virtualNode/${name}`, xdsPort: cp.xdsPort }));
  }
  const before = await waitFor(
    'both proxies SYNCED',
    async () => {
      const s = await status(cp);
      return s.clients.length === 2 && s.clients.every(allSynced) ? s : undefined;
    },
    patience,
  );

  await cp.stop('SIGTERM');
  cp = await startControlPlaneProcess({ dataDir, apiPort: cp.apiPort, xdsPort: cp.xdsPort });
  const ghost = await startSidecar({
    node: 'mesh/status/virtualNode/ghost',
    xdsPort: cp.xdsPort,
    waitReady: false,
  });
  sidecars.push(ghost);

  const earlier = new Set(before.clients.map((c) => c.connectedAt));
  const afterRestart = await waitFor(
    'both proxies reconnected and SYNCED, the ghost rejected',
    async () => {
      const s = await status(cp);
      const reconnected = s.clients.filter((c) => !earlier.has(c.connectedAt));
      return reconnected.length === 2 && reconnected.every(allSynced) && s.rejected.length > 0
        ? s
        : undefined;
    },
    patience,
  );
  assert.deepEqual(afterRestart.clients.map((c) => c.nodeId).sort(), [
    'mesh/status/virtualNode/api',
    'mesh/status/virtualNode/web',
  ]);
  const [ghostEntry] = afterRestart.rejected;
  assert.equal(ghostEntry?.nodeId, 'mesh/status/virtualNode/ghost');
  assert.equal(ghostEntry?.code, 'NOT_FOUND');
  assert.match(ghostEntry!.reason, /VirtualNode ghost does not exist in mesh status/);

  const { stdout } = await run(switchyardBin, ['proxy-status', '--endpoint', cp.endpoint]);
  const lines = stdout.split('\n');
  const row = (name: string): string =>
    lines.find((l) => l.startsWith(`mesh/status/virtualNode/${name} `)) ?? '';
  assert.match(row('web'), /\bdelta\s+SYNCED\s+SYNCED\s+SYNCED\s+SYNCED\s/, stdout);
  assert.match(row('api'), /\bdelta\s+SYNCED\s+SYNCED\s+-\s+SYNCED\s/, stdout);
  assert.ok(lines.includes('rejected by the control plane (the proxies retry):'), stdout);
  assert.match(
    stdout,
    /^mesh\/status\/virtualNode\/ghost\s+switchyard\S* \S+\s+NOT_FOUND\s+\d+\s+\d+s\s+VirtualNode ghost does not exist/m,
  );
});
