// Proxy tokens through the API and the real `switchyard token` CLI against a control plane with --access-file:
// issued only for existing nodes within the TTL bounds, only to keys allowed switchyard:*Tokens*, revoked
// idempotently, and the token text never in a log.
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiClientError } from '../../src/cli/api-client.ts';
import { runCli } from '../cli/cli-harness.ts';
import { makeTempDir, removeDir } from '../support/control-plane-launcher.ts';
import { MeshApiClient, servingNode } from '../support/mesh-api-client.ts';
import {
  issueToken,
  meshOnlyKey,
  operatorKey,
  proxyCall,
  startAuthenticatedControlPlane,
  type AuthenticatedControlPlane,
} from './tokens-fixture.ts';

const mesh = 'tok';
let plane: AuthenticatedControlPlane;
let api: MeshApiClient;
let dir: string;
const issued: string[] = [];

async function refusal(
  promise: Promise<unknown>,
): Promise<{ type: string; status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiClientError)
      return { type: error.type, status: error.status, message: error.message };
    throw error;
  }
  assert.fail('the request must be refused');
}

before(async () => {
  plane = await startAuthenticatedControlPlane();
  dir = await makeTempDir('tokens-cli');
  api = new MeshApiClient(plane.cp.endpoint, operatorKey);
  await api.createMesh(mesh);
  await api.createNode(mesh, 'blue', servingNode('blue', 8080));
  await api.createGateway(mesh, 'ingress', {
    listeners: [{ portMapping: { port: 8088, protocol: 'http' } }],
  });
});

after(async () => {
  api?.close();
  await plane?.close();
  await removeDir(dir);
  // The token text is in the answer and nowhere else: not in any log line, at any level.
  const logs = (plane?.logs ?? []).join('');
  assert.ok(logs.includes('proxy token issued'), 'issuing is logged (by id)');
  for (const token of issued) assert.ok(!logs.includes(token), 'a token appeared in the logs');
  assert.ok(!logs.includes('syt1.'), 'something token-shaped appeared in the logs');
});

describe('the token API', () => {
  it('issues a token for an existing node or gateway, by path or ARN, 24 h by default', async () => {
    const before = Date.now();
    const answer = await issueToken(plane.operator, `mesh/${mesh}/virtualNode/blue`);
    issued.push(answer.token);
    assert.match(answer.token, /^syt1\.[\w-]+\.[\w-]+$/);
    assert.equal(answer.node, `mesh/${mesh}/virtualNode/blue`);
    const lifeMs = Date.parse(answer.expiresAt) - before;
    assert.ok(Math.abs(lifeMs - 24 * 3600_000) < 60_000, `24 h, got ${lifeMs} ms`);
    const gateway = await issueToken(
      plane.operator,
      `arn:aws:appmesh:us-east-1:111122223333:mesh/${mesh}/virtualGateway/ingress`,
      3600,
    );
    issued.push(gateway.token);
    assert.equal(gateway.node, `mesh/${mesh}/virtualGateway/ingress`);
    assert.notEqual(gateway.id, answer.id);
  });

  it('refuses unknown nodes, bad node text, TTLs out of range and unknown members, with the reason', async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ node: `mesh/${mesh}/virtualNode/nobody` }, 404, /mesh\/tok\/virtualNode\/nobody does not exist/],
      [{ node: `mesh/${mesh}/virtualService/blue` }, 400, /node must be mesh\/<mesh>\/virtualNode/],
      [{}, 400, /node must be/],
      [
        { node: `mesh/${mesh}/virtualNode/blue`, ttlSeconds: 10 },
        400,
        /ttlSeconds must be a whole number from 60 to/,
      ],
      [{ node: `mesh/${mesh}/virtualNode/blue`, ttlSeconds: 400 * 86400 }, 400, /ttlSeconds must be/],
      [{ node: `mesh/${mesh}/virtualNode/blue`, ttlSeconds: '1h' }, 400, /ttlSeconds must be a number/],
      [{ node: `mesh/${mesh}/virtualNode/blue`, admin: true }, 400, /unknown member "admin"/],
    ];
    for (const [body, status, message] of cases) {
      const refused = await refusal(plane.operator.request('POST', '/switchyard/v1/tokens', body));
      assert.equal(refused.status, status, JSON.stringify(body));
      assert.match(refused.message, message);
    }
  });

  it('needs a key allowed switchyard:PostTokens; unsigned requests and proxy tokens are refused', async () => {
    const denied = await refusal(issueToken(plane.client(meshOnlyKey), `mesh/${mesh}/virtualNode/blue`));
    assert.equal(denied.type, 'AccessDeniedException');
    assert.match(denied.message, /not authorized to perform: switchyard:PostTokens/);
    const body = { node: `mesh/${mesh}/virtualNode/blue` };
    const unsigned = await proxyCall(plane.cp.endpoint, 'POST', '/switchyard/v1/tokens', undefined, body);
    assert.equal(unsigned.errorType, 'MissingAuthenticationTokenException');
    // A proxy cannot mint tokens for itself or anyone else.
    const { token } = await issueToken(plane.operator, `mesh/${mesh}/virtualNode/blue`);
    issued.push(token);
    const escalation = await proxyCall(plane.cp.endpoint, 'POST', '/switchyard/v1/tokens', token, body);
    assert.equal(escalation.status, 403);
    assert.equal(escalation.errorType, 'AccessDeniedException');
    const listing = await proxyCall(plane.cp.endpoint, 'GET', '/v20190125/meshes', token);
    assert.equal(listing.errorType, 'AccessDeniedException', 'nor read the mesh');
  });

  it('revokes idempotently and lists what is revoked; a text that is no token id is refused', async () => {
    const { id, expiresAt, token } = await issueToken(plane.operator, `mesh/${mesh}/virtualNode/blue`, 600);
    issued.push(token);
    const first = await plane.operator.request('DELETE', `/switchyard/v1/tokens/${id}`);
    const second = await plane.operator.request('DELETE', `/switchyard/v1/tokens/${id}`);
    assert.deepEqual(second, first, 'revoking again changes nothing');
    assert.equal(first['expiresAt'], expiresAt);
    const { revocations } = (await plane.operator.request('GET', '/switchyard/v1/tokens/revocations')) as {
      revocations: { id: string }[];
    };
    assert.ok(revocations.some((revocation) => revocation.id === id));
    const bad = await refusal(plane.operator.request('DELETE', '/switchyard/v1/tokens/not-a-token'));
    assert.equal(bad.status, 400);
    assert.match(bad.message, /is not a token id/);
    const denied = await refusal(plane.client(meshOnlyKey).request('DELETE', `/switchyard/v1/tokens/${id}`));
    assert.match(denied.message, /switchyard:DeleteTokens/);
  });
});

