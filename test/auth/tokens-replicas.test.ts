// Proxy tokens across replicas: a revocation made on one reaches another authority on the same store within
// seconds (SQLite: a second authority on the control plane's store; PostgreSQL: two control planes on one
// database, each with its own connections), and a token issued by one replica is accepted by the other.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { systemCaClock } from '../../src/ca/ca-clock.ts';
import { ProxyTokenAuthority } from '../../src/api/auth/proxy-token-authority.ts';
import { postgresSkipReason, startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { MeshApiClient, servingNode } from '../support/mesh-api-client.ts';
import { waitFor } from '../support/wait-for.ts';
import {
  issueToken,
  operatorKey,
  proxyCall,
  startAuthenticatedControlPlane,
  type AuthenticatedControlPlane,
} from './tokens-fixture.ts';

const skip = postgresSkipReason();
let server: PostgresServer | undefined;

before(async () => {
  if (!skip) server = await startPostgresServer();
});
after(async () => {
  await server?.cleanup();
});

const mesh = 'rep';
const heartbeatPath = (id: string) =>
  `/switchyard/v1/registry/meshes/${mesh}/virtualNodes/blue/instances/${id}`;

async function createBlue(plane: AuthenticatedControlPlane): Promise<void> {
  const api = new MeshApiClient(plane.cp.endpoint, operatorKey);
  try {
    await api.createMesh(mesh);
    await api.createNode(mesh, 'blue', servingNode('blue', 8080));
  } finally {
    api.close();
  }
}

test('SQLite: a second authority on the store refuses a revoked token within seconds and hears of it', async (t) => {
  const plane = await startAuthenticatedControlPlane();
  t.after(() => plane.close());
  await createBlue(plane);
  const second = await ProxyTokenAuthority.open({ store: plane.cp.running.store, clock: systemCaClock });
  t.after(() => second.close());
  const heard: string[] = [];
  second.onRevoked((ids) => heard.push(...ids));
  const { token, id } = await issueToken(plane.operator, `mesh/${mesh}/virtualNode/blue`);
  assert.equal(second.authenticateToken(token).ok, true, 'issued by one, accepted by the other');
  const startedMs = Date.now();
  await plane.operator.request('DELETE', `/switchyard/v1/tokens/${id}`);
  await waitFor('the second authority refusing the token', () => !second.authenticateToken(token).ok, {
    timeoutMs: 5000,
  });
  const tookMs = Date.now() - startedMs;
  assert.deepEqual(second.authenticateToken(token), { ok: false, reason: 'revoked' });
  assert.deepEqual(heard, [id]);
  t.diagnostic(`revocation seen by the second authority after ${tookMs} ms`);
});

test(
  'PostgreSQL: two control planes on one database share the key; a revocation on one is enforced by the other within seconds',
  { skip },
  async (t) => {
    const url = await server!.createDatabase('token_replicas');
    const [a, b] = await Promise.all([
      startAuthenticatedControlPlane({ databaseUrl: url }),
      startAuthenticatedControlPlane({ databaseUrl: url }),
    ]);
    t.after(async () => {
      await a.close();
      await b.close();
    });
    await createBlue(a);
    assert.equal(
      (await a.cp.running.store.listTokenKeys()).length,
      1,
      'replicas starting together agree on one key',
    );
    const { token, id } = await issueToken(a.operator, `mesh/${mesh}/virtualNode/blue`);
    const body = { address: '127.0.0.1', port: 8080 };
    const onB = await proxyCall(b.cp.endpoint, 'PUT', heartbeatPath('b1'), token, body);
    assert.equal(onB.status, 201, `B accepts A's token: ${JSON.stringify(onB.json)}`);

    const startedMs = Date.now();
    await a.operator.request('DELETE', `/switchyard/v1/tokens/${id}`);
    const refused = await waitFor(
      'B refusing the revoked token',
      async () => {
        const answer = await proxyCall(b.cp.endpoint, 'PUT', heartbeatPath('b1'), token, body);
        return answer.status === 403 ? answer : undefined;
      },
      { timeoutMs: 5000 },
    );
    assert.equal(refused.errorType, 'UnrecognizedClientException');
    t.diagnostic(`revocation enforced by replica B after ${Date.now() - startedMs} ms`);
    const listed = (await b.operator.request('GET', '/switchyard/v1/tokens/revocations')) as {
      revocations: { id: string }[];
    };
    assert.deepEqual(
      listed.revocations.map((revocation) => revocation.id),
      [id],
    );
  },
);
