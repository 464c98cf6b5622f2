// `switchyard proxy` configured the way App Mesh's Envoy image is (APPMESH_* / ENVOY_* variables, no flags), and
// the Envoy admin paths operators' tooling calls on it: /server_info, /healthcheck/{fail,ok}, /stats JSON and
// filter, /listeners, /config_dump versions, /quitquitquit.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { switchyardBin, waitForExit } from '../support/switchyard-process.ts';
import { freePorts } from '../support/free-ports.ts';
import { servingNode } from '../support/mesh-api-client.ts';
import { startMesh, type MeshHarness } from '../support/mesh-harness.ts';
import { waitFor } from '../support/wait-for.ts';

const run = promisify(execFile);
const mesh = 'am';
const arn = `arn:aws:appmesh:us-west-2:111122223333:mesh/${mesh}/virtualNode/web`;
let h: MeshHarness;

before(async () => {
  h = await startMesh();
  await h.api.createMesh(mesh);
  await h.api.createNode(mesh, 'web', servingNode('web', 8080));
});

after(async () => {
  await h?.close();
});

interface Sidecar {
  readonly child: ChildProcess;
  readonly adminPort: number;
  readonly logs: Record<string, unknown>[];
  readonly exited: Promise<number | null>;
  readonly env: Record<string, string>;
}

