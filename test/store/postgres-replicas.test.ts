// Control plane replicas on one PostgreSQL database: App Mesh conflict/version semantics across replicas, a
// write on one replica reaching an xDS client of another, and a database restart under API write load.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { parseControlPlaneConfig } from '../../src/controlplane/control-plane-config.ts';
import { startControlPlane, type RunningControlPlane } from '../../src/controlplane/control-plane.ts';
import { typeUrls } from '../../src/xds/protos/type-urls.ts';
import { makeTempDir, removeDir } from '../support/control-plane-launcher.ts';
import { waitFor } from '../support/wait-for.ts';
import { call } from '../support/in-process-control-plane.ts';
import { postgresSkipReason, startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { AdsTestClient } from '../xds/ads-test-client.ts';
import { buildMesh, grpcNode, serviceName, services } from '../xds-e2e/support/ads-mesh.ts';
import { clientNode, MeshApiClient } from '../support/mesh-api-client.ts';

const skip = postgresSkipReason();
let server: PostgresServer | undefined;
let databases = 0;

before(async () => {
  if (!skip) server = await startPostgresServer();
});
after(async () => {
  await server?.cleanup();
});

interface Replica {
  readonly endpoint: string;
  readonly running: RunningControlPlane;
  /** Log lines at warn level and above. */
  readonly problems: string[];
  close(): Promise<void>;
}

/** A control plane on `url`; each replica has its own data dir, since the instance registry is still SQLite. */
async function startReplica(url: string): Promise<Replica> {
  const dataDir = await makeTempDir('pg-replica');
  const problems: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void problems.push(line) });
  const config = parseControlPlaneConfig({
    apiAddr: '127.0.0.1:0',
    xdsAddr: '127.0.0.1:0',
    dataDir,
    store: url,
    region: 'us-east-1',
    accountId: '111122223333',
    quota: ['virtualNodesPerMesh=100000'],
  });
  const running = await startControlPlane(config, logger);
  return {
    endpoint: `http://127.0.0.1:${running.apiAddress.port}`,
    running,
    problems,
    async close() {
      await running.close();
      await removeDir(dataDir);
    },
  };
}

async function withReplicas(count: number, body: (replicas: Replica[]) => Promise<void>): Promise<void> {
  const name = `replicas_${++databases}`;
  const url = await server!.createDatabase(name);
  const replicas: Replica[] = [];
  try {
    for (let i = 0; i < count; i++) replicas.push(await startReplica(url));
    await body(replicas);
  } finally {
    for (const replica of replicas) await replica.close();
    await server!.dropDatabase(name);
  }
}

const nodeSpec = (name: string) => ({
  listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
  serviceDiscovery: { dns: { hostname: `${name}.local` } },
});

const errorType = (res: { headers: Headers }): string | undefined =>
  res.headers.get('x-amzn-errortype')?.split(':')[0];

test(
  'concurrent creates and updates on two replicas keep App Mesh conflict and version semantics',
  { skip },
  async () => {
    await withReplicas(2, async ([a, b]) => {
      const api = (replica: Replica, method: string, path: string, body?: unknown) =>
        call(replica.endpoint, method, `/v20190125${path}`, body);

      // The same mesh created through both replicas at once: exactly one wins, the other gets a conflict.
      for (let round = 0; round < 5; round++) {
        const answers = await Promise.all(
          [a!, b!].map((r) => api(r, 'PUT', '/meshes', { meshName: `m${round}` })),
        );
        assert.deepEqual(
          answers.map((res) => res.status).sort(),
          [200, 409],
          JSON.stringify(answers.map((r) => r.json)),
        );
        assert.equal(errorType(answers.find((res) => res.status === 409)!), 'ConflictException');
      }

      // Updates through both replicas: each takes its own version, none is lost.
      const created = await api(a!, 'PUT', '/meshes/m0/virtualNodes', {
        virtualNodeName: 'web',
        spec: nodeSpec('web'),
      });
      assert.equal(created.status, 200);
      const updates = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          api(i % 2 === 0 ? a! : b!, 'PUT', '/meshes/m0/virtualNodes/web', { spec: nodeSpec(`web-${i}`) }),
        ),
      );
      assert.deepEqual(
        updates.map((res) => res.status),
        updates.map(() => 200),
      );
      const versions = updates
        .map((res) => (res.json.metadata as { version: number }).version)
        .sort((x, y) => x - y);
      assert.deepEqual(
        versions,
        Array.from({ length: 20 }, (_, i) => i + 2),
      );
      const described = await api(b!, 'GET', '/meshes/m0/virtualNodes/web');
      assert.equal((described.json.metadata as { version: number }).version, 21);
    });
  },
);

