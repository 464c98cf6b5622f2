// Hostile proxies against the registry with authentication on: a node sharing a Cloud Map service with another
// (as versions of one service do, told apart by attributes) must not plant an instance carrying the other
// node's attribute values (its callers would be sent to the planter: traffic theft), and path spellings of
// another node's instance (encoded slashes, dot segments, case) must not get past the ownership check.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MeshApiClient } from '../support/mesh-api-client.ts';
import { httpRequest } from '../support/http-client.ts';
import {
  issueToken,
  operatorKey,
  proxyCall,
  startAuthenticatedControlPlane,
  type AuthenticatedControlPlane,
} from '../auth/tokens-fixture.ts';

const mesh = 'shared';
const registry = '/switchyard/v1/registry';
const sharedService = `${registry}/namespaces/shop.local/services/catalog`;
const byNode = (node: string, id: string) =>
  `${registry}/meshes/${mesh}/virtualNodes/${node}/instances/${id}`;

let plane: AuthenticatedControlPlane;
let api: MeshApiClient;
const tokens = { all: '', v2: '' };

interface InstanceView {
  readonly instanceId: string;
  readonly attributes: Record<string, string>;
}

async function instances(query = ''): Promise<InstanceView[]> {
  const answer = await plane.operator.request('GET', `${sharedService}/instances${query}`);
  return answer['instances'] as InstanceView[];
}

before(async () => {
  plane = await startAuthenticatedControlPlane();
  api = new MeshApiClient(plane.cp.endpoint, operatorKey);
  await api.createMesh(mesh);
  const node = (attributes: { key: string; value: string }[]) => ({
    listeners: [{ portMapping: { port: 8080, protocol: 'http' as const } }],
    serviceDiscovery: { awsCloudMap: { namespaceName: 'shop.local', serviceName: 'catalog', attributes } },
  });
  // `all` serves every version (no filter); `v2` only instances with version=v2.
  await api.createNode(mesh, 'all', node([]));
  await api.createNode(mesh, 'v2', node([{ key: 'version', value: 'v2' }]));
  await plane.operator.request('PUT', `${registry}/namespaces/shop.local`);
  await plane.operator.request('PUT', sharedService);
  tokens.all = (await issueToken(plane.operator, `mesh/${mesh}/virtualNode/all`)).token;
  tokens.v2 = (await issueToken(plane.operator, `mesh/${mesh}/virtualNode/v2`)).token;
});

after(async () => {
  api?.close();
  await plane?.close();
});

test("a node cannot plant an instance with another node's attribute values in a shared service", async () => {
  const answer = await proxyCall(plane.cp.endpoint, 'PUT', byNode('all', 'evil'), tokens.all, {
    address: '127.0.0.1',
    port: 9,
    attributes: { version: 'v2' },
  });
  assert.equal(answer.status, 403, JSON.stringify(answer.json));
  assert.equal(answer.errorType, 'AccessDeniedException');
  assert.match(String(answer.json['message']), /version/);
  assert.deepEqual(await instances('?attr.version=v2'), [], 'nothing joined v2');

  // Its own registration, with attributes no other node filters on, still works; v2 registers as v2.
  const own = await proxyCall(plane.cp.endpoint, 'PUT', byNode('all', 'a-1'), tokens.all, {
    address: '127.0.0.1',
    port: 8080,
    attributes: { SWITCHYARD_LISTENER_PORT: '8080', zone: 'a' },
  });
  assert.equal(own.status, 201, JSON.stringify(own.json));
  const v2 = await proxyCall(plane.cp.endpoint, 'PUT', byNode('v2', 'v2-1'), tokens.v2, {
    address: '127.0.0.1',
    port: 8080,
    attributes: { version: 'v2' },
  });
  assert.equal(v2.status, 201, JSON.stringify(v2.json));
  assert.deepEqual(
    (await instances('?attr.version=v2')).map((i) => i.instanceId),
    ['v2-1'],
  );
});

test("path spellings of another node's instance do not pass the ownership check", async () => {
  const port = Number(new URL(plane.cp.endpoint).port);
  const headers = { authorization: `Bearer ${tokens.all}`, 'content-type': 'application/json' };
  for (const [method, path] of [
    ['DELETE', `${sharedService}/instances/v2-1`],
    ['DELETE', `${registry}/namespaces/shop.local/services/catalog/instances/a-1/../v2-1`],
    ['DELETE', `${registry}/namespaces/shop.local%2Fservices%2Fcatalog/instances/v2-1`],
    ['DELETE', `${registry}/namespaces/shop.local/services/catalog/instances/v2-1%2F`],
    ['DELETE', `${registry}//namespaces/shop.local/services/catalog/instances/v2-1`],
    ['DELETE', `${registry.toUpperCase()}/namespaces/shop.local/services/catalog/instances/v2-1`],
    ['PUT', `${sharedService}/instances/v2-1/health`],
    ['PUT', `${registry}/meshes/${mesh}/virtualNodes/v2/instances/v2-1`],
    ['PUT', `${registry}/meshes/${mesh}/virtualNodes/all/../v2/instances/v2-1`],
  ] as const) {
    const answer = await httpRequest(port, path, {
      method,
      headers,
      body: method === 'PUT' ? JSON.stringify({ health: 'UNHEALTHY', address: '127.0.0.1', port: 9 }) : '',
    });
    assert.ok(answer.status >= 400, `${method} ${path}: ${answer.status} ${answer.body}`);
  }
  const [instance] = (await instances('?attr.version=v2')).filter((i) => i.instanceId === 'v2-1');
  assert.ok(instance, 'v2-1 is still registered');
  assert.equal(instance.attributes['SWITCHYARD_VIRTUAL_NODE'], `mesh/${mesh}/virtualNode/v2`);
});