describe('switchyard token', () => {
  const env = (key = operatorKey) => ({
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    AWS_REGION: 'us-east-1',
  });
  const cli = (args: string[], key = operatorKey) => {
    Object.assign(process.env, env(key));
    return runCli(plane.cp.endpoint, args);
  };

  it('issue prints the token alone, -o json the whole answer, --output-file writes it 0600', async () => {
    const plain = await cli(['token', 'issue', '--node', `mesh/${mesh}/virtualNode/blue`, '--ttl', '2h']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^syt1\.[\w-]+\.[\w-]+\n$/);
    issued.push(plain.stdout.trim());

    const json = await cli(['token', 'issue', '--node', `mesh/${mesh}/virtualNode/blue`, '-o', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const answer = JSON.parse(json.stdout) as { token: string; id: string; node: string };
    issued.push(answer.token);
    assert.equal(answer.node, `mesh/${mesh}/virtualNode/blue`);

    const file = path.join(dir, 'blue.token');
    const written = await cli([
      'token',
      'issue',
      '--node',
      `mesh/${mesh}/virtualNode/blue`,
      '--output-file',
      file,
    ]);
    assert.equal(written.code, 0, written.stderr);
    const token = (await readFile(file, 'utf8')).trim();
    issued.push(token);
    assert.match(token, /^syt1\./);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.ok(!written.stdout.includes(token), 'with --output-file the token is not printed');
    assert.match(
      written.stdout,
      /^token [0-9a-z]+-[0-9a-f]{24} for mesh\/tok\/virtualNode\/blue written to /,
    );
  });

  it('revoke and list-revoked', async () => {
    const issuedJson = await cli(['token', 'issue', '--node', `mesh/${mesh}/virtualNode/blue`, '-o', 'json']);
    const { id, token } = JSON.parse(issuedJson.stdout) as { id: string; token: string };
    issued.push(token);
    const revoked = await cli(['token', 'revoke', id]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`^token ${id} revoked at `));
    const listed = await cli(['token', 'list-revoked']);
    assert.match(listed.stdout, /ID\s+REVOKED AT\s+EXPIRES AT/);
    assert.ok(listed.stdout.includes(id));
    const refused = await proxyCall(
      plane.cp.endpoint,
      'PUT',
      `/switchyard/v1/registry/meshes/${mesh}/virtualNodes/blue/instances/i1`,
      token,
      { address: '127.0.0.1', port: 8080 },
    );
    assert.equal(refused.errorType, 'UnrecognizedClientException', 'the revoked token is refused at once');
  });

  it('says what is wrong: a bad --ttl, a key without the right, an unknown node', async () => {
    const ttl = await cli(['token', 'issue', '--node', `mesh/${mesh}/virtualNode/blue`, '--ttl', 'soon']);
    assert.equal(ttl.code, 1);
    assert.match(ttl.stderr, /--ttl must be a duration such as 24h/);
    const denied = await cli(['token', 'issue', '--node', `mesh/${mesh}/virtualNode/blue`], meshOnlyKey);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /AccessDeniedException: .*switchyard:PostTokens/);
    const unknown = await cli(['token', 'issue', '--node', `mesh/${mesh}/virtualNode/nobody`]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /NotFoundException: mesh\/tok\/virtualNode\/nobody does not exist/);
    assert.equal(unknown.stdout, '');
  });
});