/** Starts the proxy with `env` as its whole environment (besides PATH and HOME) and no flags but `args`. */
async function startWithEnv(env: Record<string, string>, args: readonly string[] = []): Promise<Sidecar> {
  const child = spawn(switchyardBin, ['proxy', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // Not a log line.
    }
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = waitForExit(child);
  after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  await waitFor('"proxy ready"', () => {
    if (child.exitCode !== null) throw new Error(`proxy exited ${child.exitCode}: ${stderr}`);
    return logs.some((e) => e.msg === 'proxy ready');
  });
  return { child, adminPort: Number(env.ENVOY_ADMIN_ACCESS_PORT), logs, exited, env };
}

async function appMeshSidecar(): Promise<Sidecar> {
  const [adminPort, inboundPort, outboundPort] = (await freePorts(3)) as [number, number, number];
  return startWithEnv({
    APPMESH_RESOURCE_ARN: arn,
    APPMESH_XDS_ENDPOINT: `127.0.0.1:${h.xdsPort}`,
    ENVOY_ADMIN_ACCESS_PORT: String(adminPort),
    // Only so this test runs beside others on one machine: App Mesh's fixed 15000/15001 and the control
    // plane's default API port would collide. Both are flags' defaults, not App Mesh settings.
    SWITCHYARD_INBOUND_PORT: String(inboundPort),
    SWITCHYARD_OUTBOUND_PORT: String(outboundPort),
    SWITCHYARD_ENDPOINT: h.cp.endpoint,
  });
}

const admin = (s: Sidecar, path: string, init?: RequestInit): Promise<Response> =>
  fetch(`http://127.0.0.1:${s.adminPort}${path}`, init);

test("App Mesh's variables alone start a working sidecar; its ECS health check command passes", async () => {
  const s = await appMeshSidecar();
  const ready = s.logs.find((e) => e.msg === 'proxy ready')!;
  assert.equal(ready.node, arn);
  assert.equal(ready.adminAddr, `127.0.0.1:${s.adminPort}`);
  assert.equal(Object.keys(ready.listeners as object).length, 2);
  // The ARN names the node: the control plane configured it and the registry holds its instance.
  await waitFor(
    'the instance registered',
    async () => (await h.api.instancesOf('e2e.local', 'web')).length === 1,
  );
  // App Mesh's ECS container health check, verbatim but for the port.
  await run('sh', ['-c', `curl -s http://localhost:${s.adminPort}/server_info | grep state | grep -q LIVE`]);
  const info = (await (await admin(s, '/server_info')).json()) as Record<string, unknown>;
  assert.equal(info.state, 'LIVE');
  assert.deepEqual((info.node as Record<string, unknown>).id, arn);
  assert.match(String(info.version), /^switchyard\/\d+\.\d+\.\d+\//);
});

test('healthcheck/fail drains (/ready 503, DRAINING), healthcheck/ok undoes it, GET is refused', async () => {
  const s = await appMeshSidecar();
  assert.equal((await admin(s, '/ready')).status, 200);
  assert.equal((await admin(s, '/healthcheck/fail')).status, 405);
  assert.equal((await admin(s, '/ready')).status, 200);
  assert.equal((await admin(s, '/healthcheck/fail', { method: 'POST' })).status, 200);
  const draining = await admin(s, '/ready');
  assert.equal(draining.status, 503);
  assert.equal(await draining.text(), 'DRAINING\n');
  assert.equal(((await (await admin(s, '/server_info')).json()) as { state: string }).state, 'DRAINING');
  assert.equal((await admin(s, '/healthcheck/ok', { method: 'POST' })).status, 200);
  assert.equal((await admin(s, '/ready')).status, 200);
  assert.equal(((await (await admin(s, '/server_info')).json()) as { state: string }).state, 'LIVE');
});

test('/stats?format=json and ?filter=, /listeners, /clusters?format=json, /config_dump versions', async () => {
  const s = await appMeshSidecar();
  const stats = (await (await admin(s, '/stats?format=json')).json()) as {
    stats: { name?: string; value?: number }[];
  };
  assert.ok(stats.stats.some((e) => e.name === 'switchyard.config.route_table_builds' && e.value! >= 1));
  const filtered = await (await admin(s, '/stats?filter=route_table_builds$')).text();
  assert.equal(filtered, `switchyard.config.route_table_builds: ${/\d+/.exec(filtered)?.[0]}\n`);
  assert.equal((await admin(s, '/stats?filter=(')).status, 400);
  const listeners = (await (await admin(s, '/listeners?format=json')).json()) as {
    listener_statuses: {
      name: string;
      local_address: { socket_address: { address: string; port_value: number } };
    }[];
  };
  assert.equal(listeners.listener_statuses.length, 2);
  const outboundPort = Number(s.env.SWITCHYARD_OUTBOUND_PORT);
  const outbound = listeners.listener_statuses.find(
    (l) => l.local_address.socket_address.port_value === outboundPort,
  );
  assert.equal(outbound?.local_address.socket_address.address, '127.0.0.1');
  assert.match(await (await admin(s, '/listeners')).text(), /::127\.0\.0\.1:\d+\n/);
  const clusters = (await (await admin(s, '/clusters?format=json')).json()) as {
    cluster_statuses: unknown[];
  };
  assert.ok(clusters.cluster_statuses.length >= 1);
  const dumpText = await (await admin(s, '/config_dump')).text();
  // As Envoy prints it: no proto3 defaults, no oneof names, no empty lists.
  assert.doesNotMatch(dumpText, /: (""|false|null)[,\n]/);
  assert.doesNotMatch(dumpText, /"(ipv4_compat|resolver_name)"/);
  const dump = JSON.parse(dumpText) as {
    configs: Record<string, { version_info?: string; cluster?: object }[] | string>[];
  };
  const clustersDump = dump.configs.find((c) => String(c['@type']).endsWith('ClustersConfigDump'))!;
  const active = clustersDump.dynamic_active_clusters as { version_info?: string }[];
  assert.ok(active.length >= 1);
  for (const c of active) assert.match(String(c.version_info), /^\S+$/);
  for (const c of active) assert.equal(typeof c.version_info, 'string');
});

test('POST /quitquitquit stops the sidecar (exit 0, deregistered); GET does not', async () => {
  const s = await appMeshSidecar();
  await waitFor(
    'the instance registered',
    async () => (await h.api.instancesOf('e2e.local', 'web')).length >= 1,
  );
  assert.equal((await admin(s, '/quitquitquit')).status, 405);
  assert.equal(s.child.exitCode, null);
  const quit = await admin(s, '/quitquitquit', { method: 'POST' });
  assert.equal(quit.status, 200);
  assert.equal(await quit.text(), 'OK\n');
  assert.equal(await s.exited, 0);
  assert.ok(s.logs.some((e) => e.msg === 'proxy stopped'));
});

test('SWITCHYARD_* variables configure it too; --xds-addr and the global --endpoint (alias of --api) work', async () => {
  const [adminPort, inboundPort, outboundPort] = (await freePorts(3)) as [number, number, number];
  const s = await startWithEnv(
    {
      SWITCHYARD_NODE: `mesh/${mesh}/virtualNode/web`,
      SWITCHYARD_ADMIN_ADDR: `127.0.0.1:${adminPort}`,
      SWITCHYARD_INBOUND_PORT: String(inboundPort),
      SWITCHYARD_OUTBOUND_PORT: String(outboundPort),
      // Ours win over App Mesh's: with `off` winning there would be no "proxy ready" line to wait for.
      SWITCHYARD_LOG_LEVEL: 'info',
      ENVOY_LOG_LEVEL: 'off',
      ENVOY_ADMIN_ACCESS_PORT: '1',
    },
    ['--xds-addr', `127.0.0.1:${h.xdsPort}`, '--endpoint', h.cp.endpoint],
  );
  const ready = s.logs.find((e) => e.msg === 'proxy ready')!;
  assert.equal(ready.adminAddr, `127.0.0.1:${adminPort}`);
  assert.deepEqual(Object.values(ready.listeners as object).sort(), [inboundPort, outboundPort].sort());
  assert.equal((await fetch(`http://127.0.0.1:${adminPort}/ready`)).status, 200);
  // Registered through the API named by --endpoint.
  await waitFor('the instance registered', async () =>
    (await h.api.instancesOf('e2e.local', 'web')).some((i) => i.port === inboundPort),
  );
});