test('a write through replica A reaches an xDS client connected to replica B', { skip }, async () => {
  await withReplicas(2, async ([a, b]) => {
    const api = new MeshApiClient(a!.endpoint);
    const ads = new AdsTestClient(b!.running.xdsAddress.port);
    try {
      await buildMesh(api, 'p', { lister: ['a'] });
      // The instance registry is still per replica (SQLite in its data dir): B needs its own registrations.
      const apiOnB = new MeshApiClient(b!.endpoint);
      for (const [i, letter] of services.entries()) {
        await apiOnB.registerInstance('p', `svc-${letter}`, `${letter}-1`, 10_001 + i);
      }
      apiOnB.close();
      const stream = ads.delta();
      stream.send({
        node: grpcNode('p', 'lister'),
        type_url: typeUrls.listener,
        resource_names_subscribe: [serviceName('a'), serviceName('c')],
      });
      let response = await stream.inbox.next('the listener of a from replica B');
      const seen = new Set(response.resources.map((resource) => resource.name));
      while (!seen.has(serviceName('a'))) {
        stream.send({ type_url: typeUrls.listener, response_nonce: response.nonce });
        response = await stream.inbox.next('the listener of a from replica B');
        for (const resource of response.resources) seen.add(resource.name);
      }
      stream.send({ type_url: typeUrls.listener, response_nonce: response.nonce });

      await api.updateNode('p', 'lister', clientNode(serviceName('a'), serviceName('c')));
      for (;;) {
        response = await stream.inbox.next('c on replica B after the write on replica A');
        stream.send({ type_url: typeUrls.listener, response_nonce: response.nonce });
        if (response.resources.some((resource) => resource.name === serviceName('c'))) break;
      }
    } finally {
      ads.close();
      api.close();
    }
  });
});

test(
  'PostgreSQL restarted under write load: acknowledged writes survive, the outage answers 503',
  { skip },
  async () => {
    await withReplicas(2, async ([a, b]) => {
      const put = (path: string, body: unknown) => call(a!.endpoint, 'PUT', `/v20190125${path}`, body);
      assert.equal((await put('/meshes', { meshName: 'load' })).status, 200);
      const acknowledged = new Set<string>();
      const statuses = new Map<number, number>();
      const unavailable: unknown[] = [];
      let phase: 'before' | 'down' | 'after' | 'done' = 'before';
      let acknowledgedAfterRestart = 0;

      const writer = async (id: number) => {
        for (let i = 0; phase !== 'done'; i++) {
          const name = `w${id}-${i}`;
          const res = await put('/meshes/load/virtualNodes', { virtualNodeName: name, spec: nodeSpec(name) });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 200) {
            acknowledged.add(name);
            if (phase === 'after') acknowledgedAfterRestart++;
          } else if (res.status === 503) {
            unavailable.push(res.json);
            assert.equal(errorType(res), 'ServiceUnavailableException');
            assert.doesNotMatch(JSON.stringify(res.json), /\n\s+at /, 'no stack trace in the answer');
            // The server is down: no need to spin on refused connections while it comes back.
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      };
      const writers = Array.from({ length: 4 }, (_, id) => writer(id));
      try {
        await waitFor('50 acknowledged writes', () => acknowledged.size >= 50, { timeoutMs: 60_000 });
        phase = 'down';
        await server!.stop('immediate');
        await waitFor('writes answered 503 during the outage', () => unavailable.length >= 10, {
          timeoutMs: 60_000,
        });
        const downReady = await call(b!.endpoint, 'GET', '/readyz');
        assert.equal(downReady.status, 503, 'a replica without its database is not ready');
        assert.match(String(downReady.json.reason), /PostgreSQL/);
        assert.equal((await call(b!.endpoint, 'GET', '/healthz')).status, 200, 'but it is alive');
        await server!.start();
        phase = 'after';
        await waitFor('50 acknowledged writes after the restart', () => acknowledgedAfterRestart >= 50, {
          timeoutMs: 60_000,
        });
        await waitFor(
          'replica B ready again',
          async () => (await call(b!.endpoint, 'GET', '/readyz')).status === 200,
          {
            timeoutMs: 60_000,
          },
        );
      } finally {
        phase = 'done';
        await Promise.all(writers);
      }
      assert.deepEqual(
        [...statuses.keys()].filter((status) => status !== 200 && status !== 503),
        [],
        `only 200 and 503 answers: ${JSON.stringify([...statuses])}`,
      );

      // Read through the other replica: every acknowledged write is in the database.
      const present = new Set<string>();
      let token: string | undefined;
      do {
        const res = await call(
          b!.endpoint,
          'GET',
          `/v20190125/meshes/load/virtualNodes?limit=100${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`,
        );
        assert.equal(res.status, 200);
        for (const node of res.json.virtualNodes as { virtualNodeName: string }[])
          present.add(node.virtualNodeName);
        token = res.json.nextToken as string | undefined;
      } while (token);
      const missing = [...acknowledged].filter((name) => !present.has(name));
      assert.deepEqual(missing, [], 'every acknowledged write survived the restart');
    });
  },
);
